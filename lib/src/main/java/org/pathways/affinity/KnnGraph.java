package org.pathways.affinity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.pathways.common.InvalidInputException;

/**
 * The data-set-level affinity of the paper (Sec. 3.3) as the authors build it ({@code model_seg.py},
 * {@code build_knn_graph} and {@code topk_memory_efficient}, at commit 4702d89 of
 * github.com/xiao7199/layer_distributed_spectral_clustering), one graph per head over all locations of all images of a
 * mini-batch, node = b * n + position:
 * <ol>
 *   <li>queries and keys L2-normalised (the values against themselves for the "what" graph, V-V);</li>
 *   <li>each row's similarities to every node, its own excluded (theirs: set to -1e5);</li>
 *   <li>the top-k of the row inside its own image and the top-k in the other images (theirs: the top-k of
 *       {@code sim * intra_mask} and of {@code sim * ~intra_mask}, where the masked-out entries are 0, not -inf; so
 *       where fewer than k similarities of a side are positive they pick zeros of the other side, which the next step
 *       removes anyway: the entries that survive are the same as ours);</li>
 *   <li>kept similarities &lt;= threshold (0.1) set to zero (here: not stored);</li>
 *   <li>symmetrised, W = 0.5 (W + W^T);</li>
 *   <li>row-normalised as {@code A = W * (1 / rowsum + 1e-6)}: the 1e-6 is added AFTER the reciprocal, so rows sum to
 *       1 + 1e-6 rowsum, exactly as theirs.</li>
 * </ol>
 * A node without any neighbour above the threshold (in either direction) has row sum 0: theirs then multiplies the
 * row's stored zeros by 1/0 and gets NaN; ours leaves the row empty (an isolated node, z^T A z gets nothing from it).
 *
 * <p>Precision: {@link Precision#AUTHORS} rounds the selected similarities to float32 and does the rest in float32, as
 * {@code topk_memory_efficient(...).float()} makes every later step float32 even for float64 inputs;
 * {@link Precision#F64} keeps double throughout.
 *
 * <p>Memory: the (B n) x (B n) similarity matrix is never held; rows are processed one image at a time, which costs
 * n x B n similarities (8 B each in float64, 4 B in float32), plus the kept entries, at most 2 (kIntra + kInter) per
 * row after symmetrisation (12 B each here, 20 B in libtorch's COO).
 */
public final class KnnGraph {
    /** How the affinity is rounded. */
    public enum Precision {
        /** float32 after the top-k, as the authors' code. */
        AUTHORS,
        /** float64 throughout. */
        F64
    }

    /**
     * @param kIntra    neighbours kept inside the row's own image (the paper's 50)
     * @param kInter    neighbours kept in the other images of the mini-batch (50)
     * @param threshold similarities at or below it are dropped (0.1)
     */
    public record Settings(int kIntra, int kInter, double threshold, Precision precision) {
        public Settings {
            if (kIntra < 0 || kInter < 0 || kIntra + kInter == 0) throw new InvalidInputException("k-intra and k-inter must be >= 0 and not both 0, got " + kIntra + " and " + kInter);
            if (!Double.isFinite(threshold)) throw new InvalidInputException("threshold must be finite, got " + threshold);
        }

        /** The paper's and the authors' launch script's: 50 and 50, threshold 0.1, float32 after the top-k. */
        public static Settings paper() {
            return new Settings(50, 50, 0.1, Precision.AUTHORS);
        }
    }

    private KnnGraph() {}

    /**
     * One graph per head from queries and keys B x heads x n x d (row-major, as {@code double} values; pass the values
     * as both for the V-V graph), the images' grid being height x width = n.
     *
     * @param computeType FLOAT64 or FLOAT32: the type the similarities are computed in (the inputs' own)
     */
    public static SparseGraph build(String name, double[] q, double[] k, int batch, int heads, int height, int width, int dim,
                                    DataType computeType, Settings settings) {
        check(name, q.length, k.length, batch, heads, height * width, dim);
        int n = height * width;
        return build(name, (m, h) -> rows(m, headRows(q, batch, heads, n, dim, h), batch * n, dim, computeType),
                (m, h) -> rows(m, headRows(k, batch, heads, n, dim, h), batch * n, dim, computeType), batch, heads, height, width, settings);
    }

    /**
     * The same from float taps (B x heads x n x d), computed in float32 as the authors' code computes its float32
     * features: no double copy of the batch's taps is made.
     */
    public static SparseGraph build(String name, float[] q, float[] k, int batch, int heads, int height, int width, int dim, Settings settings) {
        check(name, q.length, k.length, batch, heads, height * width, dim);
        int n = height * width;
        return build(name, (m, h) -> m.create(headRows(q, batch, heads, n, dim, h), new Shape((long) batch * n, dim)),
                (m, h) -> m.create(headRows(k, batch, heads, n, dim, h), new Shape((long) batch * n, dim)), batch, heads, height, width, settings);
    }

    private static void check(String name, long qLength, long kLength, int batch, int heads, int n, int dim) {
        long expected = (long) batch * heads * n * dim;
        if (qLength != expected || kLength != expected) {
            throw new InvalidInputException(name + ": queries and keys must both hold " + batch + " x " + heads + " x " + n + " x " + dim + " values, got " + qLength + " and " + kLength);
        }
    }

    /** One head's rows, (B n) x d, image-major, as an array of the compute type in {@code manager}. */
    private interface HeadRows {
        NDArray of(NDManager manager, int head);
    }

    private static SparseGraph build(String name, HeadRows q, HeadRows k, int batch, int heads, int height, int width, Settings settings) {
        int n = height * width;
        int nodes = batch * n;
        // theirs: torch.topk raises for k larger than the candidates; refused here on one line, before any work
        if (settings.kIntra() > n - 1) {
            throw new InvalidInputException(name + ": k-intra " + settings.kIntra() + " is larger than the " + (n - 1) + " other locations of an image (N = " + n + ")");
        }
        if (settings.kInter() > (batch - 1) * n) {
            throw new InvalidInputException(name + ": k-inter " + settings.kInter() + " is larger than the " + (batch - 1) * n + " locations of the other images (B = " + batch + ", N = " + n + ")");
        }
        int[][] start = new int[heads][];
        int[][] cols = new int[heads][];
        double[][] vals = new double[heads][];
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int h = 0; h < heads; h++) {
                Directed directed = neighbours(manager, q, k, h, batch, n, settings);
                SparseGraph normalised = symmetrisedAndNormalised(directed, nodes, settings.precision());
                start[h] = normalised.rowStart[0];
                cols[h] = normalised.columns[0];
                vals[h] = normalised.values[0];
            }
        }
        return new SparseGraph(name, batch, height, width, start, cols, vals);
    }

    /** Head h of B x heads x n x d as (B n) x d rows, image-major. */
    private static double[] headRows(double[] x, int batch, int heads, int n, int dim, int h) {
        double[] out = new double[batch * n * dim];
        for (int b = 0; b < batch; b++) System.arraycopy(x, ((b * heads + h) * n) * dim, out, b * n * dim, n * dim);
        return out;
    }

    private static float[] headRows(float[] x, int batch, int heads, int n, int dim, int h) {
        if (heads == 1) return x;
        float[] out = new float[batch * n * dim];
        for (int b = 0; b < batch; b++) System.arraycopy(x, ((b * heads + h) * n) * dim, out, b * n * dim, n * dim);
        return out;
    }

    /** Each row's kept neighbours, before symmetrisation: per row, columns ascending and values (> threshold). */
    private record Directed(int[] start, int[] cols, double[] vals) {}

    private static Directed neighbours(NDManager manager, HeadRows q, HeadRows k, int head, int batch, int n, Settings s) {
        int nodes = batch * n;
        int kIntra = s.kIntra();
        int kInter = s.kInter();
        int perRow = Math.max(0, kIntra) + Math.max(0, kInter);
        int[] cols = new int[nodes * perRow];
        double[] vals = new double[nodes * perRow];
        int[] count = new int[nodes];
        boolean authors = s.precision() == Precision.AUTHORS;
        float thresholdF = (float) s.threshold();
        try (NDManager scope = manager.newSubManager()) {
            NDArray qn = q.of(scope, head).normalize(2, 1, 1e-12); // F.normalize(dim=-1)
            NDArray kn = k.of(scope, head).normalize(2, 1, 1e-12).transpose();
            NDArray eye = scope.eye(n).toType(qn.getDataType(), false).mul(2e5);
            for (int b = 0; b < batch; b++) {
                try (NDManager block = scope.newSubManager()) {
                    block.tempAttachAll(qn, kn, eye);
                    NDArray sims = qn.get(new NDIndex("{}:{}", b * n, (b + 1) * n)).matMul(kn);    // n x (B n)
                    NDList[] picks = new NDList[2];
                    int[] offsets = {b * n, 0};
                    if (kIntra > 0) picks[0] = sims.get(new NDIndex(":, {}:{}", b * n, (b + 1) * n)).sub(eye).topK(kIntra, 1, true, false);
                    if (kInter > 0) {
                        NDArray inter = sims.duplicate();
                        inter.set(new NDIndex(":, {}:{}", b * n, (b + 1) * n), -2e5);
                        picks[1] = inter.topK(kInter, 1, true, false);
                    }
                    for (int side = 0; side < 2; side++) {
                        if (picks[side] == null) continue;
                        int kk = side == 0 ? kIntra : kInter;
                        double[] v = picks[side].get(0).toType(DataType.FLOAT64, false).toDoubleArray();
                        long[] c = picks[side].get(1).toLongArray();
                        for (int i = 0; i < n; i++) {
                            int row = b * n + i;
                            for (int j = 0; j < kk; j++) {
                                double value = v[i * kk + j];
                                boolean kept = authors ? (float) value > thresholdF : value > s.threshold();
                                if (!kept) continue;
                                int e = row * perRow + count[row]++;
                                cols[e] = (int) c[i * kk + j] + offsets[side];
                                vals[e] = authors ? (float) value : value;
                            }
                        }
                    }
                }
            }
        }
        int[] start = new int[nodes + 1];
        for (int r = 0; r < nodes; r++) start[r + 1] = start[r] + count[r];
        int[] packedCols = new int[start[nodes]];
        double[] packedVals = new double[start[nodes]];
        for (int r = 0; r < nodes; r++) {
            System.arraycopy(cols, r * perRow, packedCols, start[r], count[r]);
            System.arraycopy(vals, r * perRow, packedVals, start[r], count[r]);
        }
        SparseGraph.sortRows(start, packedCols, packedVals, "knn graph");
        return new Directed(start, packedCols, packedVals);
    }

    private static NDArray rows(NDManager manager, double[] values, int rows, int dim, DataType type) {
        NDArray a = manager.create(values, new Shape(rows, dim));
        return type == DataType.FLOAT64 ? a : a.toType(type, false);
    }

    /** W = 0.5 (W + W^T), then A = W * (1 / rowsum + 1e-6), in the precision asked for. */
    private static SparseGraph symmetrisedAndNormalised(Directed w, int nodes, Precision precision) {
        boolean authors = precision == Precision.AUTHORS;
        // the transpose, by counting sort on the column
        int[] tStart = new int[nodes + 1];
        for (int c : w.cols()) tStart[c + 1]++;
        for (int r = 0; r < nodes; r++) tStart[r + 1] += tStart[r];
        int[] tCols = new int[w.cols().length];
        double[] tVals = new double[w.cols().length];
        int[] fill = java.util.Arrays.copyOf(tStart, nodes);
        for (int r = 0; r < nodes; r++) {
            for (int p = w.start()[r]; p < w.start()[r + 1]; p++) {
                int at = fill[w.cols()[p]]++;
                tCols[at] = r;          // rows ascending, so each transposed row is column-sorted
                tVals[at] = w.vals()[p];
            }
        }
        // merge each row with its transposed row
        int[] start = new int[nodes + 1];
        int[] cols = new int[w.cols().length * 2];
        double[] vals = new double[w.cols().length * 2];
        int e = 0;
        for (int r = 0; r < nodes; r++) {
            int a = w.start()[r];
            int aEnd = w.start()[r + 1];
            int b = tStart[r];
            int bEnd = tStart[r + 1];
            int rowBegin = e;
            while (a < aEnd || b < bEnd) {
                int ca = a < aEnd ? w.cols()[a] : Integer.MAX_VALUE;
                int cb = b < bEnd ? tCols[b] : Integer.MAX_VALUE;
                double sum;
                int col;
                if (ca == cb) {
                    col = ca;
                    sum = authors ? (float) ((float) w.vals()[a++] + (float) tVals[b++]) : w.vals()[a++] + tVals[b++];
                } else if (ca < cb) {
                    col = ca;
                    sum = w.vals()[a++];
                } else {
                    col = cb;
                    sum = tVals[b++];
                }
                cols[e] = col;
                vals[e++] = authors ? (float) (0.5f * (float) sum) : 0.5 * sum;
            }
            double rowSum = 0;
            float rowSumF = 0;
            for (int p = rowBegin; p < e; p++) {
                rowSum += vals[p];
                rowSumF += (float) vals[p];
            }
            if (e > rowBegin) { // an empty row stays empty (theirs: NaN, see the class comment)
                if (authors) {
                    float d = 1f / rowSumF + 1e-6f;
                    for (int p = rowBegin; p < e; p++) vals[p] = (float) vals[p] * d;
                } else {
                    double d = 1 / rowSum + 1e-6;
                    for (int p = rowBegin; p < e; p++) vals[p] = vals[p] * d;
                }
            }
            start[r + 1] = e;
        }
        return new SparseGraph("knn", 1, 1, nodes, new int[][] {start}, new int[][] {java.util.Arrays.copyOf(cols, e)},
                new double[][] {java.util.Arrays.copyOf(vals, e)});
    }
}
