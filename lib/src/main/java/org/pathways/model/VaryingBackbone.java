package org.pathways.model;

import ai.djl.ndarray.types.DataType;
import java.awt.image.BufferedImage;
import java.util.List;
import org.pathways.affinity.Graph;

/**
 * A backbone whose graphs change from one optimisation pass to the next (Stable Diffusion: every pass noises the
 * latents afresh at a new timestep). The per-image method asks it for a {@link Passes} per image and optimises over
 * a per-pass graph source built on it; {@link Backbone#graphs(BufferedImage)} stays the first pass's result.
 */
public interface VaryingBackbone extends Backbone {

    /** The graphs of one image, pass after pass; holds the image's encoding until closed. */
    interface Passes extends AutoCloseable {
        /** The first pass's graphs, final layer and description (what {@link Backbone#graphs} returns for the seed). */
        Graphs first();

        /** A fresh set of graphs (one more model run), same layers and grids as {@link #first()}'s. */
        List<Graph> next();

        @Override
        void close();
    }

    /** Opens the passes of an image; {@code seed} fixes every random draw of its passes. */
    Passes open(BufferedImage image, long seed);

    /** Graph sets kept for reuse (paper App. B.2); 0 keeps none. */
    int bufferSize();

    /** Probability that a pass reuses a stored set once the buffer is full. */
    double bufferReuse();

    /** How stored sets keep their dense graphs (FLOAT16 or FLOAT32); the optimisation computes in float32 either way. */
    DataType bufferStorage();
}
