package org.pathways.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.pathways.common.AtomicFiles;

/** An evaluation's numbers as files: the scores, per-class IoU, both assignments, both confusion matrices, the counts. */
public final class SemanticReport {
    public static final List<String> FILES = List.of("scores.csv", "iou.csv", "assignment.csv", "confusion-hungarian.csv",
            "confusion-greedy.csv", "cluster-class-counts.csv");

    private SemanticReport() {}

    /** The two lines the evaluation prints, Hungarian first: {@code <rule> mIoU <x> pixel accuracy <y>}. */
    public static List<String> lines(SemanticEvaluation.Result r) {
        List<String> out = new ArrayList<>();
        for (SemanticEvaluation.Scores s : r.both()) {
            out.add(String.format(Locale.ROOT, "%s mIoU %.10f pixel accuracy %.10f", s.rule().label(), s.meanIou(), s.pixelAccuracy()));
        }
        return out;
    }

    /** Writes {@link #FILES} into {@code dir}; class names label the rows when given (else "class c"). */
    public static void write(SemanticEvaluation.Result r, List<String> names, Path dir) throws IOException {
        int n = r.hungarian().iou().length;
        StringBuilder scores = new StringBuilder("matching,miou,pixel_accuracy\n");
        for (SemanticEvaluation.Scores s : r.both()) scores.append(String.format(Locale.ROOT, "%s,%.10f,%.10f%n", s.rule().label(), s.meanIou(), s.pixelAccuracy()));
        save(dir.resolve("scores.csv"), scores);
        StringBuilder iou = new StringBuilder("class,name,hungarian_iou,greedy_iou\n");
        for (int c = 0; c < n; c++) iou.append(String.format(Locale.ROOT, "%d,%s,%.10f,%.10f%n", c, name(names, c), r.hungarian().iou()[c], r.greedy().iou()[c]));
        save(dir.resolve("iou.csv"), iou);
        StringBuilder assignment = new StringBuilder("cluster,hungarian_class,greedy_class\n");
        for (int c = 0; c < n; c++) assignment.append(c).append(',').append(r.hungarian().assignment()[c]).append(',').append(r.greedy().assignment()[c]).append('\n');
        save(dir.resolve("assignment.csv"), assignment);
        for (SemanticEvaluation.Scores s : r.both()) {
            StringBuilder m = new StringBuilder("predicted\\truth");
            for (int c = 0; c < n; c++) m.append(',').append(name(names, c));
            m.append('\n');
            for (int p = 0; p < n; p++) {
                m.append(name(names, p));
                for (long v : s.confusion()[p]) m.append(',').append(v);
                m.append('\n');
            }
            save(dir.resolve("confusion-" + s.rule().label() + ".csv"), m);
        }
        StringBuilder counts = new StringBuilder("cluster,ignored");
        for (int c = 0; c < n; c++) counts.append(',').append(name(names, c));
        counts.append('\n');
        long[][] k = r.clusterClassCounts();
        for (int c = 0; c < n; c++) {
            counts.append(c);
            for (long v : k[c]) counts.append(',').append(v);
            counts.append('\n');
        }
        save(dir.resolve("cluster-class-counts.csv"), counts);
    }

    private static String name(List<String> names, int c) {
        return names != null && c < names.size() ? names.get(c).replace(',', ' ') : "class " + c;
    }

    private static void save(Path file, CharSequence text) throws IOException {
        AtomicFiles.write(file, tmp -> Files.writeString(tmp, text));
    }
}
