package org.pathways.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.pathways.common.InvalidInputException;

/**
 * Coordinate regression against closed forms: exact linear features fit to zero error with the planted coefficients;
 * features without position score the variance of a uniform coordinate, (32^2 - 1) / 12 = 85.25.
 *
 * <p>Tolerance for those variances. For d uniform over the 32 centred cell positions, E[d^2] = 85.25 and
 * E[d^4] = (n^2 - 1)(3n^2 - 7) / 240 = 13064.6 (n = 32), so (x - 15.5)^2 has standard deviation
 * sqrt(13064.6 - 85.25^2) = 76.1. With 40 images the test side holds 8192 locations: one axis's MSE then has a standard
 * deviation of 76.1 / sqrt(8192) = 0.84, the mean of both axes 0.60 (x and y independent over a full grid); fitting K
 * useless channels on 32768 training locations adds only about 85.25 (K + 1) / 32768 (0.02 for K = 8). So +-3 is over
 * 3.5 standard deviations for one axis, 5 for the mean.
 */
class CoordinateRegressionTest {
    private static final int G = CoordinateRegression.GRID;
    private static final int CELLS = G * G;
    private static final double UNIFORM = 85.25;

    /** Images of K channels on the 32 x 32 grid, channel c at cell (x, y) given by {@code value}. */
    private interface Channel {
        double at(int image, int c, int x, int y);
    }

    private static CoordinateRegression.Features features(int images, int channels, Channel value) {
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            double[] f = new double[channels * CELLS];
            for (int c = 0; c < channels; c++) for (int p = 0; p < CELLS; p++) f[c * CELLS + p] = value.at(i, c, p % G, p / G);
            out.add(f);
        }
        return CoordinateRegression.Features.of(out, channels, G, G);
    }

    @Test
    void constantPredictorIsTheUniformVariance() {
        assertEquals(UNIFORM, CoordinateRegression.constantPredictorMse(), 1e-12);
    }

    @Test
    void linearFeaturesFitExactlyAndRecoverThePlantedMap() {
        Random noise = new Random(7);
        double[] n = new double[4 * CELLS];
        for (int i = 0; i < n.length; i++) n[i] = noise.nextGaussian();
        // channel 0 = 2x + 1, channel 1 = 3 - y, channel 2 noise, channel 3 constant: x = (c0 - 1) / 2, y = 3 - c1
        CoordinateRegression.Result r = CoordinateRegression.fit(features(4, 4, (i, c, x, y) -> switch (c) {
            case 0 -> 2 * x + 1;
            case 1 -> 3 - y;
            case 2 -> n[i * CELLS + y * G + x];
            default -> 0.7;
        }), 11);
        assertTrue(r.mse() < 1e-9, "mse " + r.mse());
        assertArrayEquals(new double[] {0.5, 0, 0, 0}, r.x().weights(), 1e-9);
        assertEquals(-0.5, r.x().intercept(), 1e-9);
        assertArrayEquals(new double[] {0, -1, 0, 0}, r.y().weights(), 1e-9);
        assertEquals(3, r.y().intercept(), 1e-9);
        for (double e : r.errorMap()) assertTrue(Double.isNaN(e) || e < 1e-9);
    }

    @Test
    void aCopiedChannelSharesItsWeightAsTheMinimumNormSolution() {
        // c0 = c1 = x: any w0 + w1 = 1 fits; the pseudo-inverse picks the shortest, 0.5 and 0.5
        CoordinateRegression.Result r = CoordinateRegression.fit(features(2, 3, (i, c, x, y) -> c < 2 ? x : y), 3);
        assertTrue(r.mse() < 1e-9, "mse " + r.mse());
        assertArrayEquals(new double[] {0.5, 0.5, 0}, r.x().weights(), 1e-9);
        assertArrayEquals(new double[] {0, 0, 1}, r.y().weights(), 1e-9);
    }

    @Test
    void featuresAtAnotherResolutionAreResizedFirst() {
        // 64 x 64 maps of the column and the row: shrinking 64 -> 32 samples 2x + 0.5, between cells 2x and 2x + 1, so
        // the resized channel 0 is 2x + 0.5 exactly and x = 0.5 c0 - 0.25
        List<double[]> images = new ArrayList<>();
        int s = 2 * G;
        for (int i = 0; i < 2; i++) {
            double[] f = new double[2 * s * s];
            for (int p = 0; p < s * s; p++) {
                f[p] = p % s;
                f[s * s + p] = p / s;
            }
            images.add(f);
        }
        CoordinateRegression.Result r = CoordinateRegression.fit(CoordinateRegression.Features.of(images, 2, s, s), 5);
        assertTrue(r.mse() < 1e-9, "mse " + r.mse());
        assertArrayEquals(new double[] {0.5, 0}, r.x().weights(), 1e-9);
        assertEquals(-0.25, r.x().intercept(), 1e-9);
    }

    @Test
    void noiseScoresTheUniformVariance() {
        Random random = new Random(1);
        int images = 40;
        int k = 8;
        double[] n = new double[images * k * CELLS];
        for (int i = 0; i < n.length; i++) n[i] = random.nextGaussian();
        CoordinateRegression.Result r = CoordinateRegression.fit(features(images, k, (i, c, x, y) -> n[(i * k + c) * CELLS + y * G + x]), 2);
        assertEquals(UNIFORM, r.mse(), 3);
        assertEquals(UNIFORM, r.mseX(), 3);
        assertEquals(UNIFORM, r.mseY(), 3);
    }

    @Test
    void aOneHotColumnTellsXExactlyAndNothingOfY() {
        // 32 one-hot channels sum to 1, the intercept: rank-deficient, and x = sum_c c * onehot_c exactly
        CoordinateRegression.Result r = CoordinateRegression.fit(features(40, G, (i, c, x, y) -> c == x ? 1 : 0), 9);
        assertTrue(r.mseX() < 1e-9, "mse x " + r.mseX());
        assertEquals(UNIFORM, r.mseY(), 3);
        assertEquals(UNIFORM / 2, r.mse(), 1.5);
    }

    @Test
    void constantFeaturesPredictTheTrainingMeanEverywhere() {
        // the covariance is zero: no weights, the intercepts are the training means, and each cell's error is
        // ((x - mean x)^2 + (y - mean y)^2) / 2
        CoordinateRegression.Result r = CoordinateRegression.fit(features(3, 2, (i, c, x, y) -> 4.0), 4);
        assertArrayEquals(new double[] {0, 0}, r.x().weights(), 0);
        assertEquals(15.5, r.x().intercept(), 0.5);
        for (int p = 0; p < CELLS; p++) {
            if (Double.isNaN(r.errorMap()[p])) continue;
            double dx = p % G - r.x().intercept();
            double dy = p / G - r.y().intercept();
            assertEquals((dx * dx + dy * dy) / 2, r.errorMap()[p], 1e-9);
        }
        assertEquals(UNIFORM, r.mse(), 6);
    }

    @Test
    void eightyPercentOfTheLocationsTrainAndTheMapHasOnlyTestCells() {
        CoordinateRegression.Result r = CoordinateRegression.fit(features(1, 1, (i, c, x, y) -> x), 8);
        // floor(0.8 * 1024) = 819 train, 205 test; one image: each cell is test at most once
        assertEquals(819, r.trainCount());
        assertEquals(205, r.testCount());
        long filled = Arrays.stream(r.errorMap()).filter(e -> !Double.isNaN(e)).count();
        assertEquals(205, filled);
        CoordinateRegression.Result again = CoordinateRegression.fit(features(1, 1, (i, c, x, y) -> x), 8);
        assertArrayEquals(r.errorMap(), again.errorMap(), 0);
    }

    @Test
    void theTestLocationsAreARandomSampleThatTheSeedChooses() {
        double[] first = CoordinateRegression.fit(features(1, 1, (i, c, x, y) -> x), 8).errorMap();
        double[] other = CoordinateRegression.fit(features(1, 1, (i, c, x, y) -> x), 9).errorMap();
        int[] perQuarter = new int[4];
        int differ = 0;
        for (int p = 0; p < CELLS; p++) {
            if (!Double.isNaN(first[p])) perQuarter[p / (CELLS / 4)]++;
            if (Double.isNaN(first[p]) != Double.isNaN(other[p])) differ++;
        }
        // 205 test cells, about 51 per quarter of the rows (hypergeometric sd about 6); the first 205 cells would all
        // lie in the top quarter
        for (int q : perQuarter) assertTrue(q > 25 && q < 80, Arrays.toString(perQuarter));
        assertTrue(differ > 100, differ + " cells differ between seeds");
    }

    @Test
    void badInputIsOneLine() {
        // floor(0.9995 * 1024) = 1023 train leaves 1 test location
        List<InvalidInputException> errors = List.of(
                assertThrows(InvalidInputException.class, () -> CoordinateRegression.fit(features(1, 1, (i, c, x, y) -> x), 0.9995, 1)),
                assertThrows(InvalidInputException.class, () -> CoordinateRegression.fit(features(1, 1, (i, c, x, y) -> x), 1.0, 1)),
                assertThrows(InvalidInputException.class, () -> CoordinateRegression.fit(CoordinateRegression.Features.of(List.of(new double[CELLS]), 2, G, G), 1)),
                assertThrows(InvalidInputException.class, () -> CoordinateRegression.fit(features(1, 2, (i, c, x, y) -> c == 1 && x == 3 && y == 5 ? Double.NaN : 0), 1)),
                assertThrows(InvalidInputException.class, () -> CoordinateRegression.Features.of(List.of(), 1, G, G)));
        for (InvalidInputException e : errors) assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(errors.get(0).getMessage().contains("1 test"), errors.get(0).getMessage());
        assertTrue(errors.get(2).getMessage().contains("image 0 has 1024"), errors.get(2).getMessage());
        assertTrue(errors.get(3).getMessage().contains("channel 1 at (x 3, y 5)"), errors.get(3).getMessage());
    }
}
