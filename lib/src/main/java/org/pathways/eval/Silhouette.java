package org.pathways.eval;

import java.util.stream.IntStream;

/**
 * Mean silhouette coefficient with Euclidean distances, as sklearn's {@code silhouette_score} and the authors'
 * {@code torch_silhouette_score}: a(i) = mean distance to the other members of i's cluster, b(i) = smallest mean
 * distance to another cluster, s(i) = (b - a) / max(a, b), and 0 for a point alone in its cluster. Smile has no
 * silhouette score, so it is written here (exact, O(N^2 d), parallel over points).
 */
public final class Silhouette {
    private Silhouette() {}

    /** Up to this many points a sweep keeps the N x N distances (8 N^2 bytes: 128 MB at 4096) and scores every k from them. */
    public static final int MAX_CACHED_POINTS = 4096;

    /** The pairwise Euclidean distances, row-major N x N, computed once for several labellings (in parallel over rows). */
    public static double[] distances(double[][] points) {
        int n = points.length;
        double[] d = new double[n * n];
        IntStream.range(0, n).parallel().forEach(i -> {
            double[] p = points[i];
            for (int j = 0; j < n; j++) d[i * n + j] = j == i ? 0 : distance(p, points[j]);
        });
        return d;
    }

    private static double distance(double[] p, double[] q) {
        double d = 0;
        for (int c = 0; c < p.length; c++) {
            double t = p[c] - q[c];
            d += t * t;
        }
        return Math.sqrt(d);
    }

    /** The score from {@link #distances} (the same sums in the same order as {@link #score(double[][], int[])}). */
    public static double score(double[] distances, int n, int[] labels) {
        if (distances.length != (long) n * n) throw new IllegalArgumentException(distances.length + " distances for " + n + " points");
        return score(n, labels, (i, j) -> distances[i * n + j]);
    }

    public static double score(double[][] points, int[] labels) {
        return score(points.length, labels, (i, j) -> distance(points[i], points[j]));
    }

    private interface Distance {
        double between(int i, int j);
    }

    private static double score(int n, int[] labels, Distance distance) {
        if (labels.length != n) throw new IllegalArgumentException(labels.length + " labels for " + n + " points");
        int k = 0;
        for (int l : labels) k = Math.max(k, l + 1);
        int[] sizes = new int[k];
        for (int l : labels) sizes[l]++;
        int clusters = k;
        double total = IntStream.range(0, n).parallel().mapToDouble(i -> {
            double[] sums = new double[clusters];
            for (int j = 0; j < n; j++) {
                if (j != i) sums[labels[j]] += distance.between(i, j);
            }
            int own = labels[i];
            if (sizes[own] <= 1) return 0;
            double a = sums[own] / (sizes[own] - 1);
            double b = Double.POSITIVE_INFINITY;
            for (int c = 0; c < clusters; c++) if (c != own && sizes[c] > 0) b = Math.min(b, sums[c] / sizes[c]);
            if (b == Double.POSITIVE_INFINITY) return 0;
            double m = Math.max(a, b);
            return m == 0 ? 0 : (b - a) / m;
        }).sum();
        return total / n;
    }
}
