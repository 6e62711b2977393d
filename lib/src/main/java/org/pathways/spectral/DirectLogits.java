package org.pathways.spectral;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * The direct parametrisation: one free logit per channel and pixel. Starts either from small random logits or from
 * a given probability map X (logits = log X, so the softmax gives X back).
 */
@AutogradCode
public final class DirectLogits implements FeatureMap {
    private final NDArray logits;

    private DirectLogits(NDArray logits) {
        this.logits = logits;
        logits.setName("logits");
        logits.setRequiresGradient(true);
    }

    /** Random start: logits ~ N(0, 1). */
    public static DirectLogits random(NDManager manager, int channels, int height, int width, DataType type, long seed) {
        return new DirectLogits(ToyCnn.gaussian(manager, new Random(seed), new Shape(1, channels, height, width), type));
    }

    /** Start from probabilities X (K*H*W values, channel-first), clamped away from 0 before the log. */
    public static DirectLogits fromProbabilities(NDManager manager, double[] probabilities, int channels, int height, int width, DataType type) {
        double[] v = new double[probabilities.length];
        for (int i = 0; i < v.length; i++) v[i] = Math.log(Math.max(probabilities[i], 1e-30));
        return new DirectLogits(Constants.owned(manager.create(v, new Shape(1, channels, height, width)), type));
    }

    @Override
    public NDArray logits() {
        return logits;
    }

    @Override
    public NDList parameters() {
        return new NDList(logits);
    }

    @Override
    public String kind() {
        return "direct";
    }
}
