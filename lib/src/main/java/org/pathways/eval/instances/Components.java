package org.pathways.eval.instances;

import java.util.ArrayList;
import java.util.List;

/**
 * 8-connected components of a grid of integer values, as {@code skimage.measure.label} finds them with its default
 * connectivity (full, i.e. 8 in 2-D): a component is a maximal 8-connected set of pixels of the <em>same</em> value.
 * Labels are numbered in raster order of each component's first pixel (row-major, y * width + x), as skimage numbers
 * them.
 *
 * <p>Two labellings: {@link #skimage} is skimage's default, where every pixel of value 0 is background and gets label 0
 * whether or not those pixels are connected (the authors call {@code measure.label(kmeans_label)}, so their K-means
 * cluster 0 becomes one label, 0); {@link #every} labels every component of every value, 0..n-1, cluster 0 included.
 */
public final class Components {
    private Components() {}

    /**
     * {@code skimage.measure.label(values)} (background 0, 8-connectivity): background pixels 0, components 1..n in
     * raster order of their first pixel.
     */
    public static int[] skimage(int[] values, int height, int width) {
        return label(values, height, width, true, 1);
    }

    /** Every 8-connected component of equal values labelled 0..n-1 in raster order of its first pixel; no background. */
    public static int[] every(int[] values, int height, int width) {
        return label(values, height, width, false, 0);
    }

    /** The number of labels 0..max of a labelling (max + 1; 0 for an empty grid). */
    public static int count(int[] labels) {
        int max = -1;
        for (int l : labels) max = Math.max(max, l);
        return max + 1;
    }

    /** The 8-connected components of the pixels where {@code mask} is true, each as its own mask, in raster order. */
    public static List<boolean[]> split(boolean[] mask, int height, int width) {
        int[] values = new int[mask.length];
        for (int i = 0; i < mask.length; i++) values[i] = mask[i] ? 1 : 0;
        int[] labels = skimage(values, height, width);
        int n = count(labels);
        List<boolean[]> out = new ArrayList<>();
        for (int l = 1; l < n; l++) {
            boolean[] part = new boolean[mask.length];
            for (int i = 0; i < labels.length; i++) part[i] = labels[i] == l;
            out.add(part);
        }
        return out;
    }

    private static int[] label(int[] values, int height, int width, boolean zeroIsBackground, int first) {
        if (values.length != height * width) throw new IllegalArgumentException(values.length + " values for a " + height + " x " + width + " grid");
        int[] labels = new int[values.length];
        java.util.Arrays.fill(labels, -1);
        int[] stack = new int[values.length];
        int next = first;
        for (int start = 0; start < values.length; start++) {
            if (labels[start] >= 0) continue;
            int v = values[start];
            if (zeroIsBackground && v == 0) {
                labels[start] = 0;
                continue;
            }
            // flood fill of the 8-connected component of equal values; the raster scan makes label order skimage's
            int top = 0;
            stack[top++] = start;
            labels[start] = next;
            while (top > 0) {
                int p = stack[--top];
                int y = p / width;
                int x = p % width;
                for (int dy = -1; dy <= 1; dy++) {
                    int yy = y + dy;
                    if (yy < 0 || yy >= height) continue;
                    for (int dx = -1; dx <= 1; dx++) {
                        int xx = x + dx;
                        if (xx < 0 || xx >= width || (dx == 0 && dy == 0)) continue;
                        int q = yy * width + xx;
                        if (labels[q] < 0 && values[q] == v) {
                            labels[q] = next;
                            stack[top++] = q;
                        }
                    }
                }
            }
            next++;
        }
        return labels;
    }
}
