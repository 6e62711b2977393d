package org.pathways.spectral;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * Scalar constants for use inside autograd. DJL's {@code mul(Number)} and {@code div(Number)} wrap the number in a
 * tensor over a direct buffer ({@code from_blob}) and close it right after the op, but PyTorch's autograd keeps that
 * tensor for the backward pass: when the garbage collector frees the buffer first, the backward pass reads freed
 * memory and gradients turn NaN at random. Constants made here own their memory (a copy made by libtorch).
 * The same holds for every array made from Java data that autograd or the optimiser keeps: see {@link #owned}.
 */
public final class Constants {
    private Constants() {}

    public static NDArray of(NDManager manager, double value, DataType type) {
        return owned(manager.create(value), type);
    }

    /**
     * A copy in memory that libtorch allocated, the original closed. Not {@code toType(type, true)}: for an unchanged
     * type DJL's conversion returns an alias of the same Java buffer, which the garbage collector then frees under
     * the copy (float64 runs went wrong at random, and crashed once the alias was used as a parameter).
     */
    static NDArray owned(NDArray borrowed, DataType type) {
        NDArray converted = borrowed.toType(type, false);
        NDArray copy = converted.duplicate();
        if (converted != borrowed) converted.close();
        borrowed.close();
        return copy;
    }
}
