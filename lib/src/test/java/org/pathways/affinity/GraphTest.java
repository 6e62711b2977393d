package org.pathways.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.pathways.spectral.SpectralEngine;
import org.pathways.spectral.SpectralObjective;

/** Sparse top-k graphs: the same objective as the dense graph with the other entries zeroed. */
class GraphTest {
    private static Graph random(String name, int heads, int side, long seed) {
        Random r = new Random(seed);
        int n = side * side;
        float[] v = new float[heads * n * n];
        for (int row = 0; row < heads * n; row++) {
            double sum = 0;
            for (int c = 0; c < n; c++) sum += v[row * n + c] = (float) Math.exp(2 * r.nextGaussian());
            for (int c = 0; c < n; c++) v[row * n + c] /= (float) sum;
        }
        return Graph.ofFloats(name, heads, side, side, v);
    }

    /** The dense graph with everything but each row's k largest entries set to 0. */
    private static Graph zeroedBeyondTopK(Graph g, Graph sparse) {
        int n = g.nodes();
        float[] v = new float[g.heads() * n * n];
        for (int h = 0; h < g.heads(); h++) for (int r = 0; r < n; r++) for (int c = 0; c < n; c++) v[(h * n + r) * n + c] = (float) sparse.get(h, r, c);
        return Graph.ofFloats(g.name(), g.heads(), g.height(), g.width(), v);
    }

    @Test
    void topKKeepsTheLargestEntriesOfEveryRow() {
        Graph g = random("a", 2, 4, 1);
        Graph s = g.topK(5);
        assertEquals(5, s.topK());
        for (int h = 0; h < 2; h++) {
            for (int r = 0; r < 16; r++) {
                int kept = 0;
                double smallestKept = Double.POSITIVE_INFINITY;
                double largestDropped = 0;
                for (int c = 0; c < 16; c++) {
                    if (s.get(h, r, c) != 0) {
                        kept++;
                        smallestKept = Math.min(smallestKept, s.get(h, r, c));
                        assertEquals(g.get(h, r, c), s.get(h, r, c), 1e-7);
                    } else {
                        largestDropped = Math.max(largestDropped, g.get(h, r, c));
                    }
                }
                assertEquals(5, kept);
                assertTrue(smallestKept >= largestDropped);
            }
        }
        assertTrue(g.topK(16) == g, "k >= N keeps the dense graph");
    }

    @Test
    void sparseObjectiveEqualsDenseWithZeros() {
        Graph fine = random("fine", 2, 4, 2);
        Graph fine2 = random("fine2", 1, 4, 3);
        Graph coarse = random("coarse", 3, 2, 4);
        List<Graph> sparse = List.of(fine.topK(6), fine2.topK(3), coarse);
        List<Graph> dense = List.of(zeroedBeyondTopK(fine, sparse.get(0)), zeroedBeyondTopK(fine2, sparse.get(1)), coarse);
        Random r = new Random(5);
        int k = 3;
        double[] x = new double[k * 16];
        for (int i = 0; i < 16; i++) {
            double sum = 0;
            for (int c = 0; c < k; c++) sum += x[c * 16 + i] = Math.exp(r.nextGaussian());
            for (int c = 0; c < k; c++) x[c * 16 + i] /= sum;
        }
        try (NDManager m = NDManager.newBaseManager();
             SpectralObjective a = new SpectralObjective(m, sparse, SpectralObjective.Spec.of(k));
             SpectralObjective b = new SpectralObjective(m, dense, SpectralObjective.Spec.of(k))) {
            SpectralEngine.Gradient ga = SpectralEngine.gradientAt(m, a, x);
            SpectralEngine.Gradient gb = SpectralEngine.gradientAt(m, b, x);
            assertEquals(gb.loss(), ga.loss(), 1e-6);
            for (int i = 0; i < x.length; i++) assertEquals(gb.dLossDx()[i], ga.dLossDx()[i], 1e-6);
        }
    }
}
