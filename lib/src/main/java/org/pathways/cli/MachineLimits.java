package org.pathways.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Locale;

/**
 * What this machine can do, measured in the bench's own process so that a phase's time can be set against its bound:
 * float32 matrix product throughput at a given shape (libtorch, every intra-op thread) and memory read bandwidth (a
 * libtorch sum over an array far larger than the caches). Medians of a few repeats after a warm-up.
 */
record MachineLimits(double gflops, double readGBps, String productShape) {
    /** Bytes of the array summed for the read bandwidth: 1 GiB, well past any cache. */
    static final long READ_BYTES = 1L << 30;

    /** Measures the product (rows x inner) by (inner x columns) and the read bandwidth. */
    static MachineLimits measure(long rows, long inner, long columns) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.randomUniform(0, 1, new Shape(rows, inner));
            NDArray b = m.randomUniform(0, 1, new Shape(inner, columns));
            double productSeconds = median(5, () -> {
                try (NDManager s = m.newSubManager()) {
                    s.tempAttachAll(a, b);
                    long t = System.nanoTime();
                    a.matMul(b).getFloat(0, 0); // forces the product
                    return (System.nanoTime() - t) / 1e9;
                }
            });
            NDArray big = m.ones(new Shape(READ_BYTES / 4));
            double readSeconds = median(5, () -> {
                try (NDManager s = m.newSubManager()) {
                    s.tempAttachAll(big);
                    long t = System.nanoTime();
                    big.sum().getFloat();
                    return (System.nanoTime() - t) / 1e9;
                }
            });
            return new MachineLimits(2.0 * rows * inner * columns / productSeconds / 1e9, READ_BYTES / readSeconds / 1e9,
                    rows + " x " + inner + " by " + inner + " x " + columns);
        }
    }

    private static double median(int repeats, java.util.function.DoubleSupplier run) {
        run.getAsDouble(); // warm-up
        double[] s = new double[repeats];
        for (int i = 0; i < repeats; i++) s[i] = run.getAsDouble();
        Arrays.sort(s);
        return s[repeats / 2];
    }

    /** Seconds to read {@code bytes} once at the measured bandwidth. */
    double readSeconds(double bytes) {
        return bytes / (readGBps * 1e9);
    }

    /** Seconds for {@code flops} at the measured product throughput. */
    double computeSeconds(double flops) {
        return flops / (gflops * 1e9);
    }

    String describe() {
        return String.format(Locale.ROOT, "float32 matrix product (%s) %.1f GFLOP/s; memory read (sum over 1 GiB) %.1f GB/s", productShape, gflops, readGBps);
    }
}
