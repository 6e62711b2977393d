package org.pathways.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Semantic (non-oracle) IoU counts on hand-computed cases. */
class IouCountsTest {
    @Test
    void countsFollowTheDefinition() {
        int[] predicted = {0, 0, 1, 1, 1, 2, 0, 2};
        int[] truth = {0, 1, 1, 1, 255, 2, 0, 0};
        IouCounts c = IouCounts.of(predicted, truth);
        // pixel 4 is ignored. label 0: truth {0,6,7}, predicted {0,1,6} -> I 2, U 4
        // label 1: truth {1,2,3}, predicted {2,3} -> I 2, U 3; label 2: truth {5}, predicted {5,7} -> I 1, U 2
        assertEquals(2, c.intersection(0));
        assertEquals(4, c.union(0));
        assertEquals(2.0 / 3, c.iou(1), 1e-12);
        assertEquals(0.5, c.iou(2), 1e-12);
        assertEquals((0.5 + 2.0 / 3 + 0.5) / 3, c.miou(), 1e-12);
        // over a fixed 4-class benchmark the absent class 3 counts 0
        assertEquals((0.5 + 2.0 / 3 + 0.5) / 4, c.miouOver(4), 1e-12);
        assertEquals(Double.NaN, c.iou(7));
    }

    @Test
    void dataSetTotalsSumCountsNotRatios() {
        IouCounts total = new IouCounts();
        total.add(IouCounts.of(new int[] {1, 1}, new int[] {1, 1}));       // label 1: I 2 U 2
        total.add(IouCounts.of(new int[] {1, 1, 1, 1}, new int[] {1, 0, 0, 0})); // label 1: I 1 U 4, label 0: I 0 U 3
        assertEquals(3.0 / 6, total.iou(1), 1e-12);
        assertEquals(0.0, total.iou(0), 1e-12);
        assertEquals(0.25, total.miou(), 1e-12);
    }
}
