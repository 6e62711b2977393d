package org.pathways.model;

import ai.djl.ndarray.NDArray;

/** A transformer over image patches with named taps: the ViTs and CLIP's image tower. */
public interface ImageTower extends AutoCloseable {
    String name();

    int patch();

    /** The number of transformer blocks (the last is {@code depth() - 1}). */
    int depth();

    /** Normalises an RGB image in [0, 1] (1, 3, H, W) with the model's mean and standard deviation. */
    NDArray normalise(NDArray rgb01);

    /** One forward pass over a normalised (1, 3, H, W) image; requested taps are kept. */
    void forward(NDArray image, Taps taps);

    @Override
    void close();
}
