package org.pathways.baseline;

import org.ejml.data.DMatrixRMaj;
import org.pathways.linalg.Signs;
import org.pathways.linalg.Symmetric;
import org.pathways.linalg.SymmetricEigen;

/**
 * Shi and Malik's normalised-cut eigenvectors of one symmetric, non-negative affinity W: the generalized problem
 * (D - W) x = lambda D x with D = diag(row sums of W), the problem TokenCut and MaskCut hand to
 * {@code scipy.linalg.eigh(D-A, D, subset_by_index=[1,2])} (TokenCut {@code object_discovery.py} line 40; CutLER
 * {@code maskcut/maskcut.py} line 53).
 *
 * <p>We solve it through the equivalent symmetric problem: with y = D^(1/2) x, D^(-1/2) W D^(-1/2) y = (1 - lambda) y,
 * by the one symmetric eigen-solver, {@link SymmetricEigen} (its shift is 2 here, since |1 - lambda| &lt;= 1: binary
 * graphs have large clusters of eigenvalue 1 - lambda = 0, from nodes with identical rows, which EJML cannot deflate
 * unshifted). The returned x = D^(-1/2) y satisfy x^T D x = 1, the normalisation {@code eigh} gives, and follow the
 * one sign rule ({@link Signs}: largest |x_i| positive).
 *
 * <p>The smallest eigenvalue, lambda = 0 with x proportional to the constant vector for a connected graph, is the
 * trivial solution and is skipped, as {@code subset_by_index=[1, ...]} does (for a disconnected graph, with lambda = 0
 * repeated, which of those is skipped is arbitrary; TokenCut's eps edges keep its graphs connected). A node of degree
 * 0 (an isolated node) would make D singular: its degree is replaced by 1e-12 times the largest degree (1e-12 when
 * all are 0), which leaves its row of D^(-1/2) W D^(-1/2) zero, so it sits on an eigenvector of its own with
 * lambda = 1, far from the small eigenvalues an Ncut uses.
 */
public final class NormalizedCut {
    /** Degree given to isolated nodes, relative to the largest degree. */
    static final double ISOLATED_DEGREE = 1e-12;
    /** |1 - lambda| &lt;= 1 for every generalized eigenvalue: the bound that sets the solver's shift. */
    static final double NORMALISED_BOUND = 1;

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
        DMatrixRMaj m = Symmetric.matrix(w);
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) m.data[i * n + j] *= root[i] * root[j];
        // largest 1 - lambda = smallest lambda; the first pair is the trivial solution
        SymmetricEigen.Pairs pairs = SymmetricEigen.largest(m, Math.min(count, n - 1) + 1, NORMALISED_BOUND);
        int k = pairs.count() - 1;
        double[] values = new double[k];
        double[][] vectors = new double[k][];
        for (int c = 0; c < k; c++) {
            values[c] = 1 - pairs.values()[c + 1];
            double[] y = pairs.vectors()[c + 1];
            double[] x = new double[n];
            double mass = 0;
            for (int i = 0; i < n; i++) {
                x[i] = y[i] * root[i];
                mass += x[i] * x[i] * d[i];
            }
            double scale = 1 / Math.sqrt(mass);
            for (int i = 0; i < n; i++) x[i] *= scale;
            vectors[c] = Signs.fix(x); // D^(-1/2) can move the largest entry: the rule applies to x itself
        }
        return new Eigen(values, vectors);
    }

    /** The Fiedler vector: the second-smallest generalized eigenvector, x^T D x = 1, sign fixed as in the class comment. */
    public static double[] fiedler(double[][] w) {
        return smallest(w, 1).vectors()[0];
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
