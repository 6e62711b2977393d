package org.pathways.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.pathways.common.InvalidInputException;

/** Hand-computed cases of PyTorch's bilinear, align_corners=False: source = max((d + 0.5) * in / out - 0.5, 0). */
class BilinearTest {
    @Test
    void twoByTwoToFourByFour() {
        // per axis the sources are 0 (clamped from -0.25), 0.25, 0.75, 1.25 -> the last cell, i.e. fractions 0, .25, .75, 1;
        // value = 1 + fx * 1 + fy * 2 over [[1, 2], [3, 4]]
        double[] expected = {
            1.0, 1.25, 1.75, 2.0,
            1.5, 1.75, 2.25, 2.5,
            2.5, 2.75, 3.25, 3.5,
            3.0, 3.25, 3.75, 4.0};
        assertArrayEquals(expected, Bilinear.resize(new double[] {1, 2, 3, 4}, 1, 2, 2, 4, 4), 1e-12);
    }

    @Test
    void shrinkingBlendsTheTwoNearestCellsPerChannel() {
        // 3 -> 2 along x: sources 0.5 * 1.5 - 0.5 = 0.25 and 1.5 * 1.5 - 0.5 = 1.75; channel 2 is channel 1 times -1
        double[] maps = {0, 10, 20, 0, -10, -20};
        assertArrayEquals(new double[] {2.5, 17.5, -2.5, -17.5}, Bilinear.resize(maps, 2, 1, 3, 1, 2), 1e-12);
    }

    @Test
    void sameSizeIsACopy() {
        double[] maps = {1, 2, 3, 4};
        double[] out = Bilinear.resize(maps, 1, 2, 2, 2, 2);
        assertArrayEquals(maps, out, 0);
        out[0] = 9;
        assertArrayEquals(new double[] {1, 2, 3, 4}, maps, 0);
    }

    @Test
    void wrongLengthIsOneLine() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Bilinear.resize(new double[5], 1, 2, 2, 4, 4));
        assertFalse(e.getMessage().contains("\n"));
    }
}
