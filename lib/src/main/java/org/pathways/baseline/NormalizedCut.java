package org.pathways.baseline;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.decomposition.eig.SymmetricQRAlgorithmDecomposition_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;

/**
 * Shi and Malik's normalised-cut eigenvectors of one symmetric, non-negative affinity W: the generalized problem
 * (D - W) x = lambda D x with D = diag(row sums of W), the problem TokenCut and MaskCut hand to
 * {@code scipy.linalg.eigh(D-A, D, subset_by_index=[1,2])} (TokenCut {@code object_discovery.py} line 40; CutLER
 * {@code maskcut/maskcut.py} line 53).
 *
 * <p>We solve it through the equivalent symmetric problem: with y = D^(1/2) x, D^(-1/2) W D^(-1/2) y = (1 - lambda) y,
 * decomposed exactly by EJML's symmetric QR eigen-decomposition ({@code SymmetricQRAlgorithmDecomposition_DDRM} on
 * {@code DecompositionFactory_DDRM.tridiagonal(n)}, what {@code DecompositionFactory_DDRM.eig(n, true, true)} builds:
 * Householder tridiagonalisation, then the implicit symmetric QR algorithm). EJML offers no way to ask for a few
 * eigenvectors only, so all N are computed (about 1.6 s for N = 1100 on one core here) and the smallest-lambda ones
 * kept. The returned x = D^(-1/2) y satisfy x^T D x = 1, the normalisation {@code eigh} gives.
 *
 * <p>EJML's QR deflates when an off-diagonal |e_i| &lt;= EPS (|d_i| + |d_(i+1)|), a test relative to the diagonal, so
 * a large cluster of zero eigenvalues never deflates and the decomposition fails after its step limit. Binary graphs
 * have such clusters: nodes with identical rows (the all-eps rows of patches MaskCut has masked out, or patches of a
 * flat region) give mu = 0 (lambda = 1) with multiplicity one less than their number. Since |mu| &lt;= 1 we decompose
 * M + 2I instead, whose eigenvalues lie in [1, 3]: the same eigenvectors, the same absolute accuracy, and no zero
 * cluster. Every returned pair is checked against its residual |M y - mu y| (at most 1e-8).
 *
 * <p>The smallest eigenvalue, lambda = 0 with x proportional to the constant vector for a connected graph, is the
 * trivial solution and is skipped, as {@code subset_by_index=[1, ...]} does (for a disconnected graph, with lambda = 0
 * repeated, which of those is skipped is arbitrary; TokenCut's eps edges keep its graphs connected). A node of degree 0 (an isolated node)
 * would make D singular: its degree is replaced by 1e-12 times the largest degree (1e-12 when all are 0), which
 * leaves its row of D^(-1/2) W D^(-1/2) zero, so it sits on an eigenvector of its own with lambda = 1, far from the
 * small eigenvalues an Ncut uses.
 *
 * <p>Signs are fixed deterministically: every vector's entry of largest |x| is made positive (the first such entry,
 * entries within a relative 1e-9 of the largest counting as ties, so that rounding noise cannot pick between equal
 * entries).
 */
public final class NormalizedCut {
    /** Relative tolerance under which two magnitudes count as equal when choosing a seed or fixing a sign. */
    static final double TIE = 1e-9;
    /** Degree given to isolated nodes, relative to the largest degree. */
    static final double ISOLATED_DEGREE = 1e-12;
    /** Added to the diagonal before EJML's QR (see the class comment). */
    static final double SHIFT = 2;
    /** Largest residual |M y - mu y| accepted, relative to the largest |M_ij| (at least 1). */
    static final double RESIDUAL = 1e-8;

    /**
     * The smallest nontrivial generalized eigenpairs, lambda ascending: {@code values[c]} and {@code vectors[c]} (N
     * entries each) for c = 0 .. count-1, c = 0 being the Fiedler vector (TokenCut's "second smallest").
     */
    public record Eigen(double[] values, double[][] vectors) {
        public int count() {
            return values.length;
        }
    }

    private NormalizedCut() {}

    /** Row sums of W, isolated nodes lifted to a tiny positive degree (see the class comment). */
    public static double[] degrees(double[][] w) {
        int n = w.length;
        double[] d = new double[n];
        double max = 0;
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (double v : w[i]) s += v;
            d[i] = s;
            max = Math.max(max, s);
        }
        double floor = ISOLATED_DEGREE * (max > 0 ? max : 1);
        for (int i = 0; i < n; i++) if (d[i] <= 0) d[i] = floor;
        return d;
    }

    /**
     * The {@code count} smallest nontrivial solutions of (D - W) x = lambda D x (fewer when N - 1 &lt; count). W must
     * be square, symmetric (to a relative 1e-9) and non-negative.
     */
    public static Eigen smallest(double[][] w, int count) {
        check(w);
        if (count < 1) throw new IllegalArgumentException("need at least one eigenvector, asked for " + count);
        int n = w.length;
        if (n < 2) throw new IllegalArgumentException("an Ncut needs at least 2 nodes, got " + n);
        double[] d = degrees(w);
        double[] root = new double[n];
        for (int i = 0; i < n; i++) root[i] = 1 / Math.sqrt(d[i]);
        DMatrixRMaj m = new DMatrixRMaj(n, n);
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double v = (w[i][j] + w[j][i]) / 2 * root[i] * root[j]; // exactly symmetric
                m.unsafe_set(i, j, v);
                m.unsafe_set(j, i, v);
            }
        }
        DMatrixRMaj shifted = m.copy();
        for (int i = 0; i < n; i++) shifted.unsafe_set(i, i, m.unsafe_get(i, i) + SHIFT);
        SymmetricQRAlgorithmDecomposition_DDRM eig = new SymmetricQRAlgorithmDecomposition_DDRM(DecompositionFactory_DDRM.tridiagonal(n), true);
        if (!eig.decompose(shifted)) throw new IllegalStateException("EJML's symmetric eigen-decomposition failed (" + n + " nodes)");
        Integer[] order = new Integer[n];
        double[] mu = new double[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
            mu[i] = eig.getEigenvalue(i).getReal() - SHIFT;
        }
        // largest mu = smallest lambda = 1 - mu; ties keep EJML's order (Arrays.sort on objects is stable)
        Arrays.sort(order, (a, b) -> Double.compare(mu[b], mu[a]));
        int k = Math.min(count, n - 1);
        double[] values = new double[k];
        double[][] vectors = new double[k][];
        for (int c = 0; c < k; c++) {
            int index = order[c + 1]; // order[0] is the trivial solution
            values[c] = 1 - mu[index];
            DMatrixRMaj y = eig.getEigenVector(index);
            checkResidual(m, y, mu[index]);
            double[] x = new double[n];
            double mass = 0;
            for (int i = 0; i < n; i++) {
                x[i] = y.get(i, 0) * root[i];
                mass += x[i] * x[i] * d[i];
            }
            double scale = 1 / Math.sqrt(mass);
            int peak = firstPeak(x, true);
            if (x[peak] < 0) scale = -scale;
            for (int i = 0; i < n; i++) x[i] *= scale;
            vectors[c] = x;
        }
        return new Eigen(values, vectors);
    }

    /** The Fiedler vector: the second-smallest generalized eigenvector, x^T D x = 1, sign fixed as in the class comment. */
    public static double[] fiedler(double[][] w) {
        return smallest(w, 1).vectors()[0];
    }

    /**
     * The first index whose value (or |value| when {@code absolute}) is within a relative {@link #TIE} of the largest:
     * numpy's {@code argmax} made insensitive to rounding noise between equal entries.
     */
    static int firstPeak(double[] x, boolean absolute) {
        double best = Double.NEGATIVE_INFINITY;
        double scale = 0;
        for (double v : x) {
            best = Math.max(best, absolute ? Math.abs(v) : v);
            scale = Math.max(scale, Math.abs(v));
        }
        double cut = best - TIE * scale;
        for (int i = 0; i < x.length; i++) if ((absolute ? Math.abs(x[i]) : x[i]) >= cut) return i;
        throw new IllegalStateException("no finite maximum");
    }

    private static void checkResidual(DMatrixRMaj m, DMatrixRMaj y, double mu) {
        int n = m.numRows;
        double scale = 1;
        for (int i = 0; i < n * n; i++) scale = Math.max(scale, Math.abs(m.data[i]));
        double worst = 0;
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) s += m.unsafe_get(i, j) * y.get(j, 0);
            worst = Math.max(worst, Math.abs(s - mu * y.get(i, 0)));
        }
        if (!(worst <= RESIDUAL * scale)) throw new IllegalStateException("EJML's eigenvector has residual " + worst + " (" + n + " nodes)");
    }

    private static void check(double[][] w) {
        int n = w.length;
        double max = 0;
        for (int i = 0; i < n; i++) {
            if (w[i].length != n) throw new IllegalArgumentException("affinity is not square: row " + i + " has " + w[i].length + " of " + n);
            for (double v : w[i]) {
                if (!Double.isFinite(v) || v < 0) throw new IllegalArgumentException("affinities must be finite and non-negative, found " + v + " in row " + i);
                max = Math.max(max, v);
            }
        }
        double tolerance = 1e-9 * max;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                if (Math.abs(w[i][j] - w[j][i]) > tolerance) {
                    throw new IllegalArgumentException("affinity is not symmetric: W[" + i + "][" + j + "] = " + w[i][j] + ", W[" + j + "][" + i + "] = " + w[j][i]);
                }
            }
        }
    }
}
