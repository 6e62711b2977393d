package org.pathways.eval;

import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.linsol.svd.SolvePseudoInverseSvd_DDRM;
import org.pathways.common.InvalidInputException;

/**
 * The paper's "coordinate regression" (Sec. 4.2.3, App. C, Table 4): how much of a location's position on the
 * 32 x 32 grid its features tell linearly. A linear map with intercept from a location's K features to its grid
 * coordinates (x = column 0..31, y = row 0..31) is fitted by least squares on a random 80 % of the locations and
 * scored on the other 20 % by the mean squared error in grid cells squared, averaged over x and y.
 *
 * <p>The split. The paper says "a random sample of 80% of the features" and scores "the remaining 20%"; its features
 * are per location, so the sample here is over every (image, location) pair of the data set: exactly
 * floor(0.8 n) of the n pairs train (sklearn's {@code train_test_split(train_size=0.8)} count), drawn uniformly without
 * replacement by a partial Fisher-Yates shuffle from a seeded {@link SplittableRandom}. A held-out-images split would
 * be the stricter test of generalisation, but it is not what the paper describes.
 *
 * <p>The solver. The fit is the normal equations on centred data: the K x K covariance of the training features and
 * their covariance with the coordinates, accumulated image by image (the stacked design would be millions of rows),
 * solved by EJML's SVD pseudo-inverse; the intercept is then the coordinate mean minus the weighted feature mean.
 * Rank-deficient features (a constant channel, a copied channel, one-hot channels summing to the intercept) get the
 * minimum-norm solution instead of a failure: singular values under {@link #RANK_TOLERANCE} times the largest count
 * as zero. Features are float32 in practice, so directions whose covariance is 1e-12 of the strongest (1e-6 in
 * standard deviation) hold only rounding. Centring first leaves a constant channel's covariance at rounding level,
 * far under that tolerance, instead of confounding it with the intercept.
 *
 * <p>Features of another resolution (DINO's 20 x 20 patch grid, say) are first resized to 32 x 32 with
 * {@link Bilinear#resize}, as the paper says ("we resize bilinearly").
 */
public final class CoordinateRegression {
    /** The grid the paper regresses onto (the data-set features' side). */
    public static final int GRID = 32;
    public static final double PAPER_TRAIN_FRACTION = 0.8;
    /** Singular values of the feature covariance below this fraction of the largest are treated as zero. */
    public static final double RANK_TOLERANCE = 1e-12;

    private static final int CELLS = GRID * GRID;

    private CoordinateRegression() {}

    /**
     * A data set's per-location features, one image at a time (so that a large set need not sit in memory as
     * doubles): {@code image.apply(i)} is image i's K x height x width values, channel-major, row-major within a
     * channel. It is read three times (means, covariance, test), so it must return the same values each time.
     */
    public record Features(int images, int channels, int height, int width, IntFunction<double[]> image) {
        public Features {
            if (images < 1 || channels < 1 || height < 1 || width < 1) {
                throw new InvalidInputException("coordinate regression: features of " + images + " images x " + channels + " x " + height + " x " + width + "; every size must be positive");
            }
            if ((long) images * CELLS > Integer.MAX_VALUE) throw new InvalidInputException("coordinate regression: " + images + " images are more locations than one int counts");
        }

        /** The clustering's features, converted one image at a time. */
        public static Features of(FeatureClustering.Features f) {
            return new Features(f.images(), f.channels(), f.height(), f.width(), f::image);
        }

        /** Features held in memory, one array per image. */
        public static Features of(List<double[]> perImage, int channels, int height, int width) {
            List<double[]> images = List.copyOf(perImage);
            return new Features(images.size(), channels, height, width, images::get);
        }
    }

    /** One coordinate's linear map: {@code intercept + sum_c weights[c] * feature[c]}. */
    public record AxisFit(double[] weights, double intercept) {
        /** The prediction at grid cell {@code cell} (y * 32 + x) of a channel-major K x 32 x 32 image. */
        public double predict(double[] image, int cell) {
            double s = intercept;
            for (int c = 0; c < weights.length; c++) s += weights[c] * image[c * CELLS + cell];
            return s;
        }
    }

    /**
     * The score and what a figure needs. {@code mse} = mean over test locations of ((x - x̂)^2 + (y - ŷ)^2) / 2, in
     * grid cells squared; {@code mseX} and {@code mseY} its two halves' means; {@code errorMap} the same error
     * averaged over the test locations of each grid cell, row-major 32 x 32, NaN where no test location fell.
     */
    public record Result(double mse, double mseX, double mseY, double[] errorMap, int trainCount, int testCount, AxisFit x, AxisFit y) {}

    /**
     * The MSE of always predicting the grid's centre 15.5: the variance of a coordinate uniform over 0..31,
     * (32^2 - 1) / 12 = 85.25, the score of features that carry no position. Table 4 of the paper reports DINO 3.2,
     * ground-truth semantic labels 72.0 (labels tell some position: sky is high, road low), STEGO 42.4, V-V graph
     * 43.1 and Q-K graph 19.5.
     */
    public static double constantPredictorMse() {
        return (GRID * GRID - 1) / 12.0;
    }

    /** The paper's protocol: 80 % of the locations train, the rest test. */
    public static Result fit(Features features, long seed) {
        return fit(features, PAPER_TRAIN_FRACTION, seed);
    }

    public static Result fit(Features features, double trainFraction, long seed) {
        if (!(trainFraction > 0 && trainFraction < 1)) throw new InvalidInputException("coordinate regression: train fraction " + trainFraction + " is not in (0, 1)");
        int n = features.images() * CELLS;
        int trainCount = (int) Math.floor(trainFraction * n);
        int testCount = n - trainCount;
        if (trainCount < 2 || testCount < 2) {
            throw new InvalidInputException("coordinate regression: " + n + " locations split " + trainCount + " train / " + testCount + " test; each side needs at least 2");
        }
        BitSet test = sample(n, testCount, seed);
        int k = features.channels();

        // pass 1: means of the training features and coordinates
        double[] mean = new double[k];
        double meanX = 0;
        double meanY = 0;
        for (int i = 0; i < features.images(); i++) {
            double[] image = load(features, i);
            for (int p = 0; p < CELLS; p++) {
                if (test.get(i * CELLS + p)) continue;
                for (int c = 0; c < k; c++) mean[c] += image[c * CELLS + p];
                meanX += p % GRID;
                meanY += p / GRID;
            }
        }
        for (int c = 0; c < k; c++) mean[c] /= trainCount;
        meanX /= trainCount;
        meanY /= trainCount;

        // pass 2: centred covariances, one image's training locations as one block
        DMatrixRMaj covariance = new DMatrixRMaj(k, k);
        DMatrixRMaj cross = new DMatrixRMaj(k, 2);
        for (int i = 0; i < features.images(); i++) {
            double[] image = load(features, i);
            int rows = CELLS - countIn(test, i * CELLS, (i + 1) * CELLS);
            if (rows == 0) continue;
            DMatrixRMaj block = new DMatrixRMaj(rows, k);
            DMatrixRMaj targets = new DMatrixRMaj(rows, 2);
            int r = 0;
            for (int p = 0; p < CELLS; p++) {
                if (test.get(i * CELLS + p)) continue;
                for (int c = 0; c < k; c++) block.unsafe_set(r, c, image[c * CELLS + p] - mean[c]);
                targets.unsafe_set(r, 0, p % GRID - meanX);
                targets.unsafe_set(r, 1, p / GRID - meanY);
                r++;
            }
            CommonOps_DDRM.multAddTransA(block, block, covariance);
            CommonOps_DDRM.multAddTransA(block, targets, cross);
        }
        SolvePseudoInverseSvd_DDRM solver = new SolvePseudoInverseSvd_DDRM(k, k);
        solver.setThreshold(RANK_TOLERANCE / k); // EJML zeroes singular values under threshold * k * largest
        if (!solver.setA(covariance)) throw new IllegalStateException("coordinate regression: the SVD of the " + k + " x " + k + " feature covariance did not converge");
        DMatrixRMaj weights = new DMatrixRMaj(k, 2);
        solver.solve(cross, weights);
        AxisFit fitX = axis(weights, 0, mean, meanX);
        AxisFit fitY = axis(weights, 1, mean, meanY);

        // pass 3: the held-out locations
        double sumX = 0;
        double sumY = 0;
        double[] cellSum = new double[CELLS];
        int[] cellCount = new int[CELLS];
        for (int i = 0; i < features.images(); i++) {
            double[] image = null;
            for (int p = 0; p < CELLS; p++) {
                if (!test.get(i * CELLS + p)) continue;
                if (image == null) image = load(features, i);
                double dx = p % GRID - fitX.predict(image, p);
                double dy = p / GRID - fitY.predict(image, p);
                sumX += dx * dx;
                sumY += dy * dy;
                cellSum[p] += (dx * dx + dy * dy) / 2;
                cellCount[p]++;
            }
        }
        double[] errorMap = new double[CELLS];
        for (int p = 0; p < CELLS; p++) errorMap[p] = cellCount[p] == 0 ? Double.NaN : cellSum[p] / cellCount[p];
        double mseX = sumX / testCount;
        double mseY = sumY / testCount;
        return new Result((mseX + mseY) / 2, mseX, mseY, errorMap, trainCount, testCount, fitX, fitY);
    }

    /** {@code count} of the indices 0..n-1, uniformly without replacement (the first steps of a Fisher-Yates shuffle). */
    private static BitSet sample(int n, int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        BitSet chosen = new BitSet(n);
        for (int i = 0; i < count; i++) {
            int j = i + random.nextInt(n - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
            chosen.set(order[i]);
        }
        return chosen;
    }

    private static int countIn(BitSet set, int from, int to) {
        return set.get(from, to).cardinality();
    }

    private static AxisFit axis(DMatrixRMaj weights, int column, double[] featureMean, double targetMean) {
        double[] w = new double[weights.numRows];
        double intercept = targetMean;
        for (int c = 0; c < w.length; c++) {
            w[c] = weights.get(c, column);
            intercept -= w[c] * featureMean[c];
        }
        return new AxisFit(w, intercept);
    }

    /** Image i's features on the 32 x 32 grid, checked. */
    private static double[] load(Features features, int i) {
        int k = features.channels();
        int h = features.height();
        int w = features.width();
        double[] values = features.image().apply(i);
        if (values == null || values.length != (long) k * h * w) {
            throw new InvalidInputException("coordinate regression: image " + i + " has " + (values == null ? "no" : values.length) + " feature values, expected " + k + " x " + h + " x " + w + " = " + (long) k * h * w);
        }
        for (int v = 0; v < values.length; v++) {
            if (!Double.isFinite(values[v])) {
                int c = v / (h * w);
                int at = v % (h * w);
                throw new InvalidInputException("coordinate regression: image " + i + " channel " + c + " at (x " + at % w + ", y " + at / w + ") is " + values[v]);
            }
        }
        return h == GRID && w == GRID ? values : Bilinear.resize(values, k, h, w, GRID, GRID);
    }
}
