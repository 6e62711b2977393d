package org.pathways.linalg;

import org.ejml.data.DMatrixRMaj;

/**
 * The symmetric part S = (A + A^T)/2 of a square matrix, the one place Pathways forms it for Java matrices (the
 * objective's libtorch stack, {@code Graph.symmetrisedStack}, is its NDArray counterpart). z^T A z = z^T S z, and an
 * Ncut or an eigen-decomposition needs a symmetric matrix, so every graph goes through here before either.
 */
public final class Symmetric {
    private Symmetric() {}

    /** (A + A^T)/2 of a square matrix given as rows; the result is exactly symmetric. */
    public static double[][] part(double[][] a) {
        int n = a.length;
        double[][] s = new double[n][n];
        for (int i = 0; i < n; i++) {
            if (a[i].length != n) throw new IllegalArgumentException("matrix is not square: row " + i + " has " + a[i].length + " of " + n);
        }
        for (int i = 0; i < n; i++) {
            s[i][i] = a[i][i];
            for (int j = i + 1; j < n; j++) {
                double v = (a[i][j] + a[j][i]) / 2;
                s[i][j] = v;
                s[j][i] = v;
            }
        }
        return s;
    }

    /** The same as an EJML matrix. */
    public static DMatrixRMaj matrix(double[][] a) {
        double[][] s = part(a);
        int n = s.length;
        DMatrixRMaj m = new DMatrixRMaj(n, n);
        for (int i = 0; i < n; i++) System.arraycopy(s[i], 0, m.data, i * n, n);
        return m;
    }
}
