package org.pathways.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/** The one symmetric eigen-solver, on matrices whose eigenpairs are known by hand. */
class SymmetricEigenTest {
    private static DMatrixRMaj matrix(double[][] rows) {
        return new DMatrixRMaj(rows);
    }

    /** [[2, 1], [1, 2]]: eigenvalues 3 and 1, eigenvectors (1, 1)/sqrt2 and (1, -1)/sqrt2 (first entry positive on a tie). */
    @Test
    void twoByTwoByHand() {
        SymmetricEigen.Pairs largest = SymmetricEigen.largest(matrix(new double[][] {{2, 1}, {1, 2}}), 2);
        assertArrayEquals(new double[] {3, 1}, largest.values(), 1e-14);
        double r = Math.sqrt(0.5);
        assertArrayEquals(new double[] {r, r}, largest.vectors()[0], 1e-14);
        assertArrayEquals(new double[] {r, -r}, largest.vectors()[1], 1e-14, "equal magnitudes: the first entry is made positive");
        SymmetricEigen.Pairs smallest = SymmetricEigen.smallest(matrix(new double[][] {{2, 1}, {1, 2}}), 1);
        assertArrayEquals(new double[] {1}, smallest.values(), 1e-14);
        assertArrayEquals(new double[] {r, -r}, smallest.vectors()[0], 1e-14);
    }

    /**
     * The cycle of n nodes, S = (P + P^T)/2 for the shift P: eigenvalues cos(2 pi k / n), k = 0..n-1 (circulant); the
     * top one, 1, has the constant eigenvector.
     */
    @Test
    void cycleGraphEigenvaluesAreCosines() {
        int n = 12;
        double[][] s = new double[n][n];
        for (int i = 0; i < n; i++) {
            s[i][(i + 1) % n] += 0.5;
            s[(i + 1) % n][i] += 0.5;
        }
        SymmetricEigen.Pairs pairs = SymmetricEigen.largest(matrix(s), n);
        double[] expected = new double[n];
        for (int k = 0; k < n; k++) expected[k] = Math.cos(2 * Math.PI * k / n);
        java.util.Arrays.sort(expected);
        for (int k = 0; k < n; k++) assertEquals(expected[n - 1 - k], pairs.values()[k], 1e-12, "eigenvalue " + k);
        for (double v : pairs.vectors()[0]) assertEquals(1 / Math.sqrt(n), v, 1e-12);
    }

    /**
     * The all-ones matrix of size 60 has eigenvalue 60 once and 0 fifty-nine times: a zero cluster EJML cannot deflate
     * unshifted. Its top eigenvector is constant; the shift makes it solvable.
     */
    @Test
    void aLargeClusterOfZeroEigenvaluesIsSolved() {
        int n = 60;
        double[][] ones = new double[n][n];
        for (double[] row : ones) java.util.Arrays.fill(row, 1);
        SymmetricEigen.Pairs pairs = SymmetricEigen.largest(matrix(ones), 3);
        assertEquals(n, pairs.values()[0], 1e-10);
        assertEquals(0, pairs.values()[1], 1e-10);
        assertEquals(0, pairs.values()[2], 1e-10);
        for (double v : pairs.vectors()[0]) assertEquals(1 / Math.sqrt(n), v, 1e-12);
    }

    @Test
    void theSignRuleMakesTheFirstLargestEntryPositive() {
        assertArrayEquals(new double[] {-0.1, 0.5, -0.5}, Signs.fix(new double[] {0.1, -0.5, 0.5}), 0, "first of two equal magnitudes");
        assertArrayEquals(new double[] {-0.2, 0.9}, Signs.fix(new double[] {0.2, -0.9}), 0, "-0.9 is the largest: made positive");
        double tiny = 0.5 * (1 + 1e-12);
        assertEquals(-1.0, Signs.of(new double[] {0.1, -0.5, tiny}), "within the tie tolerance the first decides");
        assertEquals(1, Signs.firstPeak(new double[] {0.1, -0.5, tiny}, true));
        // every vector the solver returns follows it
        double[][] m = {{4, 1, -2}, {1, 3, 0.5}, {-2, 0.5, 1}};
        for (double[] v : SymmetricEigen.largest(matrix(m), 3).vectors()) assertTrue(v[Signs.firstPeak(v, true)] > 0);
    }

    @Test
    void eigenpairsOfARandomSymmetricMatrixSatisfyTheirEquation() {
        java.util.Random r = new java.util.Random(3);
        int n = 9;
        double[][] a = new double[n][n];
        for (double[] row : a) for (int j = 0; j < n; j++) row[j] = r.nextGaussian();
        double[][] s = Symmetric.part(a);
        SymmetricEigen.Pairs pairs = SymmetricEigen.largest(matrix(s), n);
        for (int c = 0; c < n; c++) {
            if (c > 0) assertTrue(pairs.values()[c] <= pairs.values()[c - 1], "descending");
            double[] v = pairs.vectors()[c];
            for (int i = 0; i < n; i++) {
                double sv = 0;
                for (int j = 0; j < n; j++) sv += s[i][j] * v[j];
                assertEquals(pairs.values()[c] * v[i], sv, 1e-12);
            }
            for (int d = 0; d < n; d++) {
                double dot = 0;
                for (int i = 0; i < n; i++) dot += v[i] * pairs.vectors()[d][i];
                assertEquals(c == d ? 1 : 0, dot, 1e-12, "orthonormal " + c + "," + d);
            }
        }
    }

    @Test
    void refusesWhatItCannotSolve() {
        assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.largest(matrix(new double[][] {{1, 2}, {0, 1}}), 1), "not symmetric");
        assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.largest(matrix(new double[][] {{Double.NaN}}), 1));
        assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.largest(new DMatrixRMaj(2, 3), 1));
        double[][] s = Symmetric.part(new double[][] {{1, 2}, {4, 3}});
        assertArrayEquals(new double[] {1, 3}, s[0], 0);
        assertArrayEquals(new double[] {3, 3}, s[1], 0);
    }
}
