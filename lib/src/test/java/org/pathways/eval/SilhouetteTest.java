package org.pathways.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The silhouette, hand-derived on a small case, and the same from the distances a k-means sweep keeps. */
class SilhouetteTest {
    /**
     * Points 0, 1 (cluster 0) and 4 (cluster 1) on a line: a(0) = 1, b(0) = 4, s = 3/4; a(1) = 1, b(1) = 3, s = 2/3;
     * point 4 is alone: s = 0. Mean (3/4 + 2/3) / 3 = 17/36.
     */
    @Test
    void handDerived() {
        double[][] points = {{0}, {1}, {4}};
        int[] labels = {0, 0, 1};
        assertEquals(17.0 / 36, Silhouette.score(points, labels), 1e-15);
        assertEquals(17.0 / 36, Silhouette.score(Silhouette.distances(points), 3, labels), 1e-15);
    }

    /** The cached distances give bit-identical scores (same distances, same sums in the same order). */
    @Test
    void cachedDistancesGiveTheSameScores() {
        Random random = new Random(3);
        double[][] points = new double[300][7];
        for (double[] p : points) for (int c = 0; c < p.length; c++) p[c] = random.nextGaussian();
        double[] d = Silhouette.distances(points);
        for (int k = 2; k <= 6; k++) {
            int[] labels = new int[points.length];
            for (int i = 0; i < labels.length; i++) labels[i] = random.nextInt(k);
            assertEquals(Silhouette.score(points, labels), Silhouette.score(d, points.length, labels), 0.0);
        }
    }
}
