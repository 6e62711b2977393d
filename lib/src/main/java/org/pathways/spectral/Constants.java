package org.pathways.spectral;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * Scalar constants for use inside autograd. DJL's {@code mul(Number)} and {@code div(Number)} wrap the number in a
 * tensor over a direct buffer ({@code from_blob}) and close it right after the op, but PyTorch's autograd keeps that
 * tensor for the backward pass: when the garbage collector frees the buffer first, the backward pass reads freed
 * memory and gradients turn NaN at random. Constants made here own their memory (a copy made by libtorch).
 */
public final class Constants {
    private Constants() {}

    public static NDArray of(NDManager manager, double value, DataType type) {
        NDArray borrowed = manager.create(value);
        NDArray owned = borrowed.toType(type, true); // a libtorch-allocated copy
        borrowed.close();
        return owned;
    }
}
