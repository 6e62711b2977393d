package org.pathways.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A Stable Diffusion pipeline folder (as data-scripts/fetch-weights.sh sd14 lays one out) built from the tiny golden
 * models of golden/sd: a VAE of spatial factor 2 and sample_size 32, a 2-head UNet with self-attention at 16 x 16 and
 * 8 x 8, their text encoder and scheduler config. Skips (through {@link Golden#dir}) without golden data.
 */
public final class TinyStableDiffusion {
    private TinyStableDiffusion() {}

    /** Writes {@code parent}/sd14 and returns it. */
    public static Path pipeline(Path parent) throws IOException {
        Path root = parent.resolve("sd14");
        Files.createDirectories(root.resolve("scheduler"));
        for (String model : List.of("unet", "vae", "text_encoder")) { // copies (6 MB): links out of a temp dir make JUnit warn
            Files.createDirectories(root.resolve(model));
            try (var files = Files.list(Golden.dir("sd/" + model))) {
                for (Path f : files.toList()) Files.copy(f, root.resolve(model).resolve(f.getFileName()));
            }
        }
        Files.copy(Golden.dir("sd/scheduler").resolve("scheduler_config.json"), root.resolve("scheduler/scheduler_config.json"));
        return root;
    }
}
