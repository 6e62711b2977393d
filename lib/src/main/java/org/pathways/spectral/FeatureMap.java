package org.pathways.spectral;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * A learnable map of K feature channels over the feature grid. {@link #logits()} returns (1, K, H, W); the engine
 * applies the softmax over channels, as the authors do ({@code toy_cnn().softmax(dim=1)}).
 */
public interface FeatureMap {
    /** Logits of shape (1, K, H, W); differentiable w.r.t. {@link #parameters()}. */
    NDArray logits();

    /** The learnable arrays, each with gradients enabled. */
    NDList parameters();

    /** "toycnn" or "direct". */
    String kind();
}
