package org.pathways.eval.instances;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.pathways.data.NdData;
import org.pathways.eval.FeatureClustering;
import smile.clustering.BBDTree;
import smile.clustering.KMeans;

/**
 * Instance proposals from a feature map (paper App. D.2), following the authors' {@code compute_instance_segmentation}
 * ({@code single_img/eval_feat.py} of github.com/xiao7199/layer_distributed_spectral_clustering) step by step:
 *
 * <ol>
 *   <li>features (K x h x w) L2-normalised per channel over the pixels ({@code F.normalize(dim=-1)}, eps 1e-12), then
 *       min-max scaled per channel to [0, 1] and mapped to [-1, 1] ({@link #scale});</li>
 *   <li>for every k of {@code ks} (theirs: {@code np.arange(2, 10)}, 2..9; the paper says 2..10): K-means of the
 *       pixels, its labels split into 8-connected components, and {@link HierarchicalSegments} of them (every segment and
 *       every Ward merge of adjacent segments);</li>
 *   <li>the proposals of all k together; those with fewer than 1 % or more than 90 % of the grid's pixels dropped (the
 *       sum of the mask's values, as theirs: a pixel of value 2, see {@link HierarchicalSegments.Quirk#CHILD_OFFSET},
 *       counts twice); masks are 0/1 from here on;</li>
 *   <li>background removal ({@link BorderFilter#authors}: touching >= 2 borders, else >= 3, else none);</li>
 *   <li>scores ({@link BinarySilhouette}), then greedy NMS at IoU 0.7, at most {@code maxMasks} (theirs: 100)
 *       ({@link MaskNms});</li>
 *   <li>the paper (D.2) drops proposals whose score is not above 0, which their function does not:
 *       {@code minScore} (0 by default; {@link Options#authors()} keeps every score).</li>
 * </ol>
 *
 * <p>Where we differ: K-means is Smile's (k-means++, the best of {@code restarts} seeded fits, as sklearn's n_init; theirs
 * is sklearn's without a seed), so the K-means labels, and hence the proposals, are implementation-specific; distances
 * and scores are in double (theirs float32); a channel that is constant over the grid (their min-max divides 0 by 0,
 * NaN) is mapped to 0; a grid where no proposal survives gives no masks (theirs fails on {@code regions[:, :, 0]}).
 * {@link Options#fixed()} removes the quirks of their {@code hierarchical_clustering} ({@link HierarchicalSegments.Quirk}).
 *
 * <pre>{@code
 * Proposals p = InstanceProposals.of(features, Options.paper());          // K x h x w
 * Proposals q = InstanceProposals.of(features, Options.paper().fixed().ks(2, 10).seed(1));
 * }</pre>
 */
public final class InstanceProposals {
    /** Which hierarchical_clustering runs: the authors' as released, or with its quirks removed. */
    public enum Variant { AUTHORS, FIXED }

    /**
     * Settings. {@link #paper()}: the authors' procedure with the paper's score threshold (scores <= 0 dropped), at most
     * 100 masks, k = 2..9 as their code (the paper says 2..10: {@code ks(2, 10)}), seed 0, 10 K-means restarts.
     *
     * @param minScore proposals with a score not above this are dropped ({@code -Infinity}: none)
     * @param minArea  fraction of the grid's pixels a proposal needs at least (theirs: 0.01)
     * @param maxArea  fraction it may have at most (theirs: 0.9)
     * @param iou      the NMS threshold (theirs: 0.7)
     */
    public record Options(Variant variant, double minScore, int maxMasks, int kMin, int kMax, long seed, int restarts,
                          double minArea, double maxArea, double iou) {
        public Options {
            if (variant == null) throw new IllegalArgumentException("variant is null");
            if (maxMasks < 1) throw new IllegalArgumentException("maxMasks " + maxMasks + ": expected at least 1");
            if (kMin < 2 || kMax < kMin) throw new IllegalArgumentException("k range " + kMin + ".." + kMax + ": expected 2 <= min <= max");
            if (restarts < 1) throw new IllegalArgumentException("restarts " + restarts + ": expected at least 1");
            if (Double.isNaN(minScore)) throw new IllegalArgumentException("minScore is NaN");
        }

        /** The authors' procedure and the paper's threshold (see the class comment). */
        public static Options paper() {
            return new Options(Variant.AUTHORS, 0.0, 100, 2, 9, 0L, 10, 0.01, 0.9, MaskNms.IOU);
        }

        /** What their function returns: {@link #paper()} without the score threshold (negative scores kept). */
        public static Options authors() {
            return paper().minScore(Double.NEGATIVE_INFINITY);
        }

        public boolean isFixed() {
            return variant == Variant.FIXED;
        }

        /** The authors' quirks removed ({@link HierarchicalSegments#fixed}). */
        public Options fixed() {
            return withVariant(Variant.FIXED);
        }

        public Options withVariant(Variant v) {
            return new Options(v, minScore, maxMasks, kMin, kMax, seed, restarts, minArea, maxArea, iou);
        }

        public Options minScore(double s) {
            return new Options(variant, s, maxMasks, kMin, kMax, seed, restarts, minArea, maxArea, iou);
        }

        public Options maxMasks(int m) {
            return new Options(variant, minScore, m, kMin, kMax, seed, restarts, minArea, maxArea, iou);
        }

        /** K-means for k = from..to, both included. */
        public Options ks(int from, int to) {
            return new Options(variant, minScore, maxMasks, from, to, seed, restarts, minArea, maxArea, iou);
        }

        public Options seed(long s) {
            return new Options(variant, minScore, maxMasks, kMin, kMax, s, restarts, minArea, maxArea, iou);
        }

        public Options restarts(int r) {
            return new Options(variant, minScore, maxMasks, kMin, kMax, seed, r, minArea, maxArea, iou);
        }
    }

    /**
     * How many proposals each stage left: {@code candidates} from all k, after the size filter, after background removal
     * (by the rule {@code borderRule}: masks touching >= that many borders dropped, 0 = none), after NMS and the cap,
     * after the score threshold (= the masks returned).
     */
    public record Counts(int candidates, int sized, int borderRule, int unbordered, int afterNms, int kept) {}

    /**
     * The proposals, best score first: each mask a grid of h x w booleans, pixel y * width + x, at the feature grid.
     */
    public record Proposals(int height, int width, List<boolean[]> masks, double[] scores, Counts counts) {
        public int count() {
            return masks.size();
        }

        public boolean[] mask(int i) {
            return masks.get(i);
        }

        /** h x w x M float32 0/1, the layout of the authors' masks (and of {@code masks.npy}). */
        public NdData masksArray() {
            int m = masks.size();
            double[] v = new double[height * width * m];
            for (int i = 0; i < m; i++) {
                boolean[] mask = masks.get(i);
                for (int p = 0; p < mask.length; p++) if (mask[p]) v[p * m + i] = 1;
            }
            return NdData.float32(new int[] {height, width, m}, v);
        }

        /** The mean number of masks per image over several images (the paper's Table 7 reports 13). */
        public static double meanCount(List<Proposals> perImage) {
            return perImage.stream().mapToInt(Proposals::count).average().orElse(0);
        }
    }

    private InstanceProposals() {}

    /** Proposals of a K x h x w (or 1 x K x h x w) feature map. */
    public static Proposals of(NdData features, Options options) {
        int[] s = features.shape();
        if (s.length == 4 && s[0] == 1) s = new int[] {s[1], s[2], s[3]};
        if (s.length != 3) throw new IllegalArgumentException("features of shape " + features.shapeString() + " are not K x h x w");
        return of(features.values(), s[0], s[1], s[2], options);
    }

    /** Proposals of features[channel][y][x]. */
    public static Proposals of(float[][][] features, Options options) {
        int k = features.length;
        int h = features[0].length;
        int w = features[0][0].length;
        double[] v = new double[k * h * w];
        for (int c = 0; c < k; c++) for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) v[(c * h + y) * w + x] = features[c][y][x];
        return of(v, k, h, w, options);
    }

    /** Proposals of channel-first values, {@code values[(c * height + y) * width + x]}. */
    public static Proposals of(double[] values, int channels, int height, int width, Options options) {
        int n = height * width;
        if (channels < 1 || n < 1 || values.length != channels * n) {
            throw new IllegalArgumentException(values.length + " values for " + channels + " x " + height + " x " + width);
        }
        if (options.kMax() > n) throw new IllegalArgumentException("k up to " + options.kMax() + " for a grid of " + n + " pixels");
        double[][] points = points(scale(values, channels, n), channels, n);
        List<int[]> candidates = candidates(points, height, width, options);
        return select(points, candidates, height, width, options);
    }

    /**
     * The normalisation at the top of their function: each channel divided by its L2 norm over the pixels (at least
     * 1e-12), min-max scaled to [0, 1], times 2 minus 1. A constant channel becomes 0.
     */
    public static double[] scale(double[] values, int channels, int pixels) {
        double[] out = new double[values.length];
        for (int c = 0; c < channels; c++) {
            int o = c * pixels;
            double norm = 0;
            for (int p = 0; p < pixels; p++) norm += values[o + p] * values[o + p];
            norm = Math.max(Math.sqrt(norm), 1e-12);
            double low = Double.POSITIVE_INFINITY;
            double high = Double.NEGATIVE_INFINITY;
            for (int p = 0; p < pixels; p++) {
                double v = values[o + p] / norm;
                out[o + p] = v;
                low = Math.min(low, v);
                high = Math.max(high, v);
            }
            for (int p = 0; p < pixels; p++) out[o + p] = high > low ? (out[o + p] - low) / (high - low) * 2 - 1 : 0;
        }
        return out;
    }

    /** Channel-first values as N x C rows, one per pixel. */
    public static double[][] points(double[] channelFirst, int channels, int pixels) {
        double[][] points = new double[pixels][channels];
        for (int c = 0; c < channels; c++) for (int p = 0; p < pixels; p++) points[p][c] = channelFirst[c * pixels + p];
        return points;
    }

    /**
     * Steps 2-3 before the size filter: every k's K-means (seed + k), initial segments and hierarchical segments, in
     * order of k. K-means runs one k after another (Smile's generator is seeded per thread); the trees in parallel.
     */
    public static List<int[]> candidates(double[][] points, int height, int width, Options options) {
        BBDTree tree = new BBDTree(points);
        List<int[]> initial = new ArrayList<>();
        for (int k = options.kMin(); k <= options.kMax(); k++) {
            KMeans fit = FeatureClustering.kMeans(tree, points, k, options.restarts(), options.seed() + k);
            initial.add(HierarchicalSegments.initial(fit.y, height, width, options.isFixed()));
        }
        List<List<int[]>> perK = IntStream.range(0, initial.size()).parallel()
                .mapToObj(i -> HierarchicalSegments.of(initial.get(i), height, width, points, options.isFixed()).masks())
                .toList();
        List<int[]> out = new ArrayList<>();
        perK.forEach(out::addAll);
        return out;
    }

    /** Steps 3-6 on given candidates (values over the grid, as {@link HierarchicalSegments} returns them). */
    public static Proposals select(double[][] points, List<int[]> candidates, int height, int width, Options options) {
        int n = height * width;
        List<boolean[]> sized = new ArrayList<>();
        for (int[] c : candidates) {
            long sum = 0;
            for (int v : c) sum += v; // their regions.sum(dim=[0, 1]): a value-2 pixel counts twice
            if (sum >= options.minArea() * n && sum <= options.maxArea() * n) {
                boolean[] mask = new boolean[n];
                for (int p = 0; p < n; p++) mask[p] = c[p] > 0;
                sized.add(mask);
            }
        }
        BorderFilter.Result borders = BorderFilter.authors(sized, height, width);
        List<boolean[]> regions = new ArrayList<>();
        for (int i : borders.kept()) regions.add(sized.get(i));
        double[] scores = regions.isEmpty() ? new double[0] : new BinarySilhouette(points).scores(regions);
        int[] order = MaskNms.greedy(regions, scores, options.iou(), options.maxMasks());
        List<boolean[]> masks = new ArrayList<>();
        List<Double> kept = new ArrayList<>();
        for (int i : order) {
            if (scores[i] > options.minScore()) {
                masks.add(regions.get(i));
                kept.add(scores[i]);
            }
        }
        Counts counts = new Counts(candidates.size(), sized.size(), borders.edges(), regions.size(), order.length, masks.size());
        return new Proposals(height, width, masks, kept.stream().mapToDouble(Double::doubleValue).toArray(), counts);
    }
}
