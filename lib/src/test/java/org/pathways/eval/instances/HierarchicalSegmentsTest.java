package org.pathways.eval.instances;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link HierarchicalSegments} on three vertical bands of a 3 x 6 grid, two columns each, with one feature per band, so
 * that the Ward tree and each variant's proposals can be derived by hand.
 */
class HierarchicalSegmentsTest {
    static final int H = 3;
    static final int W = 6;

    /** Band b (columns 2b, 2b + 1) gets label labels[b] and feature values[b]. */
    private static int[] bands(int... labels) {
        int[] out = new int[H * W];
        for (int p = 0; p < out.length; p++) out[p] = labels[(p % W) / 2];
        return out;
    }

    private static double[][] features(double... values) {
        double[][] out = new double[H * W][];
        for (int p = 0; p < out.length; p++) out[p] = new double[] {values[(p % W) / 2]};
        return out;
    }

    /** The mask of the given bands, as 0/1 values. */
    private static int[] of(int... bandsIn) {
        int[] out = new int[H * W];
        for (int p = 0; p < out.length; p++) for (int b : bandsIn) if ((p % W) / 2 == b) out[p] = 1;
        return out;
    }

    private static void assertMasks(List<int[]> expected, List<int[]> actual) {
        assertEquals(expected.size(), actual.size(), "number of proposals");
        for (int i = 0; i < expected.size(); i++) assertArrayEquals(expected.get(i), actual.get(i), "proposal " + i);
    }

    /**
     * Labels 0 | 1 | 2 with features 0, 1, 5: Ward merges 0 and 1 (cost 1/2), node 3, then 3 and 2 (cost 2/3 * 4.5^2),
     * node 4. The authors' stack: merge 3 = segments 1 + 2 (one past its children 0, 1), merge 4 = segment 3 + the
     * still empty segment 4; segment 0 is never proposed. Fixed: every segment and each merge, the union of its children.
     */
    @Test
    void bandsInOrder() {
        int[] init = bands(0, 1, 2);
        double[][] f = features(0, 1, 5);
        assertMasks(List.of(of(1), of(2), of(1, 2), of(1, 2)), HierarchicalSegments.authors(init, H, W, f).masks());
        assertMasks(List.of(of(0), of(1), of(2), of(0, 1), of(0, 1, 2)), HierarchicalSegments.fixed(init, H, W, f).masks());
    }

    /**
     * Labels 1 | 0 | 2 with features 0, 1, 5: label 0 (the middle band B) has mean 1, so the tree is the same in labels
     * (merge 0 and 1, then 2). The authors' merge 3 sums segments 1 and 2, the two outer bands A and C, which are not
     * connected: skimage labels B (the background, 0), A, C and all three are added, the complement B included; merge 4
     * repeats it. Fixed: B, A, C, B u A, everything.
     */
    @Test
    void aSplitAddsTheComplement() {
        int[] init = bands(1, 0, 2);
        double[][] f = features(0, 1, 5);
        int[] a = of(0);
        int[] b = of(1);
        int[] c = of(2);
        assertMasks(List.of(a, c, b, a, c, b, a, c), HierarchicalSegments.authors(init, H, W, f).masks());
        assertMasks(List.of(b, a, c, of(0, 1), of(0, 1, 2)), HierarchicalSegments.fixed(init, H, W, f).masks());
    }

    /** The initial segmentation: skimage's (cluster 0 one background label) or every component. */
    @Test
    void initialSegmentation() {
        int[] kmeans = bands(0, 1, 0);
        assertArrayEquals(bands(0, 1, 0), HierarchicalSegments.initial(kmeans, H, W, false));
        assertArrayEquals(bands(0, 1, 2), HierarchicalSegments.initial(kmeans, H, W, true));
    }
}
