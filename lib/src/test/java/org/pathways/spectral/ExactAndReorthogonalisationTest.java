package org.pathways.spectral;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.pathways.affinity.Graph;
import org.pathways.linalg.Signs;

/** ExactEigenvectors, the SVD re-orthogonalisation, its Gram fallback and the sign rule, on cases known by hand. */
class ExactAndReorthogonalisationTest {
    /**
     * A 1 x 8 grid whose head 1 is the cycle's shift P (row i has its 1 at i + 1): S = (P + P^T)/2 has eigenvalues
     * cos(2 pi k / 8) = 1, .707, .707, 0, 0, -.707, -.707, -1, the top one with the constant vector. Head 0 is the
     * identity, to show the head is chosen.
     */
    @Test
    void exactEigenvectorsOfOneHeadsSymmetricPart() {
        int n = 8;
        double[] v = new double[2 * n * n];
        for (int i = 0; i < n; i++) {
            v[i * n + i] = 1;
            v[n * n + i * n + (i + 1) % n] = 1;
        }
        Graph g = Graph.ofDoubles("cycle", 2, 1, n, v);
        ExactEigenvectors.Result r = ExactEigenvectors.of(g, 1, 4);
        assertEquals(4, r.count());
        assertArrayEquals(new double[] {1, Math.sqrt(0.5), Math.sqrt(0.5), 0}, r.values(), 1e-12);
        for (int i = 0; i < n; i++) assertEquals(1 / Math.sqrt(n), r.vectors()[i], 1e-12);
        ExactEigenvectors.Result identity = ExactEigenvectors.of(g, 0, 2);
        assertArrayEquals(new double[] {1, 1}, identity.values(), 1e-12);
    }

    /**
     * Channels (1, 0, 0, 0) and (6, 8, 0, 0), normalised to z0 = (1, 0, 0, 0) and z1 = (.6, .8, 0, 0): Z^T Z =
     * [[1, .6], [.6, 1]] has eigenvalues 1.6 and .4 with V = (1, 1)/sqrt2 and (1, -1)/sqrt2, so the singular values are
     * sqrt(1.6) and sqrt(.4) and U = Z V S^-1 has columns (z0 + z1)/sqrt(3.2) = (.8944, .4472, 0, 0) and
     * (z0 - z1)/sqrt(.8) = (.4472, -.8944, 0, 0), the latter flipped by the sign rule (its largest entry is negative).
     */
    @Test
    void reorthogonalisationOfTwoChannelsByHand() {
        double[] x = {1, 0, 0, 0, 6, 8, 0, 0}; // K x N = 2 x 4, channel-first
        Reorthogonalisation.Result r = Reorthogonalisation.of(x, 2, 4);
        assertArrayEquals(new double[] {Math.sqrt(1.6), Math.sqrt(0.4)}, r.singularValues(), 1e-14);
        double a = 2 / Math.sqrt(5);
        double b = 1 / Math.sqrt(5);
        assertArrayEquals(new double[] {a, b, 0, 0, -b, a, 0, 0}, r.eigenvectors(), 1e-14);
        for (int i = 0; i < 4; i++) assertEquals(r.eigenvectors()[i] * Math.sqrt(1.6), r.features()[i], 1e-14, "features are U S");
    }

    /** The Gram fallback gives the SVD's singular values and, after the sign rule, its vectors. */
    @Test
    void gramFallbackAgreesWithTheSvd() {
        java.util.Random random = new java.util.Random(8);
        int n = 40;
        int k = 5;
        double[] x = new double[k * n];
        for (int i = 0; i < x.length; i++) x[i] = Math.exp(random.nextGaussian());
        Reorthogonalisation.Result svd = Reorthogonalisation.of(x, k, n);
        DMatrixRMaj z = new DMatrixRMaj(n, k);
        for (int c = 0; c < k; c++) {
            double norm = 0;
            for (int i = 0; i < n; i++) norm += x[c * n + i] * x[c * n + i];
            for (int i = 0; i < n; i++) z.set(i, c, x[c * n + i] / Math.sqrt(norm));
        }
        DMatrixRMaj[] uw = Reorthogonalisation.viaGram(z, k);
        for (int c = 0; c < k; c++) {
            assertEquals(svd.singularValues()[c], uw[1].get(c, c), 1e-10, "singular value " + c);
            double[] u = new double[n];
            for (int i = 0; i < n; i++) u[i] = uw[0].get(i, c);
            Signs.fix(u);
            for (int i = 0; i < n; i++) assertEquals(svd.eigenvectors()[c * n + i], u[i], 1e-8, "vector " + c + " entry " + i);
        }
        // and every returned vector follows the sign rule
        for (int c = 0; c < k; c++) {
            double[] u = java.util.Arrays.copyOfRange(svd.eigenvectors(), c * n, (c + 1) * n);
            assertTrue(u[Signs.firstPeak(u, true)] > 0);
        }
    }
}
