package org.pathways.eval.instances;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Greedy non-maximum suppression of masks, as the authors' {@code compute_instance_segmentation} runs it with
 * {@code mask_nms} ({@code single_img/eval_feat.py}): sort by score, best first; keep the best remaining mask and
 * drop every other whose IoU with it is not below the threshold ({@code iou < iou_th} survives, so IoU = 0.7 is
 * dropped, and so is a pair of empty masks, whose IoU 0/0 is NaN); repeat until none is left or {@code max} are kept.
 */
public final class MaskNms {
    /** The authors' threshold. */
    public static final double IOU = 0.7;

    private MaskNms() {}

    /** Intersection over union of two masks (NaN for two empty masks, as 0/0 in torch). */
    public static double iou(boolean[] a, boolean[] b) {
        int inter = 0;
        int union = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] && b[i]) inter++;
            if (a[i] || b[i]) union++;
        }
        return (double) inter / union;
    }

    /** One step, {@code mask_nms(kept, others, ...)}: the indices of {@code others} whose IoU with {@code kept} is below {@code threshold}. */
    public static int[] survivors(boolean[] kept, List<boolean[]> others, double threshold) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < others.size(); i++) if (iou(kept, others.get(i)) < threshold) out.add(i);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The whole loop: indices of the kept masks, best score first. Ties in score keep their input order (a stable
     * sort; torch's {@code argsort(descending=True)} leaves tie order unspecified).
     */
    public static int[] greedy(List<boolean[]> masks, double[] scores, double threshold, int max) {
        if (masks.size() != scores.length) throw new IllegalArgumentException(masks.size() + " masks, " + scores.length + " scores");
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
        List<Integer> remaining = new ArrayList<>(Arrays.asList(order));
        List<Integer> kept = new ArrayList<>();
        while (!remaining.isEmpty() && kept.size() < max) {
            int best = remaining.get(0);
            kept.add(best);
            List<Integer> next = new ArrayList<>();
            for (int i = 1; i < remaining.size(); i++) {
                int other = remaining.get(i);
                if (iou(masks.get(best), masks.get(other)) < threshold) next.add(other);
            }
            remaining = next;
        }
        return kept.stream().mapToInt(Integer::intValue).toArray();
    }
}
