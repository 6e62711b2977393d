package org.pathways.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import smile.clustering.BBDTree;
import smile.clustering.KMeans;

/**
 * The authors' region step ({@code auto_kmeans_feat}): K-means for k = 2..kMax on the per-pixel features, each fit
 * scored by the silhouette, the best k chosen. K-means is Smile's (k-means++ seeding, Lloyd iterations), best of
 * {@code restarts} fits as sklearn's n_init, seeded so runs repeat.
 *
 * <p>Unlike the authors, we do not refit k-means after choosing k: their labels come from a second, unscored fit
 * that can differ from the scored one; ours are the labels whose silhouette was reported.
 */
public final class KMeansSweep {
    /** One k of the sweep. */
    public record Fit(int k, int[] labels, double silhouette, double distortion) {}

    /** The whole sweep and the chosen fit. */
    public record Result(Fit[] fits, Fit best) {}

    /**
     * The values of k are fitted in parallel, one per core. Each fit seeds Smile's per-thread generator itself
     * ({@link FeatureClustering#kMeans}), so the labels do not depend on the thread or the order. A pool of its own,
     * not the fork-join pool: a fork-join worker that waits inside the silhouette's parallel stream may run another
     * fit in the middle of its own, and that fit would re-seed the generator under it.
     */
    private static final ExecutorService FITS = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(), task -> {
        Thread t = new Thread(task, "k-means sweep");
        t.setDaemon(true);
        return t;
    });

    private KMeansSweep() {}

    public static Fit fit(double[][] points, int k, int restarts, long seed) {
        return fit(new BBDTree(points), points, k, restarts, seed);
    }

    /** One k on a tree built once for the whole sweep (Smile would rebuild it for every restart). */
    private static Fit fit(BBDTree tree, double[][] points, int k, int restarts, long seed) {
        return fit(tree, points, null, k, restarts, seed);
    }

    /** As above, scored from the sweep's distances when it keeps them (null: computed for this k). */
    private static Fit fit(BBDTree tree, double[][] points, double[] distances, int k, int restarts, long seed) {
        KMeans best = FeatureClustering.kMeans(tree, points, k, restarts, seed);
        double silhouette = distances != null ? Silhouette.score(distances, points.length, best.y) : Silhouette.score(points, best.y);
        return new Fit(k, best.y.clone(), silhouette, best.distortion);
    }

    public static Result sweep(double[][] points, int kMin, int kMax, int restarts, long seed) {
        int upper = Math.min(kMax, points.length - 1);
        if (upper < kMin) throw new IllegalArgumentException("too few points (" + points.length + ") for k >= " + kMin);
        Fit[] fits = new Fit[upper - kMin + 1];
        BBDTree tree = new BBDTree(points);
        // the N^2 distances once for every k, not once per k (the silhouette's cost)
        double[] distances = points.length <= Silhouette.MAX_CACHED_POINTS ? Silhouette.distances(points) : null;
        List<Future<Fit>> pending = new ArrayList<>();
        for (int k = kMin; k <= upper; k++) {
            int clusters = k;
            pending.add(FITS.submit(() -> fit(tree, points, distances, clusters, restarts, seed + clusters)));
        }
        Fit best = null;
        for (int k = kMin; k <= upper; k++) {
            Fit f = result(pending.get(k - kMin));
            fits[k - kMin] = f;
            if (best == null || f.silhouette() > best.silhouette()) best = f;
        }
        return new Result(fits, best);
    }

    private static Fit result(Future<Fit> pending) {
        try {
            return pending.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the k-means sweep", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        }
    }
}
