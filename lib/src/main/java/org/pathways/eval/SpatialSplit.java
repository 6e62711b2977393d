package org.pathways.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.pathways.common.InvalidInputException;

/**
 * The ground truth of the paper's "spatial semantic segmentation" (Sec. 4.2.3, Table 4, Figure 7): every class is
 * split into a left and a right class. The paper: "identifying disconnected regions for each category ... and then
 * scoring each region based on its pixel distance to the image's left/right border. We filter out smaller regions with
 * pixel counts less than 50 and ambiguous regions located close to the image center." Here a region is an
 * 8-connected component of one class; its score is its centroid's x as a fraction of the width, measured at pixel
 * centres ((column + 0.5) / W, so that a mirrored image gets mirrored sides). Class c's region becomes 2c on the left,
 * 2c + 1 on the right; a small or central region, and every ignore pixel, becomes {@link #IGNORE}. N classes become 2N.
 *
 * <p>The paper gives neither the centre band nor whether regions join diagonally; the band and the connectivity are
 * OURS ({@link Thresholds#OURS}), only the 50 pixels are the paper's.
 *
 * <p>Components are found by an iterative flood fill written here: Smile's graph classes would need an edge object
 * for each pair of neighbouring pixels to find the same components, and a stack of pixel indices is a few lines.
 */
public final class SpatialSplit {
    public static final int IGNORE = 255;

    private SpatialSplit() {}

    /**
     * Where a region's centroid must lie to count as left ({@code x / W < leftBelow}) or right
     * ({@code x / W > rightAbove}); regions between are ambiguous. Regions of fewer than {@code minPixels} pixels (at
     * the labels' own resolution, or at the source resolution for {@link #splitScaled}) are dropped.
     */
    public record Thresholds(double leftBelow, double rightAbove, int minPixels) {
        /** Our choice: the central tenth of the width is ambiguous; the paper's 50 pixels. */
        public static final Thresholds OURS = new Thresholds(0.45, 0.55, 50);

        public Thresholds {
            if (!(leftBelow >= 0 && leftBelow <= rightAbove && rightAbove <= 1)) {
                throw new InvalidInputException("spatial split thresholds: need 0 <= left-below <= right-above <= 1, got " + leftBelow + " and " + rightAbove);
            }
            if (minPixels < 0) throw new InvalidInputException("spatial split thresholds: minimum region size " + minPixels + " is negative");
        }
    }

    /** What became of a region: its side, or why it was dropped. */
    public enum Side { LEFT, RIGHT, CENTRAL, SMALL }

    /** One connected region of one class: its size in the labels' pixels and its centroid x as a fraction of W. */
    public record Region(int classId, int pixels, double centroidX, Side side) {}

    /** The split label map (same size as the input) and the regions that made it, in scan order of their first pixel. */
    public record Split(int[] labels, List<Region> regions) {}

    public static int leftLabel(int classId) {
        return 2 * classId;
    }

    public static int rightLabel(int classId) {
        return 2 * classId + 1;
    }

    /** The 2N class names: "sky (left)", "sky (right)", ... in the order of {@link #leftLabel} and {@link #rightLabel}. */
    public static List<String> names(List<String> classNames) {
        List<String> out = new ArrayList<>(2 * classNames.size());
        for (String name : classNames) {
            out.add(name + " (left)");
            out.add(name + " (right)");
        }
        return List.copyOf(out);
    }

    /**
     * Splits a label map (row-major, {@code height x width}, classes 0..classes-1, {@link #IGNORE} = ignore) at its own
     * resolution: a region's size is its pixel count.
     */
    public static Split split(int[] labels, int height, int width, int classes, Thresholds thresholds) {
        return split(labels, height, width, classes, thresholds, 1.0);
    }

    /**
     * Splits a label map sampled from a {@code sourceHeight x sourceWidth} one (the 32 x 32 grid of the data-set
     * features, say) as the source would be split: the side thresholds are fractions of the width at any resolution,
     * and the minimum size stays in source pixels, one label pixel standing for
     * {@code (sourceHeight * sourceWidth) / (height * width)} of them (the area it covers). A 320 x 320 crop's
     * 50 pixels are half a cell of a 32 x 32 grid, so there every region of at least one cell is kept.
     */
    public static Split splitScaled(int[] labels, int height, int width, int classes, Thresholds thresholds, int sourceHeight, int sourceWidth) {
        if (sourceHeight < 1 || sourceWidth < 1) throw new InvalidInputException("spatial split: source size " + sourceHeight + " x " + sourceWidth + " is not positive");
        return split(labels, height, width, classes, thresholds, (double) sourceHeight * sourceWidth / ((double) height * width));
    }

    private static Split split(int[] labels, int height, int width, int classes, Thresholds thresholds, double pixelArea) {
        check(labels, height, width, classes);
        int n = labels.length;
        int[] out = new int[n];
        Arrays.fill(out, IGNORE);
        boolean[] seen = new boolean[n];
        int[] stack = new int[n];
        int[] members = new int[n];
        List<Region> regions = new ArrayList<>();
        for (int start = 0; start < n; start++) {
            int label = labels[start];
            if (label == IGNORE || seen[start]) continue;
            // flood fill of the 8-connected component of this pixel's class
            int size = 0;
            int top = 0;
            long columnSum = 0;
            stack[top++] = start;
            seen[start] = true;
            while (top > 0) {
                int p = stack[--top];
                members[size++] = p;
                int y = p / width;
                int x = p % width;
                columnSum += x;
                for (int dy = -1; dy <= 1; dy++) {
                    int ny = y + dy;
                    if (ny < 0 || ny >= height) continue;
                    for (int dx = -1; dx <= 1; dx++) {
                        int nx = x + dx;
                        if ((dx == 0 && dy == 0) || nx < 0 || nx >= width) continue;
                        int q = ny * width + nx;
                        if (!seen[q] && labels[q] == label) {
                            seen[q] = true;
                            stack[top++] = q;
                        }
                    }
                }
            }
            double centroidX = ((double) columnSum / size + 0.5) / width;
            Side side;
            if (size * pixelArea < thresholds.minPixels()) side = Side.SMALL;
            else if (centroidX < thresholds.leftBelow()) side = Side.LEFT;
            else if (centroidX > thresholds.rightAbove()) side = Side.RIGHT;
            else side = Side.CENTRAL;
            int target = side == Side.LEFT ? leftLabel(label) : side == Side.RIGHT ? rightLabel(label) : IGNORE;
            for (int i = 0; i < size; i++) out[members[i]] = target;
            regions.add(new Region(label, size, centroidX, side));
        }
        return new Split(out, List.copyOf(regions));
    }

    private static void check(int[] labels, int height, int width, int classes) {
        if (height < 1 || width < 1) throw new InvalidInputException("spatial split: label map size " + height + " x " + width + " is not positive");
        if (labels.length != (long) height * width) throw new InvalidInputException("spatial split: " + labels.length + " labels for a " + height + " x " + width + " map");
        if (classes < 1 || rightLabel(classes - 1) >= IGNORE) {
            throw new InvalidInputException("spatial split: " + classes + " classes; need 1.." + IGNORE / 2 + " so that the 2N split labels stay under " + IGNORE);
        }
        for (int p = 0; p < labels.length; p++) {
            int l = labels[p];
            if (l != IGNORE && (l < 0 || l >= classes)) {
                throw new InvalidInputException("spatial split: label " + l + " at (x " + p % width + ", y " + p / width + ") is neither a class 0.." + (classes - 1) + " nor " + IGNORE);
            }
        }
    }
}
