package org.pathways.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The sweep fits the values of k in parallel: its fits must be those made one by one on the calling thread. */
class KMeansSweepTest {
    @Test
    void theParallelSweepEqualsTheFitsMadeOneByOne() {
        Random r = new Random(11);
        double[][] points = new double[400][6];
        for (int i = 0; i < points.length; i++) {
            for (int j = 0; j < 6; j++) points[i][j] = (i % 5) * (j == i % 6 ? 3 : 0.5) + r.nextGaussian();
        }
        long seed = 42;
        for (int repeat = 0; repeat < 3; repeat++) {
            KMeansSweep.Result sweep = KMeansSweep.sweep(points, 2, 9, 4, seed);
            assertEquals(8, sweep.fits().length);
            KMeansSweep.Fit best = null;
            for (int k = 2; k <= 9; k++) {
                KMeansSweep.Fit alone = KMeansSweep.fit(points, k, 4, seed + k);
                KMeansSweep.Fit swept = sweep.fits()[k - 2];
                assertEquals(k, swept.k());
                assertArrayEquals(alone.labels(), swept.labels(), "labels at k = " + k);
                assertEquals(alone.silhouette(), swept.silhouette(), 1e-12, "silhouette at k = " + k);
                assertEquals(alone.distortion(), swept.distortion(), 0, "distortion at k = " + k);
                if (best == null || swept.silhouette() > best.silhouette()) best = swept;
            }
            assertSame(best, sweep.best());
        }
    }
}
