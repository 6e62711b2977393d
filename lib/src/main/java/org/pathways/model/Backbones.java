package org.pathways.model;

import java.nio.file.Path;
import java.util.List;
import org.pathways.data.InvalidInputException;

/** The backbones users can name on the command line and in notebooks. */
public final class Backbones {
    /** Names accepted by {@link #create}: the weight-free default and the ViT presets (CLIP, MAE, SD join later). */
    public static final List<String> NAMES = List.of("pixels", "dino-vits16", "dino-vits8", "dino-vitb16", "dino-vitb8");

    private Backbones() {}

    public static Backbone create(String name) {
        return create(name, null, VitBackbone.Resize.PAPER);
    }

    /** @param weights checkpoint for a model backbone, or null for its default location */
    public static Backbone create(String name, Path weights, VitBackbone.Resize resize) {
        if (name.equals("pixels")) return new PixelsBackbone(PixelsBackbone.Config.defaults());
        VisionTransformer.Config preset = VisionTransformer.PRESETS.get(name);
        if (preset == null) throw new InvalidInputException("unknown backbone '" + name + "' (known: " + String.join(", ", NAMES) + ")");
        return new VitBackbone(preset, weights != null ? weights : VitBackbone.defaultWeights(name), resize);
    }
}
