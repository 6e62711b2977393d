package org.pathways.eval;

import java.util.function.IntConsumer;
import org.pathways.common.InvalidInputException;

/**
 * Unsupervised semantic segmentation scored as the authors score it ({@code eval_utils.py eval_semantic_segmentation},
 * after PiCIE and STEGO): cluster maps are matched to classes over the WHOLE data set (Hungarian and greedy), then
 * every image's matched map is compared with its labels. Cluster maps smaller than the labels are resized by nearest
 * neighbour, {@code src = floor(dst * in / out)} (torch's legacy {@code nearest}); a {@link Refiner} (the dense CRF)
 * may replace that resize in the scoring pass, as their {@code use_crf} does.
 */
public final class SemanticEvaluation {
    /** A map of integers, row-major. */
    public record LabelMap(int[] values, int height, int width) {
        public LabelMap {
            if (values.length != height * width) throw new IllegalArgumentException(values.length + " values for " + height + " x " + width);
        }
    }

    /** The data set, image by image (read lazily, so that a large set is never held whole). */
    public interface Source {
        int size();

        /** Image {@code i}'s cluster ids, 0..classes-1, at any resolution. */
        LabelMap clusters(int i);

        /** Image {@code i}'s labels, 0..classes-1 or the ignore value. */
        LabelMap labels(int i);

        /** For messages: which image. */
        String name(int i);
    }

    /** Turns image {@code i}'s matched class map into a prediction at the labels' size; called from several threads at once. */
    public interface Refiner {
        int[] refine(int i, LabelMap classes, int height, int width);
    }

    /** One matching rule's outcome. */
    public record Scores(ClusterMatching.Rule rule, int[] assignment, long[][] confusion, double[] iou, double meanIou, double pixelAccuracy) {}

    /** Both rules, Hungarian first, and the cluster-class counts they were read from. */
    public record Result(long[][] clusterClassCounts, Scores hungarian, Scores greedy) {
        public java.util.List<Scores> both() {
            return java.util.List.of(hungarian, greedy);
        }
    }

    private SemanticEvaluation() {}

    /** Nearest-neighbour resize, {@code src = floor(dst * in / out)}. */
    public static LabelMap nearest(LabelMap map, int height, int width) {
        if (map.height() == height && map.width() == width) return map;
        int[] out = new int[height * width];
        int[] columns = new int[width];
        for (int x = 0; x < width; x++) columns[x] = (int) ((long) x * map.width() / width);
        for (int y = 0; y < height; y++) {
            int row = (int) ((long) y * map.height() / height) * map.width();
            for (int x = 0; x < width; x++) out[y * width + x] = map.values()[row + columns[x]];
        }
        return new LabelMap(out, height, width);
    }

    /** With nearest resizing throughout. */
    public static Result evaluate(Source source, int classes, int ignore) {
        return evaluate(source, classes, ignore, null, i -> {});
    }

    /**
     * Two passes over the data set: the cluster-class counts, then each rule's confusion matrix.
     *
     * @param refiner  replaces the nearest resize in the scoring pass, or null
     * @param progress told after each image of each pass (2 x size calls)
     */
    public static Result evaluate(Source source, int classes, int ignore, Refiner refiner, IntConsumer progress) {
        if (source.size() == 0) throw new InvalidInputException("no images to evaluate");
        ClusterMatching matching = new ClusterMatching(classes);
        for (int i = 0; i < source.size(); i++) {
            LabelMap labels = source.labels(i);
            LabelMap clusters = nearest(source.clusters(i), labels.height(), labels.width());
            matching.add(clusters.values(), labels.values(), ignore, source.name(i));
            progress.accept(i);
        }
        ClusterMatching.Rule[] rules = ClusterMatching.Rule.values();
        int[][] assignments = new int[rules.length][];
        ConfusionMatrix[] confusions = new ConfusionMatrix[rules.length];
        for (int r = 0; r < rules.length; r++) {
            assignments[r] = matching.assignment(rules[r]);
            confusions[r] = new ConfusionMatrix(classes);
        }
        // the scoring pass: a refiner (the CRF, ~0.6 s an image) runs on every core; sums do not depend on the order
        java.util.concurrent.atomic.AtomicInteger scored = new java.util.concurrent.atomic.AtomicInteger();
        java.util.stream.IntStream images = java.util.stream.IntStream.range(0, source.size());
        (refiner == null ? images : images.parallel()).forEach(i -> {
            LabelMap labels = source.labels(i);
            LabelMap clusters = source.clusters(i);
            int[][] predicted = new int[rules.length][];
            for (int r = 0; r < rules.length; r++) {
                LabelMap matched = relabel(clusters, assignments[r]);
                predicted[r] = refiner == null
                        ? nearest(matched, labels.height(), labels.width()).values()
                        : refiner.refine(i, matched, labels.height(), labels.width());
            }
            synchronized (confusions) {
                for (int r = 0; r < rules.length; r++) confusions[r].add(predicted[r], labels.values(), ignore, source.name(i));
                progress.accept(source.size() + scored.getAndIncrement());
            }
        });
        Scores[] scores = new Scores[rules.length];
        for (int r = 0; r < rules.length; r++) {
            ConfusionMatrix m = confusions[r];
            scores[r] = new Scores(rules[r], assignments[r], m.counts(), m.iou(), m.meanIou(), m.pixelAccuracy());
        }
        return new Result(matching.counts(), scores[0], scores[1]);
    }

    private static LabelMap relabel(LabelMap clusters, int[] assignment) {
        int[] out = new int[clusters.values().length];
        for (int p = 0; p < out.length; p++) out[p] = assignment[clusters.values()[p]];
        return new LabelMap(out, clusters.height(), clusters.width());
    }
}
