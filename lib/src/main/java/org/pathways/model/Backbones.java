package org.pathways.model;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.List;
import org.pathways.common.InvalidInputException;

/** The backbones users can name on the command line and in notebooks. */
public final class Backbones {
    /** Names accepted by {@link #create}: the weight-free default and the ViT presets (CLIP, MAE) and Stable Diffusion 1.4. */
    public static final List<String> NAMES = List.of("pixels", "dino-vits16", "dino-vits8", "dino-vitb16", "dino-vitb8", "clip-vitb16", "mae-vitb16", "sd14");

    private Backbones() {}

    public static Backbone create(String name) {
        return create(name, null, VitBackbone.Resize.PAPER);
    }

    /** @param weights checkpoint for a model backbone, or null for its default location */
    public static Backbone create(String name, Path weights, VitBackbone.Resize resize) {
        return create(name, weights, resize, null, null);
    }

    /** @param positions overrides a ViT preset's position-embedding mode (null: the preset's) */
    /** @param configJson a Hugging Face config.json that describes the checkpoint (null: the preset's sizes) */
    public static Backbone create(String name, Path weights, VitBackbone.Resize resize, PositionalEmbedding.Mode positions, Path configJson) {
        if (name.equals("pixels")) return new PixelsBackbone(PixelsBackbone.Config.defaults());
        if (name.equals(StableDiffusionBackbone.NAME)) {
            // a pipeline folder, not one checkpoint; the paper's App. B.2 settings (BackboneOptions sets the --sd-* ones)
            return new StableDiffusionBackbone(StableDiffusionBackbone.Settings.paper(weights != null ? weights : StableDiffusionBackbone.defaultPipeline()));
        }
        if (configJson != null && !java.nio.file.Files.isRegularFile(configJson)) throw new InvalidInputException(configJson + ": no such model config");
        Path file = weights != null ? weights : VitBackbone.defaultWeights(name);
        Tower tower = tower(name, file, configJson, positions, org.pathways.common.Warnings::print);
        VitBackbone backbone = new VitBackbone(name, tower.patch(), file, resize, tower.loader());
        // MAE in the paper: 224 x 224 input, queries and keys upsampled to the other backbones' grid (App. B.1)
        return name.startsWith("mae-") && resize == VitBackbone.Resize.PAPER ? backbone.withQueryKeyUpsampling(224) : backbone;
    }

    /** How to load a model: its patch size and a loader into a manager. */
    public record Tower(String name, int patch, Function<NDManager, ImageTower> loader) {}

    /**
     * A model by preset name, optionally described by a Hugging Face {@code config.json} whose values win over the
     * preset's (each disagreement is reported through {@code warn}).
     */
    /** @param positions overrides a ViT preset's position-embedding mode (null: the preset's) */
    public static Tower tower(String name, Path weights, Path configJson, PositionalEmbedding.Mode positions, Consumer<String> warn) {
        if (name.equals(Clip.CLIP_VITB16.name())) {
            if (positions != null && positions != PositionalEmbedding.Mode.SIZE) {
                throw new InvalidInputException("--pos-embed " + positions.name().toLowerCase() + ": CLIP resamples its position embeddings by size only");
            }
            Clip.Config config = Clip.CLIP_VITB16;
            if (configJson != null) {
                Clip.Config fromFile = Clip.Config.fromHuggingFace(name, configJson);
                if (!fromFile.equals(config)) warn.accept(configJson + " differs from preset " + name + ": " + config + " -> " + fromFile);
                config = fromFile;
            }
            Clip.Config chosen = config;
            return new Tower(name, chosen.patch(), m -> Clip.load(m, chosen, weights));
        }
        VisionTransformer.Config preset = VisionTransformer.PRESETS.get(name);
        if (preset == null) throw new InvalidInputException("unknown backbone '" + name + "' (known: " + String.join(", ", NAMES) + ")");
        VisionTransformer.Config fromFile = configJson == null ? preset : preset.withHuggingFace(configJson, warn);
        VisionTransformer.Config chosen = positions == null ? fromFile : fromFile.withPositionMode(positions);
        return new Tower(name, chosen.patch(), m -> VisionTransformer.load(m, chosen, weights));
    }
}
