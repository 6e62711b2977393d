package org.pathways.linalg;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.decomposition.eig.SymmetricQRAlgorithmDecomposition_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;

/**
 * The one dense symmetric eigen-solver of Pathways (the Ncut baselines, the exact eigenvectors of a graph shown in the
 * notebooks, the fallback of the SVD re-orthogonalisation): EJML's symmetric QR algorithm
 * ({@code SymmetricQRAlgorithmDecomposition_DDRM} on {@code DecompositionFactory_DDRM.tridiagonal(n)}: Householder
 * tridiagonalisation, then the implicit symmetric QR algorithm), with three guards:
 * <ul>
 *   <li><b>Shift.</b> EJML deflates when an off-diagonal |e_i| &lt;= EPS (|d_i| + |d_(i+1)|), a test relative to the
 *   diagonal, so a large cluster of zero eigenvalues (graphs with many identical rows have one) never deflates and
 *   the decomposition fails after its step limit. With b a bound on |lambda| (given, or the Gershgorin bound max_i
 *   sum_j |m_ij|) we decompose M + 2b I, whose eigenvalues lie in [b, 3b]: the same eigenvectors, the same absolute
 *   accuracy, no zero cluster.</li>
 *   <li><b>Residual.</b> Every returned pair satisfies |M v - lambda v| &lt;= {@link #RESIDUAL} max(1, b), or the call
 *   fails.</li>
 *   <li><b>Sign.</b> {@link Signs}: each vector's largest-magnitude entry is positive.</li>
 * </ul>
 * Partial mode: {@link #largest} and {@link #smallest} return only the {@code count} pairs asked for. EJML cannot
 * compute a subset of the eigenvectors (all N take about 2.2 s for N = 1100 on one core here), so from
 * {@link #KRYLOV_FROM} nodes, when at most a quarter of the pairs are wanted, they come from {@link BlockKrylov}
 * (products on libtorch), with the same residual check and sign rule; the dense solver is the fallback when it does
 * not converge. Where eigenvalues are (nearly) equal, the two return different bases of the same eigenspace.
 */
public final class SymmetricEigen {
    /** Sizes from which the partial mode uses {@link BlockKrylov}; below it the dense solver is as fast. */
    static final int KRYLOV_FROM = 200;
    /** ... and only when at most N / this many pairs are wanted. */
    static final int KRYLOV_FRACTION = 4;
    /** Largest residual accepted, relative to max(1, b). */
    public static final double RESIDUAL = 1e-8;
    /** Largest |M_ij - M_ji| accepted, relative to max|M_ij|. */
    public static final double SYMMETRY = 1e-12;

    /** Eigenpairs in the order asked for: {@code values[c]} with unit eigenvector {@code vectors[c]} (N entries). */
    public record Pairs(double[] values, double[][] vectors) {
        public int count() {
            return values.length;
        }
    }

    private SymmetricEigen() {}

    /** The {@code count} largest eigenpairs (fewer when N &lt; count), largest first. */
    public static Pairs largest(DMatrixRMaj m, int count) {
        return solve(m, count, true, gershgorin(m));
    }

    /** As {@link #largest(DMatrixRMaj, int)} when every |lambda| &lt;= {@code bound} is known (a tighter shift). */
    public static Pairs largest(DMatrixRMaj m, int count, double bound) {
        return solve(m, count, true, bound);
    }

    /** The {@code count} smallest eigenpairs (fewer when N &lt; count), smallest first. */
    public static Pairs smallest(DMatrixRMaj m, int count) {
        return solve(m, count, false, gershgorin(m));
    }

    private static Pairs solve(DMatrixRMaj m, int count, boolean largestFirst, double bound) {
        int n = m.numRows;
        if (m.numCols != n) throw new IllegalArgumentException("matrix is not square: " + n + "x" + m.numCols);
        if (count < 1) throw new IllegalArgumentException("need at least one eigenpair, asked for " + count);
        checkSymmetric(m);
        if (n >= KRYLOV_FROM && (long) count * KRYLOV_FRACTION <= n) {
            Pairs partial = krylov(m, count, largestFirst, bound);
            if (partial != null) return partial;
        }
        return dense(m, count, largestFirst, bound);
    }

    /** {@link BlockKrylov} on M (largest) or -M (smallest), checked as the dense pairs are; null when it did not converge. */
    private static Pairs krylov(DMatrixRMaj m, int count, boolean largestFirst, double bound) {
        DMatrixRMaj target = m;
        if (!largestFirst) {
            target = m.copy();
            for (int i = 0; i < target.data.length; i++) target.data[i] = -target.data[i];
        }
        BlockKrylov.Result result = BlockKrylov.largest(target, count);
        if (result == null) return null;
        double b = bound > 0 && Double.isFinite(bound) ? bound : 1;
        double[] values = new double[count];
        double[][] vectors = new double[count][];
        for (int c = 0; c < count; c++) {
            values[c] = largestFirst ? result.values()[c] : -result.values()[c];
            checkResidual(m, result.vectors()[c], values[c], RESIDUAL * Math.max(1, b));
            vectors[c] = Signs.fix(result.vectors()[c]);
        }
        return new Pairs(values, vectors);
    }

    /** All N pairs by EJML, the {@code count} asked for returned (see the class comment). */
    static Pairs dense(DMatrixRMaj m, int count, boolean largestFirst, double bound) {
        int n = m.numRows;
        double b = bound > 0 && Double.isFinite(bound) ? bound : 1;
        DMatrixRMaj shifted = m.copy();
        for (int i = 0; i < n; i++) shifted.unsafe_set(i, i, m.unsafe_get(i, i) + 2 * b);
        SymmetricQRAlgorithmDecomposition_DDRM eig = new SymmetricQRAlgorithmDecomposition_DDRM(DecompositionFactory_DDRM.tridiagonal(n), true);
        if (!eig.decompose(shifted)) throw new IllegalStateException("EJML's symmetric eigen-decomposition failed (" + n + " nodes)");
        Integer[] order = new Integer[n];
        double[] lambda = new double[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
            lambda[i] = eig.getEigenvalue(i).getReal() - 2 * b;
        }
        // ties keep EJML's order (Arrays.sort on objects is stable)
        Arrays.sort(order, (x, y) -> largestFirst ? Double.compare(lambda[y], lambda[x]) : Double.compare(lambda[x], lambda[y]));
        int k = Math.min(count, n);
        double[] values = new double[k];
        double[][] vectors = new double[k][];
        for (int c = 0; c < k; c++) {
            int index = order[c];
            values[c] = lambda[index];
            double[] v = eig.getEigenVector(index).data.clone();
            checkResidual(m, v, values[c], RESIDUAL * Math.max(1, b));
            vectors[c] = Signs.fix(v);
        }
        return new Pairs(values, vectors);
    }

    /** max_i sum_j |m_ij|, a bound on every |lambda| (Gershgorin's circle theorem). */
    static double gershgorin(DMatrixRMaj m) {
        double worst = 0;
        for (int i = 0; i < m.numRows; i++) {
            double s = 0;
            for (int j = 0; j < m.numCols; j++) s += Math.abs(m.unsafe_get(i, j));
            worst = Math.max(worst, s);
        }
        return worst;
    }

    private static void checkSymmetric(DMatrixRMaj m) {
        int n = m.numRows;
        double max = 0;
        for (double v : m.data) {
            if (!Double.isFinite(v)) throw new IllegalArgumentException("matrix has a non-finite entry " + v);
            max = Math.max(max, Math.abs(v));
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                if (Math.abs(m.unsafe_get(i, j) - m.unsafe_get(j, i)) > SYMMETRY * max) {
                    throw new IllegalArgumentException("matrix is not symmetric: M[" + i + "][" + j + "] = " + m.unsafe_get(i, j) + ", M[" + j + "][" + i + "] = " + m.unsafe_get(j, i));
                }
            }
        }
    }

    private static void checkResidual(DMatrixRMaj m, double[] v, double lambda, double tolerance) {
        int n = m.numRows;
        double worst = 0;
        for (int i = 0; i < n; i++) {
            double s = 0;
            int row = i * n;
            for (int j = 0; j < n; j++) s += m.data[row + j] * v[j];
            worst = Math.max(worst, Math.abs(s - lambda * v[i]));
        }
        if (!(worst <= tolerance)) throw new IllegalStateException("eigenvector has residual " + worst + " > " + tolerance + " (" + n + " nodes)");
    }
}
