package org.pathways.affinity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pathways.common.InvalidInputException;
import org.pathways.data.NdData;
import org.pathways.data.Npy;

/**
 * A graph over the locations of a mini-batch of images (the data-set level, paper Sec. 3.3): {@code heads} sparse
 * matrices over {@code batch * height * width} nodes in image-major order (node = b * n + y * width + x), stored per
 * head as compressed rows (column-sorted, no zeros). Heads are independent graphs of one layer.
 */
public final class SparseGraph {
    private final String name;
    private final int heads;
    private final int batch;
    private final int height;
    private final int width;
    final int[][] rowStart;   // per head, nodes + 1 offsets
    final int[][] columns;    // per head, sorted within each row
    final double[][] values;  // per head

    /**
     * @param rowStart per head, {@code nodes() + 1} row offsets into {@code columns} and {@code values}
     */
    public SparseGraph(String name, int batch, int height, int width, int[][] rowStart, int[][] columns, double[][] values) {
        this.name = name;
        this.heads = rowStart.length;
        this.batch = batch;
        this.height = height;
        this.width = width;
        this.rowStart = rowStart;
        this.columns = columns;
        this.values = values;
        int n = nodes();
        if (heads < 1 || batch < 1 || height < 1 || width < 1) throw new IllegalArgumentException(name + ": empty graph");
        for (int h = 0; h < heads; h++) {
            if (rowStart[h].length != n + 1 || columns[h].length != rowStart[h][n] || values[h].length != columns[h].length) {
                throw new IllegalArgumentException(name + ": head " + h + " does not hold " + n + " compressed rows");
            }
        }
    }

    public String name() {
        return name;
    }

    public int heads() {
        return heads;
    }

    /** Images in the mini-batch. */
    public int batch() {
        return batch;
    }

    /** Grid rows of one image. */
    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** Nodes of one image. */
    public int nodesPerImage() {
        return height * width;
    }

    /** All nodes: batch x height x width. */
    public int nodes() {
        return batch * height * width;
    }

    /** Stored (nonzero) entries of a head. */
    public int entries(int head) {
        return columns[head].length;
    }

    /** Entry (head, row, col), 0 where nothing is stored. */
    public double get(int head, int row, int col) {
        int lo = rowStart[head][row];
        int hi = rowStart[head][row + 1] - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = columns[head][mid];
            if (c == col) return values[head][mid];
            if (c < col) lo = mid + 1;
            else hi = mid - 1;
        }
        return 0;
    }

    /** The sum of a row of a head. */
    public double rowSum(int head, int row) {
        double s = 0;
        for (int e = rowStart[head][row]; e < rowStart[head][row + 1]; e++) s += values[head][e];
        return s;
    }

    /**
     * The heads' symmetric parts S = (A + A^T)/2 stacked as one sparse (heads * nodes, nodes) libtorch matrix: the
     * objective needs only z^T S z = z^T A z, and 2 S z is its gradient (see {@code DatasetObjective}).
     */
    public NDArray symmetrisedStack(NDManager manager, DataType type) {
        int n = nodes();
        long total = 0;
        for (int h = 0; h < heads; h++) total += 2L * entries(h);
        if (total > Integer.MAX_VALUE) throw new InvalidInputException(name + ": too many entries for one sparse matrix: " + total);
        long[][] indices = new long[2][(int) total];
        double[] data = new double[(int) total];
        int e = 0;
        for (int h = 0; h < heads; h++) {
            long offset = (long) h * n;
            for (int r = 0; r < n; r++) {
                for (int p = rowStart[h][r]; p < rowStart[h][r + 1]; p++) {
                    double half = values[h][p] / 2; // libtorch sums the two halves of a symmetric pair
                    indices[0][e] = offset + r;
                    indices[1][e] = columns[h][p];
                    data[e++] = half;
                    indices[0][e] = offset + columns[h][p];
                    indices[1][e] = r;
                    data[e++] = half;
                }
            }
        }
        java.nio.Buffer buffer;
        if (type == DataType.FLOAT64) {
            buffer = java.nio.DoubleBuffer.wrap(data);
        } else {
            float[] f = new float[data.length];
            for (int i = 0; i < f.length; i++) f[i] = (float) data[i];
            buffer = FloatBuffer.wrap(f);
        }
        // createCoo wraps the Java buffers without copying (the GC may free them under libtorch): keep an owned copy
        NDArray borrowed = manager.createCoo(buffer, indices, new Shape((long) heads * n, n));
        NDArray owned = borrowed.duplicate();
        borrowed.close();
        return owned;
    }

    /** The dense heads x nodes x nodes values (small graphs: tests, {@code dataset graph}'s affinity.npy). */
    public double[] dense() {
        long n = nodes();
        long size = heads * n * n;
        if (size > Integer.MAX_VALUE) throw new IllegalStateException(name + ": too large to hold densely (" + size + " entries)");
        double[] out = new double[(int) size];
        for (int h = 0; h < heads; h++) {
            for (int r = 0; r < n; r++) {
                for (int p = rowStart[h][r]; p < rowStart[h][r + 1]; p++) out[(int) ((h * n + r) * n + columns[h][p])] = values[h][p];
            }
        }
        return out;
    }

    /**
     * The {@code .npz} of {@code dataset graph}: {@code indices} (3 x nnz int64: head, row, col, sorted), {@code values}
     * (float64), {@code shape} [heads, nodes, nodes] and {@code batch} [B].
     */
    public void writeNpz(Path file) throws IOException {
        int nnz = 0;
        for (int h = 0; h < heads; h++) nnz += entries(h);
        double[] index = new double[3 * nnz];
        double[] data = new double[nnz];
        int e = 0;
        for (int h = 0; h < heads; h++) {
            for (int r = 0; r < nodes(); r++) {
                for (int p = rowStart[h][r]; p < rowStart[h][r + 1]; p++) {
                    index[e] = h;
                    index[nnz + e] = r;
                    index[2 * nnz + e] = columns[h][p];
                    data[e++] = values[h][p];
                }
            }
        }
        Map<String, NdData> arrays = new LinkedHashMap<>();
        arrays.put("indices", new NdData(new int[] {3, nnz}, index, "i8"));
        arrays.put("values", new NdData(new int[] {nnz}, data, "f8"));
        arrays.put("shape", new NdData(new int[] {3}, new double[] {heads, nodes(), nodes()}, "i8"));
        arrays.put("batch", new NdData(new int[] {1}, new double[] {batch}, "i8"));
        Npy.writeNpz(file, arrays);
    }

    /**
     * Reads a graph of {@code batch} images from {@code dataset graph}'s {@code .npz}, or from a dense {@code .npy}
     * (nodes x nodes or heads x nodes x nodes; zeros are not stored). The grid of one image is square:
     * sqrt(nodes / batch) on each side.
     */
    public static SparseGraph read(Path file, int batch, boolean allowNegative) {
        String where = file.toString();
        try {
            if (file.toString().endsWith(".npz")) {
                Map<String, NdData> a = Npy.readNpz(file);
                for (String key : new String[] {"indices", "values", "shape", "batch"}) {
                    if (!a.containsKey(key)) throw new InvalidInputException(where + ": no '" + key + "' array (not a dataset graph file)");
                }
                int[] shape = a.get("shape").asInts();
                int fileBatch = a.get("batch").asInts()[0];
                if (shape.length != 3 || shape[1] != shape[2]) throw new InvalidInputException(where + ": shape " + a.get("shape").shapeString() + " is not [heads, nodes, nodes]");
                if (fileBatch != batch) throw new InvalidInputException(where + ": a graph of " + fileBatch + " images, but the logits hold " + batch);
                int[] idx = a.get("indices").asInts();
                double[] val = a.get("values").values();
                int nnz = val.length;
                GraphFiles.checkNonNegative(where, val, allowNegative);
                if (idx.length != 3 * nnz) throw new InvalidInputException(where + ": indices are not 3 x " + nnz);
                return fromEntries(file.getFileName().toString(), shape[0], shape[1], batch, idx, val, nnz, where);
            }
            NdData d = Npy.read(file);
            int[] s = d.shape();
            if (!(s.length == 2 || s.length == 3) || s[s.length - 1] != s[s.length - 2]) {
                throw new InvalidInputException(where + ": shape " + d.shapeString() + " is not nodes x nodes or heads x nodes x nodes");
            }
            int bad = d.firstNonFinite();
            if (bad >= 0) throw new InvalidInputException(where + ": NaN or Inf at flat index " + bad);
            GraphFiles.checkNonNegative(where, d.values(), allowNegative);
            int heads = s.length == 3 ? s[0] : 1;
            int n = s[s.length - 1];
            int nnz = 0;
            for (double v : d.values()) if (v != 0) nnz++;
            int[] idx = new int[3 * nnz];
            double[] val = new double[nnz];
            int e = 0;
            for (int i = 0; i < d.values().length; i++) {
                double v = d.values()[i];
                if (v == 0) continue;
                idx[e] = i / (n * n);
                idx[nnz + e] = (i / n) % n;
                idx[2 * nnz + e] = i % n;
                val[e++] = v;
            }
            return fromEntries(file.getFileName().toString(), heads, n, batch, idx, val, nnz, where);
        } catch (IOException e) {
            throw new InvalidInputException(e.getMessage(), e);
        }
    }

    private static SparseGraph fromEntries(String name, int heads, int nodes, int batch, int[] idx, double[] val, int nnz, String where) {
        if (nodes % batch != 0) throw new InvalidInputException(where + ": " + nodes + " nodes do not split into " + batch + " images");
        int perImage = nodes / batch;
        int side = (int) Math.round(Math.sqrt(perImage));
        if (side * side != perImage) throw new InvalidInputException(where + ": " + perImage + " nodes per image is not a square grid");
        int[][] count = new int[heads][nodes + 1];
        for (int e = 0; e < nnz; e++) {
            int h = idx[e];
            int r = idx[nnz + e];
            int c = idx[2 * nnz + e];
            if (h < 0 || h >= heads || r < 0 || r >= nodes || c < 0 || c >= nodes) throw new InvalidInputException(where + ": entry " + e + " (" + h + ", " + r + ", " + c + ") is outside the graph");
            if (!Double.isFinite(val[e])) throw new InvalidInputException(where + ": value " + val[e] + " at entry " + e);
            count[h][r + 1]++;
        }
        int[][] start = new int[heads][];
        int[][] cols = new int[heads][];
        double[][] vals = new double[heads][];
        for (int h = 0; h < heads; h++) {
            for (int r = 0; r < nodes; r++) count[h][r + 1] += count[h][r];
            start[h] = count[h].clone();
            cols[h] = new int[count[h][nodes]];
            vals[h] = new double[count[h][nodes]];
        }
        int[][] fill = new int[heads][];
        for (int h = 0; h < heads; h++) fill[h] = java.util.Arrays.copyOf(start[h], nodes);
        for (int e = 0; e < nnz; e++) {
            int h = idx[e];
            int p = fill[h][idx[nnz + e]]++;
            cols[h][p] = idx[2 * nnz + e];
            vals[h][p] = val[e];
        }
        for (int h = 0; h < heads; h++) sortRows(start[h], cols[h], vals[h], where);
        return new SparseGraph(name, batch, side, side, start, cols, vals);
    }

    /** Sorts every row by column (insertion sort: rows are short) and refuses a repeated entry. */
    static void sortRows(int[] start, int[] cols, double[] vals, String where) {
        for (int r = 0; r + 1 < start.length; r++) {
            for (int i = start[r] + 1; i < start[r + 1]; i++) {
                int c = cols[i];
                double v = vals[i];
                int j = i - 1;
                while (j >= start[r] && cols[j] > c) {
                    cols[j + 1] = cols[j];
                    vals[j + 1] = vals[j];
                    j--;
                }
                cols[j + 1] = c;
                vals[j + 1] = v;
            }
            for (int i = start[r] + 1; i < start[r + 1]; i++) {
                if (cols[i] == cols[i - 1]) throw new InvalidInputException(where + ": entry (" + r + ", " + cols[i] + ") appears twice");
            }
        }
    }

    @Override
    public String toString() {
        return name + " (" + heads + " heads, " + batch + " images of " + height + "x" + width + ")";
    }
}
