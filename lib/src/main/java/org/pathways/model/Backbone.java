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

    /** Frees a model's weights; nothing to do for weight-free backbones. */
    @Override
    default void close() {}
}
