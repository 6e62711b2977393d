package org.pathways.eval;

/**
 * Per-label intersections and unions (labels 0..254; 255 is the ignore label), for one image or summed over a data
 * set. mIoU averages over the labels whose union is not empty, so a label that occurs in neither the ground truth nor
 * the prediction takes no part. Summed counts give the data-set mIoU the papers report; the per-image value is the
 * mean over an image's own labels.
 */
public final class IouCounts {
    public static final int IGNORE = 255;
    static final int LABELS = 256;

    private final long[] intersections = new long[LABELS];
    private final long[] unions = new long[LABELS];

    /** Counts of a per-pixel prediction against the ground truth; pixels whose truth is {@link #IGNORE} are skipped. */
    public static IouCounts of(int[] predicted, int[] truth) {
        if (predicted.length != truth.length) throw new IllegalArgumentException("prediction has " + predicted.length + " pixels, ground truth " + truth.length);
        IouCounts c = new IouCounts();
        for (int i = 0; i < truth.length; i++) {
            int t = truth[i];
            if (t == IGNORE) continue;
            if (t < 0 || t >= LABELS) throw new IllegalArgumentException("ground-truth label " + t + " outside 0..255");
            int p = predicted[i];
            c.unions[t]++;
            if (p == t) c.intersections[t]++;
            else if (p >= 0 && p != IGNORE) c.unions[p]++;
        }
        return c;
    }

    /** Adds one label's counts (reading a counts file back). */
    public void add(int label, long intersection, long union) {
        intersections[label] += intersection;
        unions[label] += union;
    }

    public void add(IouCounts other) {
        for (int l = 0; l < LABELS; l++) add(l, other.intersections[l], other.unions[l]);
    }

    public long intersection(int label) {
        return intersections[label];
    }

    public long union(int label) {
        return unions[label];
    }

    /** IoU of one label, NaN when its union is empty. */
    public double iou(int label) {
        return unions[label] == 0 ? Double.NaN : (double) intersections[label] / unions[label];
    }

    /** Mean IoU over the labels with a non-empty union (NaN if none). */
    public double miou() {
        double sum = 0;
        int count = 0;
        for (int l = 0; l < LABELS; l++) {
            if (unions[l] > 0) {
                sum += (double) intersections[l] / unions[l];
                count++;
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    /** Mean IoU over labels 0..labels-1, a label with an empty union counting 0 (the fixed-class benchmark form). */
    public double miouOver(int labels) {
        double sum = 0;
        for (int l = 0; l < labels; l++) if (unions[l] > 0) sum += (double) intersections[l] / unions[l];
        return sum / labels;
    }
}
