package org.pathways.model;

import java.util.List;
import org.pathways.data.InvalidInputException;

/** The backbones users can name on the command line and in notebooks. */
public final class Backbones {
    /** Names accepted by {@link #create(String)}. Model backbones (DINO, CLIP, MAE, SD) join this list later. */
    public static final List<String> NAMES = List.of("pixels");

    private Backbones() {}

    public static Backbone create(String name) {
        return switch (name) {
            case "pixels" -> new PixelsBackbone(PixelsBackbone.Config.defaults());
            default -> throw new InvalidInputException("unknown backbone '" + name + "' (known: " + String.join(", ", NAMES) + ")");
        };
    }
}
