package org.pathways.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pathways.common.InvalidInputException;
import org.pathways.eval.SpatialSplit.Side;
import org.pathways.eval.SpatialSplit.Thresholds;

/** Drawn label maps whose left/right split is read off by hand (centroid x at pixel centres over W = 40). */
class SpatialSplitTest {
    private static final int W = 40;
    private static final int H = 24;
    private static final int I = SpatialSplit.IGNORE;

    private static void fill(int[] map, int x0, int y0, int x1, int y1, int label) {
        for (int y = y0; y <= y1; y++) for (int x = x0; x <= x1; x++) map[y * W + x] = label;
    }

    private static int[] blank() {
        int[] map = new int[W * H];
        Arrays.fill(map, I);
        return map;
    }

    @Test
    void blobsSplitByTheirCentroidsSide() {
        int[] map = blank();
        fill(map, 2, 2, 9, 9, 0); // 64 px, centroid (5.5 + 0.5) / 40 = 0.15: left
        fill(map, 30, 2, 37, 9, 0); // 64 px, (33.5 + 0.5) / 40 = 0.85: right
        fill(map, 16, 12, 23, 19, 1); // 64 px, (19.5 + 0.5) / 40 = 0.5: central
        fill(map, 34, 20, 36, 22, 2); // 9 px: small
        SpatialSplit.Split s = SpatialSplit.split(map, H, W, 3, Thresholds.OURS);
        int[] expected = blank();
        fill(expected, 2, 2, 9, 9, 0);
        fill(expected, 30, 2, 37, 9, 1);
        assertArrayEquals(expected, s.labels());
        assertEquals(List.of(Side.LEFT, Side.RIGHT, Side.CENTRAL, Side.SMALL), s.regions().stream().map(SpatialSplit.Region::side).toList());
        assertEquals(0.15, s.regions().get(0).centroidX(), 1e-12);
        assertEquals(9, s.regions().get(3).pixels());
    }

    @Test
    void diagonalNeighboursAreOneRegion() {
        // two 5 x 5 squares touching only at a corner: 25 px each (small), 50 together (kept) with 8-connectivity;
        // centroid column (8 + 13) / 2 = 10.5, (10.5 + 0.5) / 40 = 0.275: left, class 5 -> 10
        int[] map = blank();
        fill(map, 6, 12, 10, 16, 5);
        fill(map, 11, 17, 15, 21, 5);
        SpatialSplit.Split s = SpatialSplit.split(map, H, W, 6, Thresholds.OURS);
        assertEquals(1, s.regions().size());
        assertEquals(new SpatialSplit.Region(5, 50, 0.275, Side.LEFT), s.regions().get(0));
        assertEquals(10, s.labels()[12 * W + 6]);
        assertEquals(10, s.labels()[21 * W + 15]);
    }

    @Test
    void regionsOfDifferentClassesDoNotJoinAndIgnoreStaysIgnored() {
        // class 0 and class 1 side by side on the left, each 8 x 7 = 56 px; an ignore column between the two class-0 halves
        int[] map = blank();
        fill(map, 0, 0, 7, 6, 0);
        fill(map, 0, 7, 7, 13, 1);
        fill(map, 4, 0, 4, 6, I); // splits class 0 into 4 x 7 = 28 and 3 x 7 = 21 px: both small
        SpatialSplit.Split s = SpatialSplit.split(map, H, W, 2, Thresholds.OURS);
        int[] expected = blank();
        fill(expected, 0, 7, 7, 13, SpatialSplit.leftLabel(1));
        assertArrayEquals(expected, s.labels());
    }

    @Test
    void theMinimumSizeScalesWithTheArea() {
        // a 32 x 32 grid cell of a 320 x 320 source covers 100 source pixels (kept), of a 160 x 160 one 25 (dropped);
        // two cells of the latter make 50 (kept)
        int[] grid = new int[32 * 32];
        Arrays.fill(grid, I);
        grid[10 * 32 + 2] = 0;
        grid[20 * 32 + 28] = 1;
        grid[20 * 32 + 29] = 1;
        SpatialSplit.Split big = SpatialSplit.splitScaled(grid, 32, 32, 2, Thresholds.OURS, 320, 320);
        assertEquals(List.of(Side.LEFT, Side.RIGHT), big.regions().stream().map(SpatialSplit.Region::side).toList());
        SpatialSplit.Split small = SpatialSplit.splitScaled(grid, 32, 32, 2, Thresholds.OURS, 160, 160);
        assertEquals(List.of(Side.SMALL, Side.RIGHT), small.regions().stream().map(SpatialSplit.Region::side).toList());
        assertEquals(I, small.labels()[10 * 32 + 2]);
        assertEquals(SpatialSplit.rightLabel(1), small.labels()[20 * 32 + 29]);
    }

    @Test
    void namesDoubleTheClasses() {
        assertEquals(List.of("sky (left)", "sky (right)", "road (left)", "road (right)"), SpatialSplit.names(List.of("sky", "road")));
    }

    @Test
    void badInputIsOneLine() {
        int[] map = blank();
        map[1 * W + 3] = 30;
        List<InvalidInputException> errors = List.of(
                assertThrows(InvalidInputException.class, () -> SpatialSplit.split(map, H, W, 27, Thresholds.OURS)),
                assertThrows(InvalidInputException.class, () -> SpatialSplit.split(new int[5], H, W, 27, Thresholds.OURS)),
                assertThrows(InvalidInputException.class, () -> SpatialSplit.split(blank(), H, W, 128, Thresholds.OURS)),
                assertThrows(InvalidInputException.class, () -> new Thresholds(0.6, 0.4, 50)));
        for (InvalidInputException e : errors) assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(errors.get(0).getMessage().contains("label 30 at (x 3, y 1)"), errors.get(0).getMessage());
    }
}
