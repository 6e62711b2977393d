package org.pathways.eval.instances;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The score of an instance proposal (paper App. D.2): the silhouette of a binary clustering, the mask against a
 * balanced background, following the authors' {@code compute_binary_silhouette_score} and {@code find_comp_mask}
 * ({@code single_img/eval_feat.py}), written anew.
 *
 * <p><b>Balanced background</b> ({@code find_comp_mask}): theirs lets each foreground pixel keep its F nearest
 * background pixels in feature space (F = the mask's size; Euclidean), gives each background pixel so kept the smallest
 * distance at which it was kept, and takes the F background pixels with the smallest such distance (all of them when
 * the mask covers half the grid or more). The per-pixel limit never changes which pixels win, so we take the F
 * background pixels nearest to the mask (smallest distance to any foreground pixel), ties to the lower index: if the
 * foreground pixel p nearest to a winner q did not keep q, p kept F background pixels nearer than q, each of which is
 * then nearer to the mask than q, so q could not be among the F nearest (a winner's distance is the same either way,
 * and any other pixel's can only grow). Exact ties in distance are where the two could differ; their order is
 * unspecified in theirs too ({@code torch.sort} is not stable). {@code ScoringTest} checks this against a literal
 * transcription of their tensor steps.
 *
 * <p><b>Score</b>, exactly as their tensor expression computes it, for foreground pixels and the selected background
 * pixels S: a foreground pixel's a = mean distance to the other foreground pixels (sum / (F - 1)), b = mean distance
 * to S; a selected background pixel's a = mean distance to every other pixel outside the mask (all of the
 * background, not only S: sum / (N - F - 1)), b = mean distance to every pixel not in S (the mask and the unselected
 * background: sum / (N - |S|)); s = (b - a) / max(a, b), averaged over the mask and S. Their 1e-10 guards in the
 * denominators are kept. Where they would divide 0 by 0 (a = b = 0, duplicate features) we count s = 0, as sklearn's
 * silhouette does; an empty mask scores 0.
 *
 * <p>Distances are computed once per feature map in double (the authors': {@code torch.cdist} in float32). Pixel p is
 * row-major, y * width + x.
 */
public final class BinarySilhouette {
    private final int n;
    private final double[] distance;
    private final double[] total;

    /** @param points N x C, one row per pixel */
    public BinarySilhouette(double[][] points) {
        n = points.length;
        distance = new double[n * n];
        IntStream.range(0, n).parallel().forEach(i -> {
            double[] a = points[i];
            for (int j = 0; j < n; j++) {
                double[] b = points[j];
                double s = 0;
                for (int c = 0; c < a.length; c++) {
                    double d = a[c] - b[c];
                    s += d * d;
                }
                distance[i * n + j] = Math.sqrt(s);
            }
        });
        total = new double[n];
        IntStream.range(0, n).parallel().forEach(i -> {
            double s = 0;
            for (int j = 0; j < n; j++) s += distance[i * n + j];
            total[i] = s;
        });
    }

    public int pixels() {
        return n;
    }

    /** Euclidean distance between the features of pixels i and j. */
    public double distance(int i, int j) {
        return distance[i * n + j];
    }

    /** {@code find_comp_mask(cdist, mask) * (1 - mask)}: the balanced background of a mask. */
    public boolean[] background(boolean[] mask) {
        check(mask);
        int f = 0;
        for (boolean b : mask) if (b) f++;
        int[] fg = new int[f];
        int at = 0;
        for (int p = 0; p < n; p++) if (mask[p]) fg[at++] = p;
        // each background pixel's distance to the mask, the F smallest taken, ties to the lower index
        Integer[] order = new Integer[n - f];
        double[] nearestToMask = new double[n];
        int m = 0;
        for (int q = 0; q < n; q++) {
            if (mask[q]) continue;
            double best = Double.POSITIVE_INFINITY;
            int row = q * n; // d(p, q) = d(q, p) bit for bit: read along q's row
            for (int p : fg) best = Math.min(best, distance[row + p]);
            nearestToMask[q] = best;
            order[m++] = q;
        }
        Arrays.sort(order, (x, y) -> Double.compare(nearestToMask[x], nearestToMask[y])); // stable: ties keep index order
        boolean[] out = new boolean[n];
        for (int i = 0; i < Math.min(f, m); i++) out[order[i]] = true;
        return out;
    }

    /** {@code compute_binary_silhouette_score} of one mask. */
    public double score(boolean[] mask) {
        boolean[] selected = background(mask);
        int f = 0;
        int s = 0;
        for (int p = 0; p < n; p++) {
            if (mask[p]) f++;
            if (selected[p]) s++;
        }
        if (f == 0) return 0;
        int[] members = new int[f + s];
        int[] fg = new int[f];
        int[] sel = new int[s];
        int fi = 0;
        int si = 0;
        for (int p = 0; p < n; p++) {
            if (mask[p]) fg[fi++] = p;
            if (selected[p]) sel[si++] = p;
        }
        System.arraycopy(fg, 0, members, 0, f);
        System.arraycopy(sel, 0, members, f, s);
        double sum = 0;
        for (int p : members) {
            int row = p * n;
            double toMask = 0;
            for (int q : fg) toMask += distance[row + q];
            double toSelected = 0;
            for (int q : sel) toSelected += distance[row + q];
            double a;
            double b;
            if (mask[p]) {
                a = toMask / (f - 1 + 1e-10);
                b = toSelected / (s + 1e-10);
            } else {
                a = (total[p] - toMask) / (n - f - 1 + 1e-10);
                b = (total[p] - toSelected) / (n - s + 1e-10);
            }
            double denominator = Math.max(a, b);
            sum += denominator == 0 ? 0 : (b - a) / denominator;
        }
        return sum / (f + s);
    }

    /** The scores of many masks, in parallel. */
    public double[] scores(List<boolean[]> masks) {
        return masks.parallelStream().mapToDouble(this::score).toArray();
    }

    private void check(boolean[] mask) {
        if (mask.length != n) throw new IllegalArgumentException("mask of " + mask.length + " pixels for " + n);
    }
}
