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

    public static double score(double[][] points, int[] labels) {
        int n = points.length;
        if (labels.length != n) throw new IllegalArgumentException(labels.length + " labels for " + n + " points");
        int k = 0;
        for (int l : labels) k = Math.max(k, l + 1);
        int[] sizes = new int[k];
        for (int l : labels) sizes[l]++;
        int clusters = k;
        double total = IntStream.range(0, n).parallel().mapToDouble(i -> {
            double[] sums = new double[clusters];
            double[] p = points[i];
            for (int j = 0; j < n; j++) {
                if (j == i) continue;
                double[] q = points[j];
                double d = 0;
                for (int c = 0; c < p.length; c++) {
                    double t = p[c] - q[c];
                    d += t * t;
                }
                sums[labels[j]] += Math.sqrt(d);
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
