package org.pathways.linalg;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;

/**
 * The partial mode of {@link SymmetricEigen} for large matrices: the {@code count} largest eigenpairs of a symmetric
 * M by a block Krylov method, its products on libtorch through DJL (float64, on whatever device DJL runs).
 *
 * <p>A basis Q (N x m, orthonormal) grows by one block of b = count + {@link #EXTRA_COLUMNS} columns per step: the
 * next block is M times the last block, re-orthogonalised against all of Q twice ("twice is enough") and then within
 * itself (modified Gram-Schmidt, in Java); a column that vanishes there (an invariant subspace was found) is replaced
 * by a random one. After every step the Rayleigh-Ritz problem H = Q^T (M Q), m x m, is solved densely, and the run
 * stops when every wanted Ritz pair (theta, x = Q y) has |M x - theta x| &lt;= {@link #TOLERANCE} times the largest
 * |theta|. When Q reaches its size limit it is restarted thick: Q becomes the best Ritz vectors (M Q is carried
 * along, no extra product) and the block already computed from the old Q follows it, which keeps the Krylov
 * structure (Wu and Simon's thick-restart Lanczos, in block form; Saad, Numerical Methods for Large Eigenvalue
 * Problems, 2nd ed., sec. 6.9 and 8.3; no code was followed). M Q is kept, so H is formed explicitly and nothing
 * relies on three-term recurrences.
 *
 * <p>Why a block: a single-vector Krylov space holds one direction of a repeated eigenvalue; a block of b random
 * columns sees up to b copies. The start block is random with a fixed seed, so results are deterministic.
 * Ritz values are lower bounds of the eigenvalues they approximate (Cauchy interlacing), and a random start block
 * misses an eigenvector only with probability zero; the same guarantee as ARPACK's.
 */
final class BlockKrylov {
    /** Residual at which a Ritz pair is accepted, relative to the largest |Ritz value| (about ||M||). */
    static final double TOLERANCE = 1e-11;
    /** Columns beyond {@code count} in each block. */
    static final int EXTRA_COLUMNS = 8;
    /** Steps after which the caller falls back to the dense solver. */
    static final int MAX_STEPS = 500;
    private static final long SEED = 0x5EED_2024L;
    /** A column whose norm drops below this fraction during orthogonalisation is taken as dependent. */
    private static final double DEPENDENT = 1e-8;

    /** The pairs, largest first, and the number of block steps taken. */
    record Result(double[] values, double[][] vectors, int steps) {}

    private BlockKrylov() {}

    /**
     * The {@code count} largest eigenpairs of the symmetric {@code m} (count &lt; N), or null when they did not
     * converge within {@link #MAX_STEPS} steps.
     */
    static Result largest(DMatrixRMaj m, int count) {
        int n = m.numRows;
        if (count < 1 || count >= n) throw new IllegalArgumentException("count must be in [1, " + (n - 1) + "], got " + count);
        int block = Math.min(count + EXTRA_COLUMNS, n - count);
        int maxBasis = Math.min(n, Math.max(6 * block, 100));
        int keep = Math.max(count, Math.min(count + block, maxBasis - 2 * block));
        Random random = new Random(SEED);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = owned(manager, m.data, n, n);
            NDArray q = orthonormalBlock(manager, null, gaussian(random, n, block), random);
            NDArray aq = a.matMul(q);
            NDArray last = aq;
            for (int step = 1; step <= MAX_STEPS; step++) {
                int size = (int) q.getShape().get(1);
                try (NDManager scope = manager.newSubManager()) {
                    if (last == aq) scope.tempAttachAll(a, q, aq);
                    else scope.tempAttachAll(a, q, aq, last);
                    Ritz ritz = rayleighRitz(q, aq, size);
                    int wanted = Math.min(count, size);
                    NDArray y = columnsOf(scope, ritz.vectors, size, wanted);
                    NDArray x = q.matMul(y);
                    NDArray theta = scope.create(java.util.Arrays.copyOf(ritz.values, wanted)).reshape(1, wanted);
                    NDArray residual = aq.matMul(y).sub(x.mul(theta));
                    double[] norms = residual.square().sum(new int[] {0}).sqrt().toDoubleArray();
                    double scale = Math.max(Math.abs(ritz.values[0]), Math.abs(ritz.values[size - 1]));
                    double tolerance = TOLERANCE * (scale > 0 ? scale : Double.MIN_NORMAL);
                    boolean converged = wanted == count;
                    for (double r : norms) converged &= r <= tolerance;
                    if (converged || size == n) {
                        if (wanted < count) return null;
                        return new Result(java.util.Arrays.copyOf(ritz.values, count), rows(x.transpose().toDoubleArray(), count, n), step);
                    }
                    int next = Math.min(block, n - size);
                    NDArray fresh = last.get(":, 0:" + next);
                    NDArray basis = q;
                    NDArray image = aq;
                    if (size + next > maxBasis) { // thick restart on the best Ritz vectors
                        int kept = Math.min(keep, size);
                        NDArray best = columnsOf(scope, ritz.vectors, size, kept);
                        fresh = project(q, fresh); // against the old basis first: the Krylov continuation
                        basis = q.matMul(best);
                        image = aq.matMul(best);
                    }
                    NDArray p = orthonormalBlock(scope, basis, fresh.toDoubleArray(), n, next, random);
                    NDArray ap = a.matMul(p);
                    NDArray grownQ = basis.concat(p, 1);
                    NDArray grownAq = image.concat(ap, 1);
                    grownQ.attach(manager);
                    grownAq.attach(manager);
                    ap.attach(manager);
                    NDArray oldQ = q;
                    NDArray oldAq = aq;
                    NDArray oldLast = last;
                    q = grownQ;
                    aq = grownAq;
                    last = ap;
                    scope.close(); // returns the temp-attached arrays to manager before they are closed
                    oldQ.close();
                    oldAq.close();
                    if (oldLast != oldAq) oldLast.close();
                }
            }
            return null;
        }
    }

    private record Ritz(double[] values, double[][] vectors) {}

    /** H = Q^T (M Q), made exactly symmetric, solved densely: values descending, vectors (size entries each). */
    private static Ritz rayleighRitz(NDArray q, NDArray aq, int size) {
        double[] h = q.transpose().matMul(aq).toDoubleArray();
        DMatrixRMaj sym = new DMatrixRMaj(size, size);
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) sym.unsafe_set(i, j, 0.5 * (h[i * size + j] + h[j * size + i]));
        }
        SymmetricEigen.Pairs pairs = SymmetricEigen.dense(sym, size, true, SymmetricEigen.gershgorin(sym));
        return new Ritz(pairs.values(), pairs.vectors());
    }

    /** x - Q (Q^T x), twice. */
    private static NDArray project(NDArray q, NDArray x) {
        if (q == null) return x;
        NDArray once = x.sub(q.matMul(q.transpose().matMul(x)));
        return once.sub(q.matMul(q.transpose().matMul(once)));
    }

    private static NDArray orthonormalBlock(NDManager manager, NDArray q, double[][] columns, Random random) {
        int n = columns[0].length;
        return orthonormalBlock(manager, q, rowMajor(columns), n, columns.length, random);
    }

    /**
     * The N x b block (row-major {@code data}) made orthonormal and orthogonal to Q: projected against Q, then
     * modified Gram-Schmidt, both twice; dependent columns are replaced by random ones and the block is redone.
     */
    private static NDArray orthonormalBlock(NDManager manager, NDArray q, double[] data, int n, int b, Random random) {
        for (int attempt = 0; attempt < 8; attempt++) {
            NDArray x = owned(manager, data, n, b);
            double[][] cols = columns(project(q, x).toDoubleArray(), n, b);
            double[][] given = columns(data, n, b);
            double[] before = new double[b];
            for (int c = 0; c < b; c++) before[c] = norm(given[c]);
            boolean dependent = false;
            for (int pass = 0; pass < 2; pass++) {
                for (int c = 0; c < b; c++) {
                    for (int d = 0; d < c; d++) subtractProjection(cols[c], cols[d]);
                    double length = norm(cols[c]);
                    if (pass == 0 && !(length > DEPENDENT * before[c])) {
                        cols[c] = gaussian(random, n, 1)[0];
                        dependent = true;
                        continue;
                    }
                    for (int i = 0; i < n; i++) cols[c][i] /= length;
                }
            }
            if (dependent) { // redo: the random replacements must be projected against Q too
                data = rowMajor(cols);
                x.close();
                continue;
            }
            NDArray twice = project(q, owned(manager, rowMajor(cols), n, b));
            double[][] again = columns(twice.toDoubleArray(), n, b);
            for (int c = 0; c < b; c++) {
                for (int d = 0; d < c; d++) subtractProjection(again[c], again[d]);
                double length = norm(again[c]);
                for (int i = 0; i < n; i++) again[c][i] /= length;
            }
            return owned(manager, rowMajor(again), n, b);
        }
        throw new IllegalStateException("could not extend the Krylov basis (" + n + " rows)");
    }

    private static void subtractProjection(double[] v, double[] unit) {
        double dot = 0;
        for (int i = 0; i < v.length; i++) dot += v[i] * unit[i];
        for (int i = 0; i < v.length; i++) v[i] -= dot * unit[i];
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) s += x * x;
        return Math.sqrt(s);
    }

    private static double[][] gaussian(Random random, int n, int b) {
        double[][] cols = new double[b][n];
        for (double[] col : cols) for (int i = 0; i < n; i++) col[i] = random.nextGaussian();
        return cols;
    }

    /** The first {@code count} of the vectors (each {@code size} entries) as a size x count array. */
    private static NDArray columnsOf(NDManager manager, double[][] vectors, int size, int count) {
        double[] data = new double[size * count];
        for (int c = 0; c < count; c++) for (int i = 0; i < size; i++) data[i * count + c] = vectors[c][i];
        return owned(manager, data, size, count);
    }

    private static double[] rowMajor(double[][] columns) {
        int b = columns.length;
        int n = columns[0].length;
        double[] data = new double[n * b];
        for (int c = 0; c < b; c++) for (int i = 0; i < n; i++) data[i * b + c] = columns[c][i];
        return data;
    }

    private static double[][] columns(double[] rowMajor, int n, int b) {
        double[][] cols = new double[b][n];
        for (int i = 0; i < n; i++) for (int c = 0; c < b; c++) cols[c][i] = rowMajor[i * b + c];
        return cols;
    }

    private static double[][] rows(double[] rowMajor, int count, int n) {
        double[][] out = new double[count][];
        for (int c = 0; c < count; c++) out[c] = java.util.Arrays.copyOfRange(rowMajor, c * n, (c + 1) * n);
        return out;
    }

    /** A float64 array in memory libtorch allocated: DJL's create may alias the Java buffer (see spectral/Constants). */
    private static NDArray owned(NDManager manager, double[] data, int rows, int cols) {
        NDArray borrowed = manager.create(data, new Shape(rows, cols));
        NDArray copy = borrowed.toType(DataType.FLOAT64, false).duplicate();
        borrowed.close();
        return copy;
    }
}
