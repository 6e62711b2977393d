package org.pathways.crf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.pathways.common.InvalidInputException;

/** Bilinear one-hot upsampling against values worked out by hand with torch's align_corners=False rule. */
class ClassGridTest {
    /**
     * 2 -> 4 along an axis: scale 1/2, source (dst + 0.5)/2 - 0.5 = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (upper
     * neighbour clamped to the last row), so the first source row weighs a = 1, 3/4, 1/4, 0 and the second 1 - a.
     * The map [[0, 1], [2, 0]]: class 0 is a(y) a(x) + (1-a(y)) (1-a(x)), class 1 a(y) (1-a(x)), class 2 (1-a(y)) a(x).
     */
    @Test
    void twoByTwoToFourByFourByHand() {
        ClassGrid grid = new ClassGrid(new int[] {0, 1, 2, 0}, 2, 2, 3);
        float[] up = grid.upsampledOneHot(4, 4);
        float[] class0 = {
            1, .75f, .25f, 0,
            .75f, .625f, .375f, .25f,
            .25f, .375f, .625f, .75f,
            0, .25f, .75f, 1};
        float[] class1 = {
            0, .25f, .75f, 1,
            0, .1875f, .5625f, .75f,
            0, .0625f, .1875f, .25f,
            0, 0, 0, 0};
        float[] class2 = {
            0, 0, 0, 0,
            .25f, .1875f, .0625f, 0,
            .75f, .5625f, .1875f, 0,
            1, .75f, .25f, 0};
        assertArrayEquals(class0, java.util.Arrays.copyOfRange(up, 0, 16), 1e-7f);
        assertArrayEquals(class1, java.util.Arrays.copyOfRange(up, 16, 32), 1e-7f);
        assertArrayEquals(class2, java.util.Arrays.copyOfRange(up, 32, 48), 1e-7f);
    }

    /** 2 -> 3: scale 2/3, sources -1/6 (clamped to 0), 1/2, 7/6 (clamped neighbour): weights 1, 1/2, 0 on the left. */
    @Test
    void nonIntegerRatioByHand() {
        float[] up = new ClassGrid(new int[] {1, 0}, 1, 2, 2).upsampledOneHot(1, 3);
        assertArrayEquals(new float[] {0, .5f, 1, 1, .5f, 0}, up, 1e-7f);
    }

    @Test
    void classOutsideTheRangeIsNamedWithItsPosition() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> new ClassGrid(new int[] {0, 1, 2, 27, 0, 0}, 2, 3, 27));
        assertEquals("class grid: value 27 at row 1, column 0 is outside 0..26", e.getMessage());
        assertThrows(InvalidInputException.class, () -> new ClassGrid(new int[] {0, -1}, 1, 2, 3));
        assertThrows(InvalidInputException.class, () -> new ClassGrid(new int[] {0, 1, 2}, 2, 2, 3));
    }
}
