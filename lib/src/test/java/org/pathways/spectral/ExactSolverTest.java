package org.pathways.spectral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.junit.jupiter.api.Test;
import org.pathways.affinity.Graph;

/**
 * The exact solver: its operator M against a brute-force construction (explicit pooling matrices, dense products in
 * plain loops), the pooling against libtorch's adaptive_avg_pool2d, and its eigenvectors' subspace against a
 * different eigen-solver's (EJML's general, non-symmetric one) on that brute-force M.
 */
class ExactSolverTest {

    private static Graph randomGraph(String name, int heads, int h, int w, Random random) {
        int n = h * w;
        double[] v = new double[heads * n * n];
        for (int i = 0; i < v.length; i++) v[i] = Math.exp(2 * random.nextGaussian());
        for (int r = 0; r < heads * n; r++) { // row-stochastic, like attention
            double s = 0;
            for (int c = 0; c < n; c++) s += v[r * n + c];
            for (int c = 0; c < n; c++) v[r * n + c] /= s;
        }
        return Graph.ofDoubles(name, heads, h, w, v);
    }

    /** Adaptive average pooling as an explicit N_out x N_in matrix, bins written out from torch's formula. */
    private static double[][] poolingMatrix(int inH, int inW, int outH, int outW) {
        double[][] p = new double[outH * outW][inH * inW];
        for (int oy = 0; oy < outH; oy++) {
            int y0 = (int) Math.floor((double) oy * inH / outH);
            int y1 = (int) Math.ceil((double) (oy + 1) * inH / outH);
            for (int ox = 0; ox < outW; ox++) {
                int x0 = (int) Math.floor((double) ox * inW / outW);
                int x1 = (int) Math.ceil((double) (ox + 1) * inW / outW);
                double area = (double) (y1 - y0) * (x1 - x0);
                for (int y = y0; y < y1; y++) for (int x = x0; x < x1; x++) p[oy * outW + ox][y * inW + x] = 1 / area;
            }
        }
        return p;
    }

    /** sum over graphs and heads of (1/T)(N_f/N_g) P^T S P, every product in plain triple loops. */
    private static double[][] bruteForce(List<Graph> graphs, int h, int w) {
        int nf = h * w;
        int total = 0;
        for (Graph g : graphs) total += g.heads();
        double[][] m = new double[nf][nf];
        for (Graph g : graphs) {
            int ng = g.nodes();
            double[][] p = poolingMatrix(h, w, g.height(), g.width());
            for (int head = 0; head < g.heads(); head++) {
                double[][] a = g.head(head);
                double[][] s = new double[ng][ng];
                for (int i = 0; i < ng; i++) for (int j = 0; j < ng; j++) s[i][j] = (a[i][j] + a[j][i]) / 2;
                double[][] sp = new double[ng][nf];
                for (int i = 0; i < ng; i++) for (int f = 0; f < nf; f++) for (int j = 0; j < ng; j++) sp[i][f] += s[i][j] * p[j][f];
                double factor = (double) nf / ng / total;
                for (int f = 0; f < nf; f++) for (int e = 0; e < nf; e++) {
                    double sum = 0;
                    for (int i = 0; i < ng; i++) sum += p[i][f] * sp[i][e];
                    m[f][e] += factor * sum;
                }
            }
        }
        return m;
    }

    /** Graphs at three grids (one of them sparse), bins that overlap (7 -> 3, 9 -> 4) and bins that do not. */
    private static List<Graph> graphs(Random random) {
        Graph fine = randomGraph("fine", 2, 6, 9, random);
        Graph middle = randomGraph("middle", 3, 3, 4, random);
        Graph coarse = randomGraph("coarse", 1, 2, 3, random).topK(3);
        return List.of(middle, fine, coarse);
    }

    @Test
    void operatorMatchesBruteForceAtTwoFeatureGrids() {
        Random random = new Random(14);
        List<Graph> graphs = graphs(random);
        for (int[] grid : new int[][] {{6, 9}, {7, 11}}) { // the finest graph's grid, and a finer one pooled down to every graph
            DMatrixRMaj m = ExactSolver.operator(graphs, grid[0], grid[1]);
            double[][] expected = bruteForce(graphs, grid[0], grid[1]);
            int n = grid[0] * grid[1];
            double worst = 0;
            double largest = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    worst = Math.max(worst, Math.abs(m.get(i, j) - expected[i][j]));
                    largest = Math.max(largest, Math.abs(expected[i][j]));
                }
            }
            assertTrue(worst <= 1e-14 * Math.max(1, largest), "grid " + grid[0] + "x" + grid[1] + ": |M - brute force| = " + worst);
        }
    }

    /** Our pooling bins are libtorch's: P x equals adaptive_avg_pool2d(x) for grids with and without overlapping bins. */
    @Test
    void poolingIsTorchsAdaptiveAveragePooling() {
        Random random = new Random(3);
        int[][] cases = {{7, 11, 3, 4}, {6, 9, 2, 3}, {13, 5, 4, 5}, {8, 8, 8, 8}};
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int[] c : cases) {
                int nIn = c[0] * c[1];
                double[] x = new double[nIn];
                for (int i = 0; i < nIn; i++) x[i] = random.nextGaussian();
                NDArray in = manager.create(x, new Shape(1, 1, c[0], c[1])).toType(DataType.FLOAT64, true);
                double[] torch = JniUtils.adaptiveAvgPool((PtNDArray) in, new Shape(c[2], c[3])).toDoubleArray();
                ExactSolver.Pooling pool = ExactSolver.Pooling.of(c[0], c[1], c[2], c[3]);
                double[] ours = new double[c[2] * c[3]];
                for (int f = 0; f < nIn; f++) for (int a = 0; a < pool.cells[f].length; a++) ours[pool.cells[f][a]] += pool.weights[f][a] * x[f];
                for (int i = 0; i < ours.length; i++) assertEquals(torch[i], ours[i], 1e-14, "case " + java.util.Arrays.toString(c) + " cell " + i);
            }
        }
    }

    /**
     * The exact features span the brute-force M's top-K eigenspace: with orthonormal bases V (ours) and W (EJML's
     * general eigen-decomposition of the brute-force M), ||W^T V||_F^2 = sum of cos^2 of the principal angles = K.
     */
    @Test
    void featuresSpanTheTopEigenspaceOfTheBruteForceOperator() {
        Random random = new Random(5);
        List<Graph> graphs = graphs(random);
        int k = 5;
        ExactSolver.Result r = ExactSolver.solve(graphs, k);
        assertEquals(6, r.height());
        assertEquals(9, r.width());
        int n = r.nodes();
        double[][] brute = bruteForce(graphs, 6, 9);
        DMatrixRMaj b = new DMatrixRMaj(brute);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, false);
        assertTrue(eig.decompose(b.copy()));
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        java.util.Arrays.sort(order, (x, y) -> Double.compare(eig.getEigenvalue(y).getReal(), eig.getEigenvalue(x).getReal()));
        double gap = eig.getEigenvalue(order[k - 1]).getReal() - eig.getEigenvalue(order[k]).getReal();
        assertTrue(gap > 1e-3, "the top-" + k + " eigenspace is well defined: gap " + gap);
        double[][] w = new double[k][];
        for (int c = 0; c < k; c++) {
            assertEquals(eig.getEigenvalue(order[c]).getReal(), r.values()[c], 1e-10, "eigenvalue " + c);
            double[] v = eig.getEigenVector(order[c]).data.clone();
            double norm = 0;
            for (double e : v) norm += e * e;
            for (int i = 0; i < n; i++) v[i] /= Math.sqrt(norm);
            w[c] = v;
        }
        double cos2 = 0;
        for (int a = 0; a < k; a++) {
            for (int c = 0; c < k; c++) {
                double dot = 0;
                double self = 0;
                for (int i = 0; i < n; i++) {
                    dot += w[a][i] * r.vectors()[c * n + i];
                    if (a == 0) self += r.vectors()[c * n + i] * r.vectors()[c * n + i];
                }
                if (a == 0) assertEquals(1, self, 1e-12, "unit eigenvector " + c);
                cos2 += dot * dot;
            }
        }
        assertEquals(k, cos2, 1e-9, "sum of cos^2 of the principal angles");
    }

    /** The start of --init exact: probabilities over K at every pixel, largest where the scaled eigenvector is. */
    @Test
    void simplexMappingIsASoftmaxOverChannels() {
        ExactSolver.Result r = ExactSolver.solve(graphs(new Random(9)), 4);
        int n = r.nodes();
        double[] x = r.onSimplex(ExactSolver.INIT_TEMPERATURE);
        double scale = ExactSolver.INIT_TEMPERATURE * Math.sqrt(n);
        for (int p = 0; p < n; p++) {
            double sum = 0;
            for (int c = 0; c < 4; c++) sum += x[c * n + p];
            assertEquals(1, sum, 1e-12);
            // log x_c - log x_0 = t sqrt(N) (v_c - v_0)
            for (int c = 1; c < 4; c++) {
                assertEquals(scale * (r.vectors()[c * n + p] - r.vectors()[p]), Math.log(x[c * n + p]) - Math.log(x[p]), 1e-9);
            }
        }
    }
}
