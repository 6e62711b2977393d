package org.pathways.eval.instances;

import java.util.ArrayList;
import java.util.List;

/**
 * Background removal as the authors' {@code remove_bg_mask} and its use in {@code compute_instance_segmentation}
 * ({@code single_img/eval_feat.py}): a mask that touches at least {@code edges} of the grid's four borders (left and
 * right columns, top and bottom rows) is taken for background and dropped. The pipeline drops masks touching two or
 * more borders; if that leaves none, three or more; if that leaves none too, it keeps every mask.
 */
public final class BorderFilter {
    /** Which rule the fallback used: masks touching at least {@code edges} borders were dropped (0: none dropped). */
    public record Result(int[] kept, int edges) {}

    private BorderFilter() {}

    /** How many of the four borders the mask touches. */
    public static int borders(boolean[] mask, int height, int width) {
        boolean left = false;
        boolean right = false;
        boolean top = false;
        boolean bottom = false;
        for (int y = 0; y < height; y++) {
            left |= mask[y * width];
            right |= mask[y * width + width - 1];
        }
        for (int x = 0; x < width; x++) {
            top |= mask[x];
            bottom |= mask[(height - 1) * width + x];
        }
        return (left ? 1 : 0) + (right ? 1 : 0) + (top ? 1 : 0) + (bottom ? 1 : 0);
    }

    /** {@code remove_bg_mask(masks, edges)}: indices of the masks touching fewer than {@code edges} borders, in order. */
    public static int[] remove(List<boolean[]> masks, int height, int width, int edges) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < masks.size(); i++) if (borders(masks.get(i), height, width) < edges) out.add(i);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The authors' fallback: {@code remove(2)}, else {@code remove(3)}, else every mask. */
    public static Result authors(List<boolean[]> masks, int height, int width) {
        for (int edges = 2; edges <= 3; edges++) {
            int[] kept = remove(masks, height, width, edges);
            if (kept.length > 0) return new Result(kept, edges);
        }
        int[] all = new int[masks.size()];
        for (int i = 0; i < all.length; i++) all[i] = i;
        return new Result(all, 0);
    }
}
