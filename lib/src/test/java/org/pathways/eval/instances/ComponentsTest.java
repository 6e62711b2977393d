package org.pathways.eval.instances;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Components} on hand-made grids: 8-connectivity (a diagonal step joins), equal values only, raster order. */
class ComponentsTest {
    static final int[] GRID = {
        1, 0, 0, 2,
        0, 1, 0, 2,
        0, 0, 0, 0,
        3, 3, 0, 1,
    };

    @Test
    void skimageDefault() {
        // the two 1s on the diagonal are one component (8-connectivity); the 1 at the bottom right is another; 0 is background
        assertArrayEquals(new int[] {
            1, 0, 0, 2,
            0, 1, 0, 2,
            0, 0, 0, 0,
            3, 3, 0, 4,
        }, Components.skimage(GRID, 4, 4));
    }

    @Test
    void everyComponentIncludingZero() {
        assertArrayEquals(new int[] {
            0, 1, 1, 2,
            1, 0, 1, 2,
            1, 1, 1, 1,
            3, 3, 1, 4,
        }, Components.every(GRID, 4, 4));
        assertEquals(5, Components.count(Components.every(GRID, 4, 4)));
    }

    /** skimage labels runs of different non-zero values apart even where they touch. */
    @Test
    void differentValuesAreDifferentComponents() {
        assertArrayEquals(new int[] {1, 2, 2, 0, 3}, Components.skimage(new int[] {1, 2, 2, 0, 1}, 1, 5));
    }

    @Test
    void split() {
        boolean[] mask = new boolean[16];
        for (int p = 0; p < 16; p++) mask[p] = GRID[p] == 1;
        List<boolean[]> parts = Components.split(mask, 4, 4);
        assertEquals(2, parts.size());
        assertArrayEquals(new boolean[] {true, false, false, false, false, true, false, false, false, false, false, false, false, false, false, false}, parts.get(0));
        assertEquals(true, parts.get(1)[15]);
    }
}
