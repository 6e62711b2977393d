package org.pathways.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.common.JsonFiles;
import org.pathways.data.Images;
import org.pathways.data.NdData;
import org.pathways.data.Npy;
import org.pathways.data.SampleScene;
import org.pathways.model.VisionTransformer;
import org.pathways.testing.Golden;

/**
 * Input that is damaged or meaningless gets a refusal or a warning, never a confident answer: truncated images,
 * negative affinities, a uniform image, broken JSON, config fields we ignore, an integer tensor.
 */
class DamagedInputCliTest {
    @TempDir
    Path dir;

    /** A command's run and everything it printed on System.err (warnings go there, one line each). */
    record Printed(CliTest.Run run, String stderr) {
        List<String> warnings() {
            return (run.err() + stderr).lines().filter(l -> l.startsWith("pathways: warning:")).toList();
        }
    }

    static Printed withStderr(Supplier<CliTest.Run> command) {
        PrintStream saved = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            return new Printed(command.get(), bytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(saved);
        }
    }

    @Test
    void truncatedJpegIsRefusedUnlessPartialImagesAreAllowed() throws Exception {
        Path whole = dir.resolve("whole.jpg");
        Images.writeJpeg(SampleScene.planted(3, 48, 40, 10, 4).image(), whole);
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = Files.write(dir.resolve("cut.jpg"), Arrays.copyOf(bytes, bytes.length * 6 / 10));
        String[] segment = {"segment", cut.toString(), "--steps", "20", "--eigs", "4", "--k-max", "3", "--out", dir.resolve("out").toString()};
        CliTest.assertBadInput(CliTest.run(segment), "cut.jpg", "truncated", "--allow-partial-images");

        List<String> allowed = new ArrayList<>(List.of(segment));
        allowed.add("--allow-partial-images");
        Printed p = withStderr(() -> CliTest.run(allowed.toArray(String[]::new)));
        assertEquals(0, p.run().code(), p.run().err() + p.stderr());
        assertEquals(1, p.warnings().stream().filter(w -> w.contains("cut.jpg") && w.contains("truncated")).count(), "one warning line: " + p.warnings());
        // the choice is the command's, not the JVM's: the next command without the option refuses again
        CliTest.assertBadInput(CliTest.run(segment), "cut.jpg", "--allow-partial-images");
    }

    /** Every command that reads images takes --allow-partial-images, every one that reads graph files --allow-negative-affinities. */
    @Test
    void theOptionsReachEveryCommandThatReadsSuchFiles() {
        picocli.CommandLine main = Main.commandLine();
        for (String images : new String[] {"segment", "demo", "inspect", "run per-image", "run open-vocab", "run dataset", "run semantic", "run instances"}) {
            picocli.CommandLine c = main;
            for (String word : images.split(" ")) c = c.getSubcommands().get(word);
            assertTrue(c.getCommandSpec().findOption("--allow-partial-images") != null, images + " lacks --allow-partial-images");
        }
        for (String graphs : new String[] {"spectral", "dataset objective"}) {
            picocli.CommandLine c = main;
            for (String word : graphs.split(" ")) c = c.getSubcommands().get(word);
            assertTrue(c.getCommandSpec().findOption("--allow-negative-affinities") != null, graphs + " lacks --allow-negative-affinities");
        }
    }

    @Test
    void negativeAffinitiesAreRefusedUnlessAllowed() throws Exception {
        int n = 9;
        double[] graph = new double[n * n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) graph[i * n + j] = i == j ? 1 : 0.2 + 0.1 * ((i + j) % 3);
        graph[1] = -0.4;
        Path file = dir.resolve("signed.npz");
        Npy.writeNpz(file, Map.of("layer0", NdData.float32(new int[] {n, n}, graph)));
        String[] spectral = {"spectral", "--graphs", file.toString(), "--steps", "0", "--eigs", "3", "--out", dir.resolve("out").toString()};
        CliTest.assertBadInput(CliTest.run(spectral), "signed.npz:layer0", "negative", "--allow-negative-affinities");

        List<String> allowed = new ArrayList<>(List.of(spectral));
        allowed.add("--allow-negative-affinities");
        Printed p = withStderr(() -> CliTest.run(allowed.toArray(String[]::new)));
        assertEquals(0, p.run().code(), p.run().err() + p.stderr());
        assertEquals(1, p.warnings().stream().filter(w -> w.contains("signed.npz:layer0") && w.contains("negative")).count(), "one warning line: " + p.warnings());
    }

    @Test
    void aUniformImageIsOneRegionWithAWarning() throws Exception {
        Path grey = dir.resolve("grey.png");
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(40, 32, java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) for (int x = 0; x < 40; x++) image.setRGB(x, y, (x * 7 + y) % 5 == 0 ? 0x808181 : 0x808080); // grey with a trace of noise
        Images.writePng(image, grey);
        Path out = dir.resolve("out");
        Printed p = withStderr(() -> CliTest.run("segment", grey.toString(), "--steps", "20", "--eigs", "4", "--k-max", "4", "--out", out.toString()));
        assertEquals(0, p.run().code(), p.run().err() + p.stderr());
        assertEquals(1, p.warnings().stream().filter(w -> w.contains("almost no variation") && w.contains("one region")).count(), "one warning line: " + p.warnings());
        JsonObject summary = JsonFiles.readObject(out.resolve("grey/summary.json"));
        assertEquals(1, summary.get("chosenK").getAsInt());
        java.awt.image.BufferedImage regions = javax.imageio.ImageIO.read(out.resolve("grey/regions.png").toFile());
        int first = regions.getRGB(0, 0);
        for (int y = 0; y < regions.getHeight(); y++) for (int x = 0; x < regions.getWidth(); x++) assertEquals(first, regions.getRGB(x, y), "one region at " + x + "," + y);
    }

    @Test
    void anImageWithStructureIsStillClustered() throws Exception {
        Path scene = dir.resolve("scene.png");
        Images.writePng(SampleScene.planted(3, 40, 32, 10, 4).image(), scene);
        Printed p = withStderr(() -> CliTest.run("segment", scene.toString(), "--steps", "20", "--eigs", "4", "--k-max", "4", "--out", dir.resolve("out").toString()));
        assertEquals(0, p.run().code(), p.run().err() + p.stderr());
        assertTrue(p.warnings().stream().noneMatch(w -> w.contains("no variation")), p.warnings().toString());
        assertTrue(JsonFiles.readObject(dir.resolve("out/scene/summary.json")).get("chosenK").getAsInt() >= 2);
    }

    @Test
    void brokenJsonIsOneLineWithoutGsonsLinks() throws Exception {
        Path config = Files.writeString(dir.resolve("config.json"), "{\"hidden_size\": 384, \"patch_size\": 16\n  \"num_hidden_layers\" 12}");
        CliTest.Run r = CliTest.run("inspect", "--backbone", "dino-vits16", "--config", config.toString(), "--weights", dir.resolve("w.safetensors").toString(),
                "--tensor", dir.resolve("x.npy").toString(), "--taps", "final", "--out", dir.resolve("out").toString());
        CliTest.assertBadInput(r, "config.json", "not valid JSON", "line 2");
        assertFalse(r.err().contains("http") || r.err().contains("Troubleshooting"), r.err());
        Path twice = Files.writeString(dir.resolve("twice.json"), "{\"hidden_size\": 384, \"hidden_size\": 768}");
        CliTest.assertBadInput(CliTest.run("inspect", "--backbone", "dino-vits16", "--config", twice.toString(), "--weights", dir.resolve("w.safetensors").toString(),
                "--tensor", dir.resolve("x.npy").toString(), "--taps", "final", "--out", dir.resolve("out").toString()), "twice.json", "hidden_size", "twice");
    }

    @Test
    void configFieldsWeIgnoreAreNamedInOneWarning() throws Exception {
        Path config = Files.writeString(dir.resolve("config.json"), "{\"hidden_size\": 384, \"qkv_bias\": false, \"layerscale_value\": 0.1, \"num_channels\": 3,"
                + " \"image_size\": 224, \"model_type\": \"vit\", \"torch_dtype\": \"float32\"}");
        List<String> warnings = new ArrayList<>();
        VisionTransformer.PRESETS.get("dino-vits16").withHuggingFace(config, warnings::add);
        assertEquals(1, warnings.size(), warnings.toString());
        String w = warnings.get(0);
        assertTrue(w.contains("config.json") && w.contains("qkv_bias=false") && w.contains("layerscale_value=0.1"), w);
        for (String harmless : new String[] {"num_channels", "image_size", "model_type", "torch_dtype", "hidden_size"}) assertFalse(w.contains(harmless), w);
    }

    @Test
    void anIntegerTensorIsTakenAsFloatWithAWarning() throws Exception {
        Path config = Files.writeString(dir.resolve("config.json"), "{\"hidden_size\": 64, \"num_hidden_layers\": 3, \"num_attention_heads\": 4, \"intermediate_size\": 256,"
                + " \"patch_size\": 16, \"layer_norm_eps\": 1e-6, \"hidden_act\": \"gelu\"}");
        Path base = Golden.dir("models/timm_dino_vit");
        NdData floats = Npy.read(base.resolve("inputs/image_80x112.npy"));
        double[] rounded = Arrays.stream(floats.values()).map(Math::rint).toArray();
        Path ints = dir.resolve("image_int64.npy");
        Npy.writeInt64(ints, floats.shape(), Arrays.stream(rounded).mapToInt(v -> (int) v).toArray());
        Printed p = withStderr(() -> CliTest.run("inspect", "--backbone", "dino-vits16", "--config", config.toString(), "--weights", base.resolve("weights.safetensors").toString(),
                "--tensor", ints.toString(), "--taps", "final", "--out", dir.resolve("out").toString()));
        assertEquals(0, p.run().code(), p.run().err() + p.stderr());
        assertEquals(1, p.warnings().stream().filter(w -> w.contains("image_int64.npy") && w.contains("int64 values taken as float32")).count(), p.warnings().toString());
    }
}
