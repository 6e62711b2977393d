package org.pathways.eval;

import java.util.Arrays;

/**
 * The oracle mIoU of the paper's Table 1: every predicted region takes the ground-truth label it overlaps most
 * (pixels labelled {@code ignore} take no part in the vote or the IoU). Per image: mean IoU over the labels present
 * in the ground truth. Over a data set: per-label intersections and unions summed over all images, then the mean over
 * labels seen. Labels are 0..254; 255 is VOC's ignore label.
 */
public final class OracleMiou {
    public static final int IGNORE = 255;
    private static final int LABELS = 256;

    private final IouCounts totals = new IouCounts();
    private int images;

    /** Relabels each predicted region with the ground-truth label it overlaps most (ignore pixels excluded). */
    public static int[] assignLabels(int[] regions, int[] truth) {
        check(regions, truth);
        int regionCount = Arrays.stream(regions).max().orElse(-1) + 1;
        long[][] overlap = new long[regionCount][LABELS];
        for (int i = 0; i < regions.length; i++) if (truth[i] != IGNORE) overlap[regions[i]][truth[i]]++;
        int[] labelOf = new int[regionCount];
        for (int r = 0; r < regionCount; r++) {
            int best = IGNORE;
            long most = 0;
            for (int l = 0; l < LABELS; l++) {
                if (l != IGNORE && overlap[r][l] > most) {
                    most = overlap[r][l];
                    best = l;
                }
            }
            labelOf[r] = best; // a region lying only on ignore pixels predicts nothing
        }
        int[] out = new int[regions.length];
        for (int i = 0; i < out.length; i++) out[i] = labelOf[regions[i]];
        return out;
    }

    /** The image's per-label counts after each region takes its majority label. */
    public static IouCounts counts(int[] regions, int[] truth) {
        return IouCounts.of(assignLabels(regions, truth), truth);
    }

    /** Per-image oracle mIoU; also adds the image to the data-set totals. */
    public double add(int[] regions, int[] truth) {
        IouCounts image = counts(regions, truth);
        totals.add(image);
        images++;
        return image.miou();
    }

    /** Oracle mIoU of one image. */
    public static double of(int[] regions, int[] truth) {
        return new OracleMiou().add(regions, truth);
    }

    /** Data-set mIoU: mean over labels of summed intersections over summed unions. */
    public double datasetMiou() {
        return totals.miou();
    }

    public int images() {
        return images;
    }

    private static void check(int[] regions, int[] truth) {
        if (regions.length != truth.length) throw new IllegalArgumentException("prediction has " + regions.length + " pixels, ground truth " + truth.length);
        for (int t : truth) if (t < 0 || t >= LABELS) throw new IllegalArgumentException("ground-truth label " + t + " outside 0..255");
        for (int r : regions) if (r < 0) throw new IllegalArgumentException("negative region id " + r);
    }
}
