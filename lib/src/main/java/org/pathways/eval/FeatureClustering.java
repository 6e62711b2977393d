package org.pathways.eval;

import org.ejml.data.DMatrixRMaj;
import org.pathways.linalg.SymmetricEigen;
import smile.clustering.BBDTree;
import smile.clustering.KMeans;
import smile.math.MathEx;

/**
 * The authors' clustering of a data set's features ({@code eval_utils.py eval_semantic_segmentation}): every location
 * of every image is a row of the stacked features X (images x h x w rows, K columns); rows are projected on the
 * leading right singular vectors, U S = X V (their {@code torch.svd_lowrank} with q = min(100, K) is the exact SVD
 * for K <= 100; no centring), the first {@code dims} columns kept, and K-means with as many clusters as classes.
 *
 * <p>Memory: the features are read in place and the points are built once, {@code rows x dims} doubles, which is the
 * only copy K-means sees (Smile's BBD tree holds indices and node sums, not the points).
 */
public final class FeatureClustering {
    /** The features of a data set, images x channels x height x width, channel-major per image. */
    public record Features(float[] values, int images, int channels, int height, int width) {
        public Features {
            if ((long) images * channels * height * width != values.length) {
                throw new IllegalArgumentException(values.length + " values for " + images + " x " + channels + " x " + height + " x " + width);
            }
        }

        int locations() {
            return height * width;
        }

        /** Image {@code i}'s channels x height x width values, as doubles. */
        public double[] image(int i) {
            int per = channels * height * width;
            double[] out = new double[per];
            for (int j = 0; j < per; j++) out[j] = values[i * per + j];
            return out;
        }
    }

    /** U S (rows x dims) and the singular values of X. */
    public record Projection(double[][] points, double[] singularValues) {}

    /** The cluster of every location, [image][y * width + x], and the K-means cost. */
    public record Clusters(int[][] labels, double distortion) {}

    private FeatureClustering() {}

    /** X's right singular vectors V (columns of the K x K eigenvectors of X^T X, largest first) and singular values. */
    public record Directions(double[][] vectors, double[] singularValues) {}

    /** V and the singular values of the stacked features: one pass over them, kept for every projection. */
    public static Directions directions(Features f) {
        int k = f.channels();
        int n = f.locations();
        DMatrixRMaj gram = new DMatrixRMaj(k, k);
        float[] v = f.values();
        for (int img = 0; img < f.images(); img++) {
            int base = img * k * n;
            for (int c1 = 0; c1 < k; c1++) {
                for (int c2 = c1; c2 < k; c2++) {
                    double s = 0;
                    int o1 = base + c1 * n;
                    int o2 = base + c2 * n;
                    for (int p = 0; p < n; p++) s += (double) v[o1 + p] * v[o2 + p];
                    gram.add(c1, c2, s);
                    if (c2 != c1) gram.add(c2, c1, s);
                }
            }
        }
        SymmetricEigen.Pairs pairs = SymmetricEigen.largest(gram, k);
        double[] singular = new double[pairs.count()];
        for (int d = 0; d < singular.length; d++) singular[d] = Math.sqrt(Math.max(0, pairs.values()[d]));
        return new Directions(pairs.vectors(), singular);
    }

    /** U S = X V, its first {@code dims} columns: one row per location (image-major), the one copy K-means reads. */
    public static double[][] points(Features f, Directions directions, int dims) {
        int k = f.channels();
        int n = f.locations();
        if (dims < 1 || dims > directions.vectors().length) throw new IllegalArgumentException("dims must be in 1.." + directions.vectors().length + ", got " + dims);
        float[] v = f.values();
        double[][] points = new double[f.images() * n][dims];
        for (int img = 0; img < f.images(); img++) {
            int base = img * k * n;
            for (int d = 0; d < dims; d++) {
                double[] direction = directions.vectors()[d];
                for (int c = 0; c < k; c++) {
                    double w = direction[c];
                    int o = base + c * n;
                    for (int p = 0; p < n; p++) points[img * n + p][d] += v[o + p] * w;
                }
            }
        }
        return points;
    }

    /** U S of the stacked features, its first {@code dims} columns, and the singular values. */
    public static Projection project(Features f, int dims) {
        Directions d = directions(f);
        return new Projection(points(f, d, dims), d.singularValues());
    }

    /**
     * K-means with {@code clusters} clusters on the first min(clusters, K) columns of U S: Smile's k-means++ and Lloyd,
     * the best of {@code restarts} fits (sklearn 1.2.1, the authors' version, makes 10), seeded.
     */
    public static Clusters cluster(Features f, int clusters, int restarts, long seed) {
        return cluster(f, directions(f), clusters, restarts, seed);
    }

    /** The same with the directions computed once for several clusterings of the same features. */
    public static Clusters cluster(Features f, Directions directions, int clusters, int restarts, long seed) {
        double[][] points = points(f, directions, Math.min(clusters, f.channels()));
        return split(kMeans(points, clusters, restarts, seed), f);
    }

    /** Best of {@code restarts} k-means fits on {@code points}, seeded; one BBD tree for all of them. */
    public static KMeans kMeans(double[][] points, int clusters, int restarts, long seed) {
        return kMeans(new BBDTree(points), points, clusters, restarts, seed);
    }

    /** The same on a tree built once for several fits (Smile would rebuild it for every restart). */
    public static KMeans kMeans(BBDTree tree, double[][] points, int clusters, int restarts, long seed) {
        if (clusters > points.length) throw new IllegalArgumentException(clusters + " clusters for " + points.length + " points");
        MathEx.setSeed(seed); // Smile's generator is per thread, so parallel workers do not disturb each other's seeding
        KMeans best = null;
        for (int r = 0; r < Math.max(1, restarts); r++) {
            KMeans candidate = KMeans.fit(tree, points, clusters, 300, 1e-4);
            if (best == null || candidate.distortion < best.distortion) best = candidate;
        }
        return best;
    }

    private static Clusters split(KMeans fit, Features f) {
        int n = f.locations();
        int[][] labels = new int[f.images()][n];
        for (int img = 0; img < f.images(); img++) System.arraycopy(fit.y, img * n, labels[img], 0, n);
        return new Clusters(labels, fit.distortion);
    }
}
