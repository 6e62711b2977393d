package org.pathways.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Hand-computed cases for the oracle mIoU. */
class OracleMiouTest {
    @Test
    void eachRegionTakesTheLabelItOverlapsMost() {
        int[] regions = {0, 0, 0, 1, 1, 1, 2, 2};
        int[] truth = {5, 5, 7, 7, 7, 7, 255, 255};
        // region 0 -> 5 (2 vs 1), region 1 -> 7, region 2 lies on ignore only -> predicts nothing (255)
        assertArrayEquals(new int[] {5, 5, 5, 7, 7, 7, 255, 255}, OracleMiou.assignLabels(regions, truth));
        // label 5: I = 2, U = 3 (pixel 2 predicted 5 but is 7); label 7: I = 3, U = 4
        assertEquals((2.0 / 3 + 3.0 / 4) / 2, OracleMiou.of(regions, truth), 1e-12);
    }

    @Test
    void ignoredPixelsDoNotVoteAndDoNotCount() {
        int[] regions = {0, 0, 0, 0};
        int[] truth = {1, 255, 255, 255};
        assertEquals(1.0, OracleMiou.of(regions, truth), 1e-12);
    }

    @Test
    void perfectAndDatasetTotals() {
        OracleMiou acc = new OracleMiou();
        assertEquals(1.0, acc.add(new int[] {3, 3, 9, 9}, new int[] {0, 0, 1, 1}), 1e-12);
        // second image: one region over two labels -> label 0 wins (3 vs 1): label 0 I=3 U=4, label 1 I=0 U=1
        assertEquals((3.0 / 4 + 0) / 2, acc.add(new int[] {0, 0, 0, 0}, new int[] {0, 0, 0, 1}), 1e-12);
        // totals: label 0 I=2+3 U=2+4, label 1 I=2 U=2+1
        assertEquals((5.0 / 6 + 2.0 / 3) / 2, acc.datasetMiou(), 1e-12);
        assertEquals(2, acc.images());
    }
}
