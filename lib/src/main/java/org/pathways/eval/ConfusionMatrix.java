package org.pathways.eval;

import org.pathways.common.InvalidInputException;

/**
 * Predicted class against ground-truth class over a data set, and the scores the authors print: IoU per class =
 * tp / (tp + fp + fn + 1e-10), averaged over ALL classes (a class that never occurs scores 0), as their {@code
 * eval_semantic_segmentation}; and pixel accuracy over the labelled pixels. Counts are exact (long); the authors
 * accumulate in float32, which is exact up to 2^24 pixels per cell.
 */
public final class ConfusionMatrix {
    private final int classes;
    /** [predicted][truth]. */
    private final long[][] counts;

    public ConfusionMatrix(int classes) {
        this.classes = classes;
        this.counts = new long[classes][classes];
    }

    /** Adds one image's predictions (0..classes-1) against its labels; pixels labelled {@code ignore} do not count. */
    public void add(int[] predicted, int[] labels, int ignore, String where) {
        if (predicted.length != labels.length) throw new IllegalArgumentException(where + ": " + predicted.length + " predictions for " + labels.length + " labels");
        for (int p = 0; p < labels.length; p++) {
            int l = labels[p];
            if (l == ignore) continue;
            if (l < 0 || l >= classes) throw new InvalidInputException(where + ": label " + l + " at pixel " + p + " is outside 0.." + (classes - 1) + " and is not the ignore value " + ignore);
            counts[predicted[p]][l]++;
        }
    }

    /** [predicted][truth] (a copy). */
    public long[][] counts() {
        long[][] copy = new long[classes][];
        for (int c = 0; c < classes; c++) copy[c] = counts[c].clone();
        return copy;
    }

    public double[] iou() {
        double[] out = new double[classes];
        for (int c = 0; c < classes; c++) {
            long tp = counts[c][c];
            long predicted = 0;
            long truth = 0;
            for (int o = 0; o < classes; o++) {
                predicted += counts[c][o];
                truth += counts[o][c];
            }
            out[c] = tp / (predicted + truth - tp + 1e-10);
        }
        return out;
    }

    public double meanIou() {
        double s = 0;
        for (double v : iou()) s += v;
        return s / classes;
    }

    public double pixelAccuracy() {
        long right = 0;
        long all = 0;
        for (int c = 0; c < classes; c++) {
            right += counts[c][c];
            for (long v : counts[c]) all += v;
        }
        return all == 0 ? 0 : (double) right / all;
    }
}
