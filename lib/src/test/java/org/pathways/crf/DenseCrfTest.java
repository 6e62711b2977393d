package org.pathways.crf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.pathways.common.InvalidInputException;

/** The dense CRF against exact O(N^2) mean field, hand-derived unaries, and a boundary it must move. */
class DenseCrfTest {
    private static final DenseCrf.Settings AUTHORS = DenseCrf.Settings.AUTHORS;

    /**
     * Lattice mean field against {@link BruteForceMeanField} (exact Gaussian sums, same normalisation) on 24 x 24
     * scenes of four noisy coloured regions, refined from a 6 x 6 majority grid, with two classes the grid never uses
     * (they share a filtered channel in the lattice code, not in the brute force).
     */
    @Test
    void latticeMeanFieldAgreesWithExactSums() {
        for (long seed = 1; seed <= 3; seed++) {
            CrfScenes.Scene scene = CrfScenes.regions(24, 5, seed);
            ClassGrid majority = CrfScenes.majorityGrid(scene, 4);
            ClassGrid grid = new ClassGrid(majority.labels(), majority.height(), majority.width(), scene.regionCount() + 2);
            float[] unary = DenseCrf.unary(grid, 24, 24);
            float[] lattice = DenseCrf.meanField(unary, grid.classes(), scene.image(), AUTHORS);
            double[] exact = BruteForceMeanField.marginals(unary, grid.classes(), scene.image(), AUTHORS);
            int[] latticeLabels = DenseCrf.labels(lattice, grid.classes());
            int agree = 0;
            double difference = 0;
            for (int i = 0; i < latticeLabels.length; i++) {
                int best = 0;
                for (int c = 1; c < grid.classes(); c++) if (exact[c * 576 + i] > exact[best * 576 + i]) best = c;
                if (best == latticeLabels[i]) agree++;
            }
            for (int i = 0; i < exact.length; i++) difference += Math.abs(exact[i] - lattice[i]);
            System.out.printf("seed %d: lattice and exact labels agree on %d of 576 pixels, mean |dQ| %.4f%n", seed, agree, difference / exact.length);
            assertTrue(agree >= 0.99 * 576, "seed " + seed + ": labels agree on " + agree + " of 576 pixels");
            assertTrue(difference / exact.length < 0.002, "seed " + seed + ": mean marginal difference " + difference / exact.length);
        }
    }

    /**
     * A grid that puts the boundary between two flat colours 4 pixels right of the image's edge (cells of 8: the
     * grid edge is at x = 16, the colour edge at x = 12): the refined labels follow the colours.
     */
    @Test
    void misplacedBoundarySnapsToTheColourEdge() {
        int size = 32;
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(7);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int base = x < 12 ? 0x2060A0 : 0xC09030;
                int jitter = random.nextInt(3);
                image.setRGB(x, y, base + (jitter << 16) + (jitter << 8) + jitter);
            }
        }
        int[] labels = new int[16];
        for (int i = 0; i < 16; i++) labels[i] = i % 4 < 2 ? 0 : 1;
        ClassGrid grid = new ClassGrid(labels, 4, 4, 3);
        int[] before = DenseCrf.labels(grid.upsampledOneHot(size, size), 3);
        int[] after = DenseCrf.refine(grid, image, AUTHORS);
        int wrongBefore = 0;
        for (int i = 0; i < after.length; i++) {
            int truth = i % size < 12 ? 0 : 1;
            if (before[i] != truth) wrongBefore++;
            assertEquals(truth, after[i], "pixel (" + i / size + ", " + i % size + ")");
        }
        assertEquals(4 * size, wrongBefore, "the upsampled grid misplaces 4 columns");
        // and it gets there by attraction: one mean-field step already raises the colour's class in the strip
        float[] unary = DenseCrf.unary(grid, size, size);
        BgrImage bgr = BgrImage.of(image);
        float[] start = DenseCrf.meanField(unary, 3, bgr, new DenseCrf.Settings(1, 3, 67, 3, 4, 0));
        float[] step = DenseCrf.meanField(unary, 3, bgr, new DenseCrf.Settings(1, 3, 67, 3, 4, 1));
        int n = size * size;
        for (int y = 0; y < size; y++) {
            for (int x = 12; x < 16; x++) {
                int i = y * size + x;
                assertTrue(step[n + i] > start[n + i], "pixel (" + y + ", " + x + ") class 1: " + start[n + i] + " -> " + step[n + i]);
            }
        }
    }

    /**
     * Where the grid's one-hot map is exactly class a (a corner of a constant block), softmax gives
     * p_a = e / (e + C - 1) and p_other = 1 / (e + C - 1), so the unary is log(e + C - 1) - 1 and log(e + C - 1).
     * Between two classes, at a pixel weighted 3/4 and 1/4: p = e^{3/4} / (e^{3/4} + e^{1/4} + C - 2), and so on.
     */
    @Test
    void unaryFollowsSoftmaxOfTheUpsampledOneHotByHand() {
        int classes = 27;
        ClassGrid grid = new ClassGrid(new int[] {5, 9}, 1, 2, classes);
        float[] unary = DenseCrf.unary(grid, 1, 4);
        double e = Math.E;
        assertEquals(Math.log(e + classes - 1) - 1, unary[5 * 4], 1e-6);
        assertEquals(Math.log(e + classes - 1), unary[9 * 4], 1e-6);
        assertEquals(Math.log(e + classes - 1), unary[0], 1e-6);
        // x = 1: source 0.25 -> 3/4 of class 5, 1/4 of class 9
        double z = Math.exp(0.75) + Math.exp(0.25) + classes - 2;
        assertEquals(-Math.log(Math.exp(0.75) / z), unary[5 * 4 + 1], 1e-6);
        assertEquals(-Math.log(Math.exp(0.25) / z), unary[9 * 4 + 1], 1e-6);
        assertEquals(Math.log(z), unary[1], 1e-6);
    }

    /** Classes the grid never uses keep equal marginals; each pixel's marginals sum to 1. */
    @Test
    void marginalsAreDistributionsAndAbsentClassesStayTied() {
        CrfScenes.Scene scene = CrfScenes.regions(20, 4, 2);
        ClassGrid majority = CrfScenes.majorityGrid(scene, 4);
        ClassGrid grid = new ClassGrid(majority.labels(), majority.height(), majority.width(), 7);
        float[] q = DenseCrf.meanField(DenseCrf.unary(grid, 20, 20), 7, scene.image(), AUTHORS);
        int n = 400;
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int c = 0; c < 7; c++) sum += q[c * n + i];
            assertEquals(1, sum, 1e-5);
            assertEquals(q[5 * n + i], q[6 * n + i]);
            assertEquals(q[4 * n + i], q[6 * n + i]);
        }
    }

    @Test
    void zeroIterationsGiveTheUnarySoftmax() {
        CrfScenes.Scene scene = CrfScenes.regions(8, 4, 1);
        float[] unary = new float[3 * 64];
        Random random = new Random(1);
        for (int i = 0; i < unary.length; i++) unary[i] = (float) (random.nextDouble() * 5);
        float[] q = DenseCrf.meanField(unary, 3, scene.image(), new DenseCrf.Settings(1, 3, 67, 3, 4, 0));
        for (int i = 0; i < 64; i++) {
            double z = Math.exp(-unary[i]) + Math.exp(-unary[64 + i]) + Math.exp(-unary[128 + i]);
            for (int c = 0; c < 3; c++) assertEquals(Math.exp(-unary[c * 64 + i]) / z, q[c * 64 + i], 1e-6);
        }
    }

    @Test
    void expMatchesMathExp() {
        for (float x = -87f; x <= 10f; x += 0.01f) {
            double exact = Math.exp(x);
            assertEquals(exact, DenseCrf.exp(x), 2e-7 * exact, "exp(" + x + ")");
        }
        assertTrue(DenseCrf.exp(-1000f) >= 0 && DenseCrf.exp(-1000f) < 1e-37);
        assertEquals(1f, DenseCrf.exp(0f));
    }

    /** BufferedImage 0xRRGGBB: the bilateral kernel reads blue, green, red. */
    @Test
    void imageChannelsAreReadBlueGreenRed() {
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0x102030);
        image.setRGB(1, 0, 0xFFFE01);
        BgrImage bgr = BgrImage.of(image);
        assertArrayEquals(new int[] {0x30, 0x20, 0x10, 0x01, 0xFE, 0xFF},
                new int[] {bgr.channel(0, 0), bgr.channel(0, 1), bgr.channel(0, 2), bgr.channel(1, 0), bgr.channel(1, 1), bgr.channel(1, 2)});
    }

    @Test
    void labelsTakeTheFirstOfTiedClasses() {
        // 2 classes x 3 pixels
        assertArrayEquals(new int[] {0, 1, 0}, DenseCrf.labels(new float[] {.5f, .2f, .7f, .5f, .8f, .3f}, 2));
    }

    @Test
    void badInputIsRefusedInOneLine() {
        CrfScenes.Scene scene = CrfScenes.regions(4, 0, 1);
        InvalidInputException size = assertThrows(InvalidInputException.class, () -> DenseCrf.meanField(new float[10], 3, scene.image(), AUTHORS));
        assertEquals("dense CRF: unary of 10 values, expected 3 classes x 16 pixels", size.getMessage());
        float[] nan = new float[2 * 16];
        nan[16 + 3] = Float.NaN;
        InvalidInputException value = assertThrows(InvalidInputException.class, () -> DenseCrf.meanField(nan, 2, scene.image(), AUTHORS));
        assertEquals("dense CRF: unary of class 1 at pixel 3 is NaN", value.getMessage());
        assertThrows(InvalidInputException.class, () -> new DenseCrf.Settings(0, 3, 67, 3, 4, 10));
        assertThrows(InvalidInputException.class, () -> new DenseCrf.Settings(1, 3, 67, Double.NaN, 4, 10));
        assertThrows(InvalidInputException.class, () -> new DenseCrf.Settings(1, 3, 67, 3, 4, -1));
        assertThrows(InvalidInputException.class, () -> new BgrImage(2, 2, new byte[11]));
    }
}
