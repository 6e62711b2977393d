package org.pathways.eval.instances;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The proposals of one initial segmentation: every segment and every Ward merge of spatially adjacent segments,
 * following the authors' {@code hierarchical_clustering} ({@code single_img/eval_feat.py} of
 * github.com/xiao7199/layer_distributed_spectral_clustering), written anew here.
 *
 * <p>Their steps: the segments' adjacency from every 3 x 3 neighbourhood ({@code find_label_adj_pair}); each segment's
 * mean feature ({@code compute_segment_center}, float32 as in torch: the sum rounded to float, divided by the count);
 * {@code AgglomerativeClustering(n_clusters = number of connected components of the adjacency, connectivity =
 * adjacency)}, i.e. {@link WardTree} with one unweighted sample per segment; then a stack of masks, segment l at index
 * l and merge m at index L + 1 + m (L the largest label), and the proposals taken from that stack.
 *
 * <p>{@link #authors} reproduces what their function returns, quirks included ({@link Quirk}); {@link #fixed} is the
 * same procedure without them. The golden test checks {@link #authors} against their output as a set.
 */
public final class HierarchicalSegments {
    /** What the authors' function does that decides which proposals exist, and what {@link #fixed} does instead. */
    public enum Quirk {
        /**
         * {@code measure.label(kmeans_label)} treats K-means cluster 0 as skimage's background: all of its pixels get
         * label 0 together, connected or not, and their loop {@code for seg_id in range(1, ...)} never proposes segment 0.
         * Because of {@link #CHILD_OFFSET} no merge ever includes it either. Fixed: every connected component of every
         * cluster is a segment ({@link Components#every}) and every segment is a proposal.
         */
        CLUSTER_ZERO_BACKGROUND,
        /**
         * A merge sums {@code segment[:, :, children_[m] + 1]}: the masks one index past its children, i.e. the next
         * label for a leaf, the next merge for a merge (possibly the merge being built, still empty). The sum can
         * overlap itself, giving pixels of value 2 (kept as such; skimage then labels the 1s and the 2s apart). Fixed:
         * a merge is the union of its two children.
         */
        CHILD_OFFSET,
        /**
         * When a mask is not one connected component (skimage finds other than exactly two values, 0 and one label),
         * the loop adds a mask for every label of {@code measure.label(mask)}, <em>including label 0</em>: the
         * complement of the mask becomes a proposal too; an empty mask (from {@link #CHILD_OFFSET}) yields the whole
         * grid. Fixed: only the mask's components are added (and a connected mask once, as itself).
         */
        SPLIT_ADDS_COMPLEMENT
    }

    private HierarchicalSegments() {}

    /** One proposal list: masks as values over the grid (0/1; 2 where {@link Quirk#CHILD_OFFSET} overlapped). */
    public record Segments(List<int[]> masks, int height, int width) {}

    /** The initial segmentation of K-means labels: the authors' ({@link Components#skimage}) or, fixed, {@link Components#every}. */
    public static int[] initial(int[] kmeansLabels, int height, int width, boolean fixed) {
        return fixed ? Components.every(kmeansLabels, height, width) : Components.skimage(kmeansLabels, height, width);
    }

    public static Segments of(int[] initial, int height, int width, double[][] pixelFeatures, boolean fixed) {
        return fixed ? fixed(initial, height, width, pixelFeatures) : authors(initial, height, width, pixelFeatures);
    }

    /**
     * The authors' {@code hierarchical_clustering(init_seg, feat)}, quirks and all.
     *
     * @param initial labels 0..L over the grid, row-major (their {@code init_seg}: {@code measure.label} of K-means labels)
     * @param pixelFeatures N x C, pixel p = y * width + x
     */
    public static Segments authors(int[] initial, int height, int width, double[][] pixelFeatures) {
        int n = Components.count(initial);
        WardTree.Tree tree = tree(initial, height, width, pixelFeatures, n);
        int merges = tree.merges();
        int[][] stack = new int[n + merges][initial.length];
        for (int p = 0; p < initial.length; p++) stack[initial[p]][p] = 1;
        for (int m = 0; m < merges; m++) {
            int[] a = stack[tree.children()[m][0] + 1]; // Quirk.CHILD_OFFSET: one past each child
            int[] b = stack[tree.children()[m][1] + 1];
            int[] merged = stack[n + m];
            for (int p = 0; p < merged.length; p++) merged[p] = a[p] + b[p];
        }
        List<int[]> out = new ArrayList<>();
        for (int s = 1; s < stack.length; s++) { // Quirk.CLUSTER_ZERO_BACKGROUND: segment 0 is skipped
            int[] mask = stack[s];
            int[] labels = Components.skimage(mask, height, width);
            TreeSet<Integer> unique = new TreeSet<>();
            for (int l : labels) unique.add(l);
            if (unique.size() == 2) {
                out.add(mask.clone());
            } else {
                for (int u : unique) { // Quirk.SPLIT_ADDS_COMPLEMENT: label 0, the complement, is one of them
                    int[] part = new int[mask.length];
                    for (int p = 0; p < part.length; p++) part[p] = labels[p] == u ? 1 : 0;
                    out.add(part);
                }
            }
        }
        return new Segments(out, height, width);
    }

    /**
     * The same procedure without the quirks: every segment of {@code initial} (labels 0..n-1, e.g. from
     * {@link Components#every}) and every merge (the union of its two children) is a proposal, each split into its
     * 8-connected components (a merge of adjacent connected segments is connected, so this changes nothing unless
     * the initial segments are not connected).
     */
    public static Segments fixed(int[] initial, int height, int width, double[][] pixelFeatures) {
        int n = Components.count(initial);
        WardTree.Tree tree = tree(initial, height, width, pixelFeatures, n);
        int merges = tree.merges();
        boolean[][] stack = new boolean[n + merges][initial.length];
        for (int p = 0; p < initial.length; p++) stack[initial[p]][p] = true;
        for (int m = 0; m < merges; m++) {
            boolean[] a = stack[tree.children()[m][0]];
            boolean[] b = stack[tree.children()[m][1]];
            boolean[] merged = stack[n + m];
            for (int p = 0; p < merged.length; p++) merged[p] = a[p] || b[p];
        }
        List<int[]> out = new ArrayList<>();
        for (boolean[] mask : stack) {
            for (boolean[] part : Components.split(mask, height, width)) {
                int[] v = new int[part.length];
                for (int p = 0; p < v.length; p++) v[p] = part[p] ? 1 : 0;
                out.add(v);
            }
        }
        return new Segments(out, height, width);
    }

    /** Adjacency, segment means and the Ward tree of {@code n} segments (shared by both variants). */
    static WardTree.Tree tree(int[] initial, int height, int width, double[][] pixelFeatures, int n) {
        if (initial.length != height * width) throw new IllegalArgumentException(initial.length + " labels for a " + height + " x " + width + " grid");
        if (pixelFeatures.length != initial.length) throw new IllegalArgumentException(pixelFeatures.length + " feature rows for " + initial.length + " pixels");
        boolean[][] adjacent = adjacency(initial, height, width, n); // symmetric: both directions are set
        int components = 0;
        for (int c : WardTree.connectedComponents(adjacent)) components = Math.max(components, c + 1);
        return WardTree.build(centres(initial, pixelFeatures, n), adjacent, components);
    }

    /** {@code find_label_adj_pair}: segments a != b are adjacent when some pixel of a has a pixel of b in its 3 x 3 neighbourhood. */
    static boolean[][] adjacency(int[] labels, int height, int width, int n) {
        boolean[][] adjacent = new boolean[n][n];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int a = labels[y * width + x];
                for (int dy = -1; dy <= 1; dy++) {
                    int yy = y + dy;
                    if (yy < 0 || yy >= height) continue;
                    for (int dx = -1; dx <= 1; dx++) {
                        int xx = x + dx;
                        if (xx < 0 || xx >= width) continue;
                        int b = labels[yy * width + xx];
                        if (a != b) {
                            adjacent[a][b] = true;
                            adjacent[b][a] = true;
                        }
                    }
                }
            }
        }
        return adjacent;
    }

    /**
     * {@code compute_segment_center}: each segment's mean feature, in float32 as torch computes it (the sum rounded to
     * float, then divided by the count + 1e-10, which is the count in float32); an absent label's mean is 0.
     */
    static double[][] centres(int[] labels, double[][] pixelFeatures, int n) {
        int channels = pixelFeatures.length == 0 ? 0 : pixelFeatures[0].length;
        double[][] sum = new double[n][channels];
        int[] count = new int[n];
        for (int p = 0; p < labels.length; p++) {
            count[labels[p]]++;
            double[] f = pixelFeatures[p];
            double[] s = sum[labels[p]];
            for (int c = 0; c < channels; c++) s[c] += f[c];
        }
        double[][] out = new double[n][channels];
        for (int l = 0; l < n; l++) {
            float denominator = (float) (count[l] + 1e-10);
            for (int c = 0; c < channels; c++) out[l][c] = (float) sum[l][c] / denominator;
        }
        return out;
    }
}
