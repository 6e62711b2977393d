package org.pathways.affinity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.pathways.common.InvalidInputException;

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
    // Sparse storage (topK > 0): for every head and row, the topK largest entries as (column, value).
    private final int topK;
    private final int[] topColumn;
    private final float[] topValue;

    private Graph(String name, int heads, int height, int width, int topK, int[] topColumn, float[] topValue) {
        this.name = name;
        this.heads = heads;
        this.height = height;
        this.width = width;
        this.f32 = null;
        this.f64 = null;
        this.topK = topK;
        this.topColumn = topColumn;
        this.topValue = topValue;
    }

    private Graph(String name, int heads, int height, int width, float[] f32, double[] f64) {
        this.topK = 0;
        this.topColumn = null;
        this.topValue = null;
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

    /** Kept entries per row when sparse, 0 when dense. */
    public int topK() {
        return topK;
    }

    /**
     * A sparse graph from each row's k largest entries, already selected (e.g. by libtorch's topk): for head h and
     * row r, entries (h * N + r) * k .. + k - 1 of {@code columns} and {@code values}.
     */
    public static Graph ofTopK(String name, int heads, int height, int width, int k, int[] columns, float[] values) {
        long expected = (long) heads * height * width * k;
        if (k < 1 || columns.length != expected || values.length != expected) {
            throw new InvalidInputException("graph " + name + ": " + values.length + " top-" + k + " entries do not fit " + heads + " heads over " + height + "x" + width);
        }
        return new Graph(name, heads, height, width, k, columns, values);
    }

    /**
     * This graph with only the k largest entries of every row of every head (no renormalisation), stored sparsely:
     * k / N of the memory. Returns itself when k >= N.
     */
    public Graph topK(int k) {
        int n = nodes();
        if (k <= 0 || k >= n) return this;
        if (topK > 0) throw new IllegalStateException(name + " is already sparse");
        int[] columns = new int[heads * n * k];
        float[] values = new float[heads * n * k];
        java.util.stream.IntStream.range(0, heads * n).parallel().forEach(row -> {
            int h = row / n;
            int r = row % n;
            Integer[] order = new Integer[n];
            for (int c = 0; c < n; c++) order[c] = c;
            java.util.Arrays.sort(order, (a, b) -> Double.compare(get(h, r, b), get(h, r, a)));
            for (int j = 0; j < k; j++) {
                columns[row * k + j] = order[j];
                values[row * k + j] = (float) get(h, r, order[j]);
            }
        });
        return new Graph(name, heads, height, width, k, columns, values);
    }

    /** Entry (head, row, col). */
    public double get(int head, int row, int col) {
        if (topK > 0) {
            int base = (head * nodes() + row) * topK;
            for (int j = 0; j < topK; j++) if (topColumn[base + j] == col) return topValue[base + j];
            return 0;
        }
        long i = ((long) head * nodes() + row) * nodes() + col;
        return f64 != null ? f64[(int) i] : f32[(int) i];
    }

    /** One head as a dense N x N matrix (rows); a sparse graph's missing entries are 0. */
    public double[][] head(int head) {
        int n = nodes();
        if (head < 0 || head >= heads) throw new IllegalArgumentException(name + " has " + heads + " heads, asked for head " + head);
        double[][] out = new double[n][n];
        for (int r = 0; r < n; r++) {
            if (topK > 0) {
                int base = (head * n + r) * topK;
                for (int j = 0; j < topK; j++) out[r][topColumn[base + j]] += topValue[base + j];
            } else {
                long offset = ((long) head * n + r) * n;
                for (int c = 0; c < n; c++) out[r][c] = f64 != null ? f64[(int) (offset + c)] : f32[(int) (offset + c)];
            }
        }
        return out;
    }

    /** The mean of the heads, a dense N x N matrix (rows). */
    public double[][] headMean() {
        int n = nodes();
        double[][] mean = head(0);
        for (int h = 1; h < heads; h++) {
            double[][] next = head(h);
            for (int r = 0; r < n; r++) for (int c = 0; c < n; c++) mean[r][c] += next[r][c];
        }
        if (heads > 1) for (double[] row : mean) for (int c = 0; c < n; c++) row[c] /= heads;
        return mean;
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
        if (topK > 0) return sparseStack(java.util.List.of(this), manager, type);
        Shape shape = new Shape(heads, n, n);
        try (NDManager scratch = manager.newSubManager()) {
            NDArray a = f64 != null ? scratch.create(DoubleBuffer.wrap(f64), shape) : scratch.create(FloatBuffer.wrap(f32), shape);
            NDArray typed = a.toType(type, false);
            NDArray s = typed.add(typed.transpose(0, 2, 1)).mul(0.5).reshape(heads * (long) n, n);
            s.attach(manager);
            return s;
        }
    }

    /**
     * The symmetric parts of all heads of graphs that share one grid, stacked as one (G*N, N) matrix: dense, or one
     * sparse COO matrix when any of them is sparse (duplicate entries are summed by libtorch).
     */
    public static NDArray symmetrisedStack(java.util.List<Graph> group, NDManager manager, DataType type) {
        if (group.stream().noneMatch(g -> g.topK > 0)) {
            if (group.size() == 1) return group.get(0).symmetrisedStack(manager, type);
            java.util.List<NDArray> parts = new java.util.ArrayList<>();
            for (Graph g : group) parts.add(g.symmetrisedStack(manager, type));
            NDArray stack = ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(parts), 0);
            parts.forEach(NDArray::close);
            return stack;
        }
        return sparseStack(group, manager, type);
    }

    private static NDArray sparseStack(java.util.List<Graph> group, NDManager manager, DataType type) {
        int n = group.get(0).nodes();
        long entries = 0;
        for (Graph g : group) entries += 2L * g.heads * n * (g.topK > 0 ? g.topK : n);
        if (entries > Integer.MAX_VALUE) throw new InvalidInputException("too many graph entries for one sparse matrix: " + entries);
        long[][] indices = new long[2][(int) entries];
        float[] values = new float[(int) entries];
        int e = 0;
        long rowOffset = 0;
        for (Graph g : group) {
            int kept = g.topK > 0 ? g.topK : n;
            for (int h = 0; h < g.heads; h++) {
                for (int r = 0; r < n; r++) {
                    for (int j = 0; j < kept; j++) {
                        int c = g.topK > 0 ? g.topColumn[(h * n + r) * kept + j] : j;
                        float half = (float) (g.topK > 0 ? g.topValue[(h * n + r) * kept + j] : g.get(h, r, j)) / 2;
                        indices[0][e] = rowOffset + (long) h * n + r;
                        indices[1][e] = c;
                        values[e++] = half;
                        indices[0][e] = rowOffset + (long) h * n + c;
                        indices[1][e] = r;
                        values[e++] = half;
                    }
                }
            }
            rowOffset += (long) g.heads * n;
        }
        // DJL's createCoo wraps Java direct buffers without copying, and the garbage collector may free them while
        // libtorch still uses the matrix (a crash in the sparse product): keep a copy that libtorch owns.
        NDArray borrowed = manager.createCoo(FloatBuffer.wrap(values), indices, new Shape(rowOffset, n));
        NDArray owned = borrowed.duplicate();
        borrowed.close();
        if (type == DataType.FLOAT32) return owned;
        NDArray typed = owned.toType(type, false);
        owned.close();
        return typed;
    }

    private int firstNonFinite() {
        if (topValue != null) {
            for (int i = 0; i < topValue.length; i++) if (!Float.isFinite(topValue[i])) return i;
            return -1;
        }
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
