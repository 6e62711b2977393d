package org.pathways.model;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import org.pathways.affinity.Graph;
import org.pathways.data.NdData;

/**
 * Turns an image into layer-distributed graphs: for a ViT, one graph per attention layer with all its heads; for
 * the weight-free {@code pixels} stand-in, one graph per resolution. The spectral engine takes any such list.
 */
public interface Backbone extends AutoCloseable {
    /** The name users type ({@code --backbone}). */
    String name();

    /** One line that says what the graphs are. */
    String describe();

    /** Everything one forward pass gives for an image: the graphs, the final layer and any extra outputs asked for. */
    Graphs graphs(BufferedImage image);

    /**
     * The final layer as the single-affinity baselines read it (paper App. B.3), on the graph grid, row-major (node
     * y * width + x).
     *
     * @param tokens    the final layer's patch tokens, N x D (a ViT's tap {@code final}, CLS dropped)
     * @param keys      the last attention block's keys, heads concatenated, N x (heads * d), the features TokenCut and
     *                  CutLER cut by default; null for a backbone without keys ({@code pixels})
     * @param attention the final layer's attention averaged over its heads: one dense head, taken before any
     *                  {@code --graph-top-k} sparsification, so that a memory option never changes a baseline's input
     */
    record FinalLayer(int height, int width, double[][] tokens, double[][] keys, Graph attention) {
        public FinalLayer {
            if (tokens.length != height * width) throw new IllegalArgumentException(tokens.length + " tokens for a " + height + "x" + width + " grid");
            if (keys != null && keys.length != height * width) throw new IllegalArgumentException(keys.length + " keys for a " + height + "x" + width + " grid");
            if (attention.heads() != 1 || attention.height() != height || attention.width() != width) {
                throw new IllegalArgumentException("final attention " + attention + " is not one head over the " + height + "x" + width + " grid");
            }
        }
    }

    /**
     * The result of {@link #graphs(BufferedImage)}.
     *
     * @param backbone    the backbone's name
     * @param description what the graphs are ({@link #describe()})
     * @param layers      one graph per layer (ViT) or resolution (pixels), in model order
     * @param finalLayer  the baselines' inputs
     * @param extras      tensors a caller asked the backbone for (e.g. CLIP's dense embeddings), by tap name
     */
    record Graphs(String backbone, String description, int imageHeight, int imageWidth, List<Graph> layers,
                  FinalLayer finalLayer, Map<String, NdData> extras) {
        public Graphs {
            if (layers.isEmpty()) throw new IllegalArgumentException(backbone + " gave no graphs");
            layers = List.copyOf(layers);
            extras = Map.copyOf(extras);
        }

        /** An extra output by tap name; fails with the names there are. */
        public NdData extra(String tap) {
            NdData d = extras.get(tap);
            if (d == null) throw new IllegalStateException(backbone + " gave no '" + tap + "' (it gave " + extras.keySet() + ")");
            return d;
        }
    }

    /**
     * The queries and keys (when {@code queriesAndKeys}) and the values (when {@code values}) of every attention layer for
     * an image, CLS dropped: what the data-set graphs are built from (paper Sec. 3.3).
     */
    default AttentionTaps attentionTaps(BufferedImage image, boolean queriesAndKeys, boolean values) {
        throw new org.pathways.common.InvalidInputException(name() + " has no queries, keys and values for data-set graphs");
    }

    /** Frees a model's weights; nothing to do for weight-free backbones. */
    @Override
    default void close() {}
}
