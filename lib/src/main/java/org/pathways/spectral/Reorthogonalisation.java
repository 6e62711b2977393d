package org.pathways.spectral;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.pathways.linalg.Signs;
import org.pathways.linalg.SymmetricEigen;

/**
 * Paper Eqn. 9 and the authors' main.py: L2-normalise each feature channel over the pixels, take the thin SVD
 * Z^T = U S V^T of the (N x K) matrix, and use U S as the re-orthogonalised features (U alone are the eigenvector
 * estimates). DJL has no SVD; EJML (pure Java, small dense problems) does it. Singular vectors are defined up to
 * sign: each follows the one sign rule ({@link Signs}: largest-magnitude entry positive), which makes runs
 * comparable. When EJML's SVD gives up (rare inputs), the thin SVD comes from the eigen-decomposition of Z^T Z by
 * the one symmetric eigen-solver ({@link SymmetricEigen}): U = Z V S^-1.
 */
public final class Reorthogonalisation {
    /**
     * @param features K x N (channel-first) re-orthogonalised features U S, transposed
     * @param eigenvectors K x N, rows of U^T
     * @param singularValues K values, descending
     */
    public record Result(int channels, int nodes, double[] features, double[] eigenvectors, double[] singularValues) {
        /** Feature vector of one pixel (a row of U S). */
        public double[][] pixelRows() {
            double[][] rows = new double[nodes][channels];
            for (int c = 0; c < channels; c++) {
                for (int i = 0; i < nodes; i++) rows[i][c] = features[c * nodes + i];
            }
            return rows;
        }
    }

    private Reorthogonalisation() {}

    /** @param x K x N values, channel-first (the softmaxed features) */
    public static Result of(double[] x, int channels, int nodes) {
        if (x.length != (long) channels * nodes) throw new IllegalArgumentException("expected " + channels + " x " + nodes + " values, got " + x.length);
        if (channels > nodes) throw new IllegalArgumentException("K = " + channels + " > N = " + nodes + ": no thin SVD");
        DMatrixRMaj z = new DMatrixRMaj(nodes, channels);
        for (int c = 0; c < channels; c++) {
            double norm = 0;
            for (int i = 0; i < nodes; i++) norm += x[c * nodes + i] * x[c * nodes + i];
            norm = Math.max(Math.sqrt(norm), 1e-12); // F.normalize's eps
            for (int i = 0; i < nodes; i++) z.set(i, c, x[c * nodes + i] / norm);
        }
        for (int i = 0; i < z.data.length; i++) {
            if (!Double.isFinite(z.data[i])) throw new IllegalStateException("features contain NaN or Inf; the optimisation diverged");
        }
        DMatrixRMaj u;
        DMatrixRMaj w;
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(nodes, channels, true, false, true);
        if (svd.decompose(z.copy())) {
            u = svd.getU(null, false);
            w = svd.getW(null);
        } else {
            // EJML's QR iteration gives up on rare inputs; the Gram route is exact enough for K << N.
            DMatrixRMaj[] uw = viaGram(z, channels);
            u = uw[0];
            w = uw[1];
        }
        SingularOps_DDRM.descendingOrder(u, false, w, null, false);
        double[] s = new double[channels];
        double[] features = new double[channels * nodes];
        double[] eigenvectors = new double[channels * nodes];
        for (int c = 0; c < channels; c++) {
            s[c] = w.get(c, c);
            double[] column = new double[nodes];
            for (int i = 0; i < nodes; i++) column[i] = u.get(i, c);
            double sign = Signs.of(column);
            for (int i = 0; i < nodes; i++) {
                double value = sign * column[i];
                eigenvectors[c * nodes + i] = value;
                features[c * nodes + i] = value * s[c];
            }
        }
        return new Result(channels, nodes, features, eigenvectors, s);
    }

    /** Thin SVD from the symmetric eigen-decomposition of Z^T Z = V S^2 V^T: U = Z V S^-1 (exact enough for K &lt;&lt; N). */
    static DMatrixRMaj[] viaGram(DMatrixRMaj z, int channels) {
        DMatrixRMaj gram = new DMatrixRMaj(channels, channels);
        CommonOps_DDRM.multTransA(z, z, gram);
        for (int r = 0; r < channels; r++) { // exactly symmetric, as the solver requires
            for (int c = r + 1; c < channels; c++) gram.set(c, r, gram.get(r, c));
        }
        SymmetricEigen.Pairs pairs = SymmetricEigen.largest(gram, channels);
        DMatrixRMaj v = new DMatrixRMaj(channels, channels);
        DMatrixRMaj w = new DMatrixRMaj(channels, channels);
        for (int c = 0; c < channels; c++) {
            w.set(c, c, Math.sqrt(Math.max(pairs.values()[c], 0)));
            for (int r = 0; r < channels; r++) v.set(r, c, pairs.vectors()[c][r]);
        }
        DMatrixRMaj u = new DMatrixRMaj(z.numRows, channels);
        CommonOps_DDRM.mult(z, v, u);
        for (int c = 0; c < channels; c++) {
            double sc = w.get(c, c) > 1e-300 ? 1 / w.get(c, c) : 0;
            for (int r = 0; r < z.numRows; r++) u.set(r, c, u.get(r, c) * sc);
        }
        return new DMatrixRMaj[] {u, w};
    }
}
