package org.pathways.affinity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.pathways.data.InvalidInputException;

/**
 * One layer's affinities: {@code heads} N x N matrices over an h x w grid (N = h*w, node index y*w+x), each
 * normally row-stochastic (attention probabilities). Heads of one layer share the layer's orthogonality term in
 * the objective, exactly as the authors' {@code ncut_loss} does for a (heads, N, N) attention tensor.
 * Values are kept in float32 unless the source was float64 (the golden tests compare in double precision).
 */
public final class Graph {
    private final String name;
    private final int heads;
    private final int height;
    private final int width;
    private final float[] f32;
    private final double[] f64;

    private Graph(String name, int heads, int height, int width, float[] f32, double[] f64) {
        long n = (long) height * width;
        long expected = heads * n * n;
        long actual = f32 != null ? f32.length : f64.length;
        if (heads < 1 || height < 1 || width < 1) throw new InvalidInputException("graph " + name + ": empty grid " + height + "x" + width + " with " + heads + " heads");
        if (actual != expected) {
            throw new InvalidInputException("graph " + name + ": " + actual + " values do not fit " + heads + " heads of " + n + "x" + n + " for grid " + height + "x" + width);
        }
        this.name = name;
        this.heads = heads;
        this.height = height;
        this.width = width;
        this.f32 = f32;
        this.f64 = f64;
        int bad = firstNonFinite();
        if (bad >= 0) throw new InvalidInputException("graph " + name + ": non-finite value (NaN or Inf) at flat index " + bad);
    }

    public static Graph ofFloats(String name, int heads, int height, int width, float[] values) {
        return new Graph(name, heads, height, width, values, null);
    }

    public static Graph ofDoubles(String name, int heads, int height, int width, double[] values) {
        return new Graph(name, heads, height, width, null, values);
    }

    public String name() {
        return name;
    }

    public int heads() {
        return heads;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** Number of nodes, h*w. */
    public int nodes() {
        return height * width;
    }

    public boolean isDouble() {
        return f64 != null;
    }

    /** Entry (head, row, col). */
    public double get(int head, int row, int col) {
        long i = ((long) head * nodes() + row) * nodes() + col;
        return f64 != null ? f64[(int) i] : f32[(int) i];
    }

    /** Largest |row sum - 1| over all heads and rows: 0 for attention probabilities. */
    public double rowStochasticError() {
        int n = nodes();
        double worst = 0;
        for (int h = 0; h < heads; h++) {
            for (int r = 0; r < n; r++) {
                double s = 0;
                for (int c = 0; c < n; c++) s += get(h, r, c);
                worst = Math.max(worst, Math.abs(s - 1));
            }
        }
        return worst;
    }

    /**
     * The heads' symmetric parts S = (A + A^T)/2 stacked as one (heads*N, N) matrix. Since z^T A z = z^T S z, the
     * objective only needs S, and d(z^T S z)/dz = 2 S z comes out of the same product, so one read per pass.
     */
    public NDArray symmetrisedStack(NDManager manager, DataType type) {
        int n = nodes();
        Shape shape = new Shape(heads, n, n);
        try (NDManager scratch = manager.newSubManager()) {
            NDArray a = f64 != null ? scratch.create(DoubleBuffer.wrap(f64), shape) : scratch.create(FloatBuffer.wrap(f32), shape);
            NDArray s = a.toType(type, false).add(a.toType(type, false).transpose(0, 2, 1)).mul(0.5).reshape(heads * (long) n, n);
            s.attach(manager);
            return s;
        }
    }

    private int firstNonFinite() {
        if (f64 != null) {
            for (int i = 0; i < f64.length; i++) if (!Double.isFinite(f64[i])) return i;
        } else {
            for (int i = 0; i < f32.length; i++) if (!Float.isFinite(f32[i])) return i;
        }
        return -1;
    }

    @Override
    public String toString() {
        return name + " (" + heads + " heads, " + height + "x" + width + ")";
    }
}
