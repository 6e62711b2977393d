package org.pathways.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * The partial (block Krylov) mode of the eigen-solver against the dense one, EJML's QR algorithm with every
 * eigenvector: the same eigenvalues, the same vectors where eigenvalues are apart, the same subspace where they are
 * equal.
 */
class BlockKrylovTest {

    /** D^(-1/2) W D^(-1/2) of a noisy 5-group cosine graph, the matrix an Ncut baseline hands the solver. */
    static DMatrixRMaj normalisedGraph(int n, long seed) {
        Random r = new Random(seed);
        int dim = 16;
        int groups = 5;
        double[][] centre = new double[groups][dim];
        for (double[] c : centre) for (int j = 0; j < dim; j++) c[j] = r.nextGaussian();
        double[][] f = new double[n][dim];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < dim; j++) {
                f[i][j] = centre[i % groups][j] + 1.5 * r.nextGaussian();
                s += f[i][j] * f[i][j];
            }
            for (int j = 0; j < dim; j++) f[i][j] /= Math.sqrt(s);
        }
        double[][] w = new double[n][n];
        double[] degree = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double dot = 0;
                for (int k = 0; k < dim; k++) dot += f[i][k] * f[j][k];
                w[i][j] = Math.max(dot, 0) + 1e-5;
                degree[i] += w[i][j];
            }
        }
        DMatrixRMaj m = new DMatrixRMaj(n, n);
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) m.unsafe_set(i, j, w[i][j] / Math.sqrt(degree[i] * degree[j]));
        return m;
    }

    @Test
    void partialPairsMatchTheDenseSolver() {
        DMatrixRMaj m = normalisedGraph(400, 1);
        int count = 4;
        BlockKrylov.Result partial = BlockKrylov.largest(m, count);
        assertNotNull(partial, "converged");
        SymmetricEigen.Pairs dense = SymmetricEigen.dense(m, count, true, 1);
        for (int c = 0; c < count; c++) {
            assertEquals(dense.values()[c], partial.values()[c], 1e-12, "eigenvalue " + c);
            double[] v = Signs.fix(partial.vectors()[c].clone());
            for (int i = 0; i < m.numRows; i++) assertEquals(dense.vectors()[c][i], v[i], 1e-9, "vector " + c + " entry " + i);
        }
        // the public entry point takes this path for N >= 200 and gives the same
        SymmetricEigen.Pairs viaSolver = SymmetricEigen.largest(m, count, 1);
        for (int c = 0; c < count; c++) assertEquals(dense.values()[c], viaSolver.values()[c], 1e-12);
    }

    @Test
    void smallestPairsMatchTheDenseSolver() {
        Random r = new Random(5);
        int n = 300;
        double[][] a = new double[n][n];
        for (double[] row : a) for (int j = 0; j < n; j++) row[j] = r.nextGaussian();
        DMatrixRMaj m = new DMatrixRMaj(Symmetric.part(a));
        SymmetricEigen.Pairs partial = SymmetricEigen.smallest(m, 3);
        SymmetricEigen.Pairs dense = SymmetricEigen.dense(m, 3, false, SymmetricEigen.gershgorin(m));
        for (int c = 0; c < 3; c++) {
            assertEquals(dense.values()[c], partial.values()[c], 1e-10, "eigenvalue " + c);
            for (int i = 0; i < n; i++) assertEquals(dense.vectors()[c][i], partial.vectors()[c][i], 1e-7, "vector " + c + " entry " + i);
        }
    }

    /**
     * Three identical disconnected components: the top eigenvalue 1 three times. Any orthonormal basis of that
     * eigenspace is right, so the projectors onto the returned spans are compared, not the vectors; a single-vector
     * Krylov method would find one direction only.
     */
    @Test
    void aRepeatedEigenvalueGivesTheSameSubspace() {
        DMatrixRMaj part = normalisedGraph(100, 2);
        int n = 300;
        DMatrixRMaj m = new DMatrixRMaj(n, n);
        for (int b = 0; b < 3; b++) {
            for (int i = 0; i < 100; i++) for (int j = 0; j < 100; j++) m.unsafe_set(b * 100 + i, b * 100 + j, part.unsafe_get(i, j));
        }
        BlockKrylov.Result partial = BlockKrylov.largest(m, 3);
        assertNotNull(partial);
        SymmetricEigen.Pairs dense = SymmetricEigen.dense(m, 3, true, 1);
        for (int c = 0; c < 3; c++) assertEquals(1, partial.values()[c], 1e-12, "eigenvalue " + c);
        double worst = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double pk = 0;
                double pd = 0;
                for (int c = 0; c < 3; c++) {
                    pk += partial.vectors()[c][i] * partial.vectors()[c][j];
                    pd += dense.vectors()[c][i] * dense.vectors()[c][j];
                }
                worst = Math.max(worst, Math.abs(pk - pd));
            }
        }
        assertTrue(worst < 1e-9, "projectors differ by " + worst);
    }
}
