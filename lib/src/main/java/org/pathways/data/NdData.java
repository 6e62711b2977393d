package org.pathways.data;

import java.util.Arrays;

/**
 * An n-dimensional array as read from or written to a {@code .npy} file: C-ordered values widened to
 * double, with numpy's dtype code ("f4", "f8", "i8", ...).
 */
public record NdData(int[] shape, double[] values, String dtype) {
    public NdData {
        long n = 1;
        for (int d : shape) n *= d;
        if (n != values.length) throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not hold " + values.length + " values");
    }

    public static NdData float32(int[] shape, double[] values) {
        return new NdData(shape, values, "f4");
    }

    public int rank() {
        return shape.length;
    }

    public int size() {
        return values.length;
    }

    /** The values as ints (labels); fails on a value that is not a whole number. */
    public int[] asInts() {
        int[] out = new int[values.length];
        for (int i = 0; i < out.length; i++) {
            if (values[i] != Math.rint(values[i])) throw new IllegalStateException("value " + values[i] + " at " + i + " is not an integer");
            out[i] = (int) values[i];
        }
        return out;
    }

    public float[] asFloats() {
        float[] out = new float[values.length];
        for (int i = 0; i < out.length; i++) out[i] = (float) values[i];
        return out;
    }

    /** Index of the first NaN or infinite value, or -1. */
    public int firstNonFinite() {
        for (int i = 0; i < values.length; i++) if (!Double.isFinite(values[i])) return i;
        return -1;
    }

    public String shapeString() {
        return Arrays.toString(shape).replace('[', '(').replace(']', ')');
    }
}
