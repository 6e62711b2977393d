package org.pathways.model;

import java.awt.image.BufferedImage;
import java.util.List;
import org.pathways.affinity.Graph;

/**
 * Turns an image into layer-distributed graphs: for a ViT, one graph per attention layer with all its heads; for
 * the weight-free {@code pixels} backbone, one graph per resolution. The spectral engine takes any such list.
 */
public interface Backbone extends AutoCloseable {
    /** The name users type ({@code --backbone}). */
    String name();

    /** One line that says what the graphs are. */
    String describe();

    List<Graph> graphs(BufferedImage image);

    /**
     * The final layer as the single-affinity baselines read it (paper App. B.3): one feature vector per cell of the
     * graph grid ({@code features[y * width + x]}) and the final layer's attention (all heads).
     */
    record FinalLayer(int height, int width, double[][] features, Graph attention) {}

    /**
     * The final layer for an image. Backbones cache the last image's, so calling this right after
     * {@link #graphs(BufferedImage)} on the same image costs no second forward pass.
     */
    default FinalLayer finalLayer(BufferedImage image) {
        throw new org.pathways.data.InvalidInputException(name() + ": no final layer for the single-affinity baselines");
    }

    /** Frees a model's weights; nothing to do for weight-free backbones. */
    @Override
    default void close() {}
}
