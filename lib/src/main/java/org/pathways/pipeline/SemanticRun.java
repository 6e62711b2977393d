package org.pathways.pipeline;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.pathways.common.AtomicFiles;
import org.pathways.common.InvalidInputException;
import org.pathways.crf.ClassGrid;
import org.pathways.crf.DenseCrf;
import org.pathways.data.Images;
import org.pathways.data.LabelledImages;
import org.pathways.eval.CoordinateRegression;
import org.pathways.eval.FeatureClustering;
import org.pathways.eval.PaperFigures;
import org.pathways.eval.SemanticEvaluation;
import org.pathways.eval.SemanticEvaluation.LabelMap;
import org.pathways.eval.SemanticReport;
import org.pathways.eval.SpatialSplit;
import org.pathways.viz.Pictures;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The evaluation half of the data-set-level experiments (paper Sec. 4.2.2-4.2.3, App. C; Tables 2-4, Figs. 5-9) on
 * features files: for each set of features, K-means with K = the number of classes on U S, matched to the classes
 * greedily and by Hungarian over the whole data set (optionally refined by the dense CRF), the "where" measures
 * (coordinate regression, and the same segmentation protocol on left/right-split labels, 2 x the classes), and the
 * tables with the paper's numbers beside ours.
 *
 * <p>The labels are cropped as the training cropped the images (short side {@code cropSide}, centre square: App. C.1
 * after PiCIE and STEGO), and scores are computed at that resolution; ignore = 255.
 */
public final class SemanticRun {
    public static final int IGNORE = 255;
    public static final String TABLE2 = "table2";
    public static final String TABLE3 = "table3";
    public static final String TABLE4 = "table4";
    public static final String SPLIT_FIGURE = "spatial-split.png";
    /** Images shown in each figure. */
    static final int SHOWN = 6;

    /**
     * One set of features to evaluate.
     *
     * @param label     how our tables name it, e.g. "Ours (V-V graph), dino-vits16"
     * @param features  images x K x h x w, in the order of the run's ids
     */
    public record Entry(String label, FeatureClustering.Features features) {
        /** A data-set training's features ({@code features.npy}), labelled as the paper's row for its graph. */
        public static Entry ours(DatasetTraining.Pathway graph, Path trainingDir) throws IOException {
            String row = graph == DatasetTraining.Pathway.QK ? "Ours (Q-K graph)" : "Ours (V-V graph)";
            return new Entry(row, DatasetFeatures.read(trainingDir).asFeatures());
        }

        /** K-means on a backbone's final-layer tokens ({@link FinalLayerFeatures}). */
        public static Entry kMeans(String backbone, FeatureClustering.Features tokens) {
            return new Entry("K-Means (" + backbone + " final layer)", tokens);
        }

        public String folder() {
            return label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        }
    }

    /**
     * @param dataset   the paper's column the set stands for: "cocostuff27" or "cityscapes"
     * @param sample    the data are a generated sample (the tables say their numbers mean nothing)
     * @param restarts  K-means restarts (sklearn 1.2.1, the authors' version: 10)
     * @param crf       also score with the dense CRF (the "+CRF" rows)
     */
    public record Settings(String dataset, boolean sample, int cropSide, int restarts, long seed, boolean crf, SpatialSplit.Thresholds split) {
        public static Settings paper(String dataset, boolean sample) {
            return new Settings(dataset, sample, 320, 10, 0, false, SpatialSplit.Thresholds.OURS);
        }

        public Settings withCrf(boolean on) {
            return new Settings(dataset, sample, cropSide, restarts, seed, on, split);
        }

        public Settings withRestarts(int n) {
            return new Settings(dataset, sample, cropSide, n, seed, crf, split);
        }

        public Settings withSeed(long s) {
            return new Settings(dataset, sample, cropSide, restarts, s, crf, split);
        }
    }

    /**
     * What one set of features scored (fractions; MSE in cells^2); the CRF's are NaN when it did not run. Written as
     * {@code <features>/summary.json} with the inputs it was computed from, so that a run started again skips it.
     */
    public record Scored(String label, String folder, double greedyMiou, double hungarianMiou, double greedyPixelAccuracy, double crfGreedyMiou,
                         double crfHungarianMiou, double spatialGreedyMiou, double spatialHungarianMiou, double coordinateMse) {}

    public record Result(Path dir, List<Scored> scored, Table table2, Table table3, Table table4) {}

    static final String SUMMARY = "summary.json";

    private SemanticRun() {}

    /** The labels of every image, cropped, as bytes (0..classes-1, 255), and their left/right split. */
    static final class GroundTruth {
        final int side;
        final byte[][] labels;
        final byte[][] split;

        GroundTruth(LabelledImages set, List<String> ids, int classes, Settings s, PrintStream log) {
            side = s.cropSide();
            labels = new byte[ids.size()][];
            split = new byte[ids.size()][];
            StepProgress progress = new StepProgress(log, "labels", ids.size());
            for (int i = 0; i < ids.size(); i++) {
                LabelledImages.LabelledImage li = set.load(ids.get(i));
                int[] cropped = Images.squareCropLabels(li.labels(), li.height(), li.width(), side);
                labels[i] = bytes(cropped);
                split[i] = bytes(SpatialSplit.split(cropped, side, side, classes, s.split()).labels());
                progress.step(i + 1);
            }
        }

        static byte[] bytes(int[] v) {
            byte[] out = new byte[v.length];
            for (int p = 0; p < v.length; p++) out[p] = (byte) v[p];
            return out;
        }

        static LabelMap map(byte[] b, int side) {
            int[] out = new int[b.length];
            for (int p = 0; p < b.length; p++) out[p] = b[p] & 0xff;
            return new LabelMap(out, side, side);
        }
    }

    public static Result run(LabelledImages set, List<String> ids, List<Entry> entries, Settings s, Path dir, PrintStream log) throws IOException {
        if (entries.isEmpty()) throw new InvalidInputException("no features to evaluate");
        for (Entry e : entries) {
            if (e.features().images() != ids.size()) {
                throw new InvalidInputException(e.label() + ": features for " + e.features().images() + " images, the data set has " + ids.size());
            }
        }
        int classes = set.labelNames().size();
        Files.createDirectories(dir);
        GroundTruth[] truthOnce = new GroundTruth[1]; // read when an entry needs scoring, once
        java.util.function.Supplier<GroundTruth> truth = () -> truthOnce[0] != null ? truthOnce[0] : (truthOnce[0] = new GroundTruth(set, ids, classes, s, log));
        List<Scored> scored = new ArrayList<>();
        for (Entry e : entries) {
            Path folder = dir.resolve(e.folder());
            com.google.gson.JsonObject inputs = inputs(e, ids, s);
            Scored done = previous(folder, inputs);
            if (done != null) {
                if (log != null) log.println(e.label() + ": scored before with the same inputs (" + folder.resolve(SUMMARY) + "), reused");
                scored.add(done);
            } else {
                Scored now = score(set, ids, e, truth.get(), classes, s, folder, log);
                com.google.gson.JsonObject summary = new com.google.gson.JsonObject();
                summary.add("inputs", inputs);
                summary.add("scores", GSON.toJsonTree(now));
                AtomicFiles.write(folder.resolve(SUMMARY), tmp -> Files.writeString(tmp, GSON.toJson(summary)));
                scored.add(now);
            }
        }
        if (truthOnce[0] != null || !Files.isRegularFile(dir.resolve(SPLIT_FIGURE))) writeSplitFigure(set, ids, truth.get(), dir.resolve(SPLIT_FIGURE));
        Table t2 = table2(scored, s);
        Table t3 = table3(scored, s);
        Table t4 = table4(scored, s);
        String note = s.sample() ? "\n**Generated sample data: these numbers mean nothing; the paper's rows are the paper's.**\n" : "";
        for (Table t : List.of(t2, t3, t4)) {
            String name = t.name();
            AtomicFiles.write(dir.resolve(name + ".csv"), tmp -> t.write().csv(tmp.toFile()));
            String md = "# " + title(name, s) + "\n" + note + "\n" + RegionTable.markdown(t);
            AtomicFiles.write(dir.resolve(name + ".md"), tmp -> Files.writeString(tmp, md));
        }
        return new Result(dir, scored, t2, t3, t4);
    }

    private static final com.google.gson.Gson GSON = new com.google.gson.GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

    /** What an entry's scores depend on: its label, a hash of its features and ids, and the settings. */
    private static com.google.gson.JsonObject inputs(Entry e, List<String> ids, Settings s) {
        com.google.gson.JsonObject o = new com.google.gson.JsonObject();
        FeatureClustering.Features f = e.features();
        o.addProperty("label", e.label());
        o.addProperty("features", f.images() + "x" + f.channels() + "x" + f.height() + "x" + f.width() + ":" + java.util.Arrays.hashCode(f.values()));
        o.addProperty("ids", ids.size() + ":" + ids.hashCode());
        o.addProperty("settings", s.toString());
        return o;
    }

    /** The scores a previous run wrote for the same inputs, or null. */
    private static Scored previous(Path folder, com.google.gson.JsonObject inputs) {
        Path file = folder.resolve(SUMMARY);
        if (!Files.isRegularFile(file)) return null;
        try {
            com.google.gson.JsonObject o = org.pathways.common.JsonFiles.readObject(file);
            return inputs.equals(o.get("inputs")) ? GSON.fromJson(o.get("scores"), Scored.class) : null;
        } catch (RuntimeException e) {
            return null; // unreadable: score again
        }
    }

    private static String title(String table, Settings s) {
        String set = s.dataset().equals("cityscapes") ? "Cityscapes-27" : "COCO-Stuff-27";
        return switch (table) {
            case TABLE2 -> "Table 2: unsupervised semantic segmentation, " + set + ", mIoU, greedy matching";
            case TABLE3 -> "Table 3: features and matching, " + set + ", mIoU";
            default -> "Table 4: the \"where\" pathway, " + set + ": coordinate regression MSE (cells^2, 32 x 32 grid; predicting the mean scores 85.25) "
                    + "and spatial semantic segmentation mIoU (left/right-split labels, our thresholds)";
        };
    }

    private static Scored score(LabelledImages set, List<String> ids, Entry e, GroundTruth truth, int classes, Settings s, Path out,
                                PrintStream log) throws IOException {
        FeatureClustering.Features f = e.features();
        if (log != null) log.println(e.label() + ": K-means with " + classes + " clusters over " + (long) f.images() * f.height() * f.width() + " locations");
        FeatureClustering.Directions directions = FeatureClustering.directions(f); // once for both clusterings and the pictures
        int[][] clusters = FeatureClustering.cluster(f, directions, classes, s.restarts(), s.seed()).labels();
        SemanticEvaluation.Result semantic = evaluate(e.label() + " semantic", clusters, f, truth.labels, truth.side, classes, null, log);
        SemanticEvaluation.Result crf = null;
        if (s.crf()) {
            SemanticEvaluation.Refiner refiner = new CrfRefiner(set, ids, s.cropSide(), classes);
            crf = evaluate(e.label() + " semantic + CRF", clusters, f, truth.labels, truth.side, classes, refiner, log);
        }
        int[][] spatialClusters = FeatureClustering.cluster(f, directions, 2 * classes, s.restarts(), s.seed()).labels();
        SemanticEvaluation.Result spatial = evaluate(e.label() + " spatial", spatialClusters, f, truth.split, truth.side, 2 * classes, null, log);
        CoordinateRegression.Result regression = CoordinateRegression.fit(CoordinateRegression.Features.of(f), s.seed());
        Files.createDirectories(out);
        SemanticReport.write(semantic, set.labelNames(), out.resolve("semantic"));
        if (crf != null) SemanticReport.write(crf, set.labelNames(), out.resolve("semantic-crf"));
        SemanticReport.write(spatial, SpatialSplit.names(set.labelNames()), out.resolve("spatial"));
        AtomicFiles.write(out.resolve("regression.csv"), tmp -> Files.writeString(tmp, String.format(Locale.ROOT,
                "mse,train_locations,test_locations%n%.6f,%d,%d%n", regression.mse(), regression.trainCount(), regression.testCount())));
        writeFigures(set, ids, e, directions, clusters, semantic, regression, s.cropSide(), out);
        return new Scored(e.label(), e.folder(), semantic.greedy().meanIou(), semantic.hungarian().meanIou(), semantic.greedy().pixelAccuracy(),
                crf == null ? Double.NaN : crf.greedy().meanIou(), crf == null ? Double.NaN : crf.hungarian().meanIou(),
                spatial.greedy().meanIou(), spatial.hungarian().meanIou(), regression.mse());
    }

    private static SemanticEvaluation.Result evaluate(String what, int[][] clusters, FeatureClustering.Features f, byte[][] labels, int side, int classes,
                                                      SemanticEvaluation.Refiner refiner, PrintStream log) {
        SemanticEvaluation.Source source = new SemanticEvaluation.Source() {
            public int size() {
                return clusters.length;
            }

            public LabelMap clusters(int i) {
                return new LabelMap(clusters[i], f.height(), f.width());
            }

            public LabelMap labels(int i) {
                return GroundTruth.map(labels[i], side);
            }

            public String name(int i) {
                return "image " + i;
            }
        };
        StepProgress progress = new StepProgress(log, what, 2 * clusters.length);
        return SemanticEvaluation.evaluate(source, classes, IGNORE, refiner, i -> progress.step(i + 1));
    }

    /** The authors' batch_crf on the cropped image (read for each call: calls come from several threads). */
    private record CrfRefiner(LabelledImages set, List<String> ids, int side, int classes) implements SemanticEvaluation.Refiner {
        @Override
        public int[] refine(int i, LabelMap matched, int height, int width) {
            BufferedImage image = Images.squareCrop(set.load(ids.get(i)).image(), side);
            return DenseCrf.refine(new ClassGrid(matched.values(), matched.height(), matched.width(), classes), image, DenseCrf.Settings.AUTHORS);
        }
    }

    private static void writeFigures(LabelledImages set, List<String> ids, Entry e, FeatureClustering.Directions directions, int[][] clusters,
                                     SemanticEvaluation.Result semantic,
                                     CoordinateRegression.Result regression, int side, Path out) throws IOException {
        FeatureClustering.Features f = e.features();
        int shown = Math.min(SHOWN, ids.size());
        int dims = Math.min(9, f.channels());
        double[][] projected = FeatureClustering.points(f, directions, dims);
        double[] low = new double[dims];
        double[] high = new double[dims];
        java.util.Arrays.fill(low, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(high, Double.NEGATIVE_INFINITY);
        for (double[] row : projected) {
            for (int d = 0; d < dims; d++) {
                low[d] = Math.min(low[d], row[d]);
                high[d] = Math.max(high[d], row[d]);
            }
        }
        int n = f.height() * f.width();
        int[] greedy = semantic.greedy().assignment();
        List<BufferedImage> eigenRows = new ArrayList<>();
        List<BufferedImage> clusterRows = new ArrayList<>();
        for (int i = 0; i < shown; i++) {
            LabelledImages.LabelledImage li = set.load(ids.get(i));
            BufferedImage crop = Images.squareCrop(li.image(), side);
            List<BufferedImage> pictures = new ArrayList<>(List.of(crop));
            List<String> titles = new ArrayList<>(List.of(ids.get(i)));
            for (int g = 0; g + 3 <= dims; g += 3) {
                double[] maps = new double[3 * n];
                for (int c = 0; c < 3; c++) for (int p = 0; p < n; p++) maps[c * n + p] = projected[i * n + p][g + c];
                pictures.add(Pictures.rgb(maps, java.util.Arrays.copyOfRange(low, g, g + 3), java.util.Arrays.copyOfRange(high, g, g + 3), f.height(), f.width(), 128, 128));
                titles.add("U S " + (g + 1) + "-" + (g + 3) + " as RGB");
            }
            eigenRows.add(Pictures.panel(pictures, titles, 128));
            int[] cropped = Images.squareCropLabels(li.labels(), li.height(), li.width(), side);
            int[] matched = new int[n];
            for (int p = 0; p < n; p++) matched[p] = greedy[clusters[i][p]];
            clusterRows.add(Pictures.panel(List.of(crop, Pictures.classColours(cropped, side, side),
                            Pictures.scale(Pictures.classColours(matched, f.height(), f.width()), side, side, false)),
                    List.of(ids.get(i), "labels", "clusters, matched"), 128));
        }
        Images.writePng(Pictures.stack(eigenRows), out.resolve("eigenvectors.png"));
        Images.writePng(Pictures.stack(clusterRows), out.resolve("clusters.png"));
        Images.writePng(Pictures.panel(List.of(Pictures.heatmap(regression.errorMap(), CoordinateRegression.GRID, CoordinateRegression.GRID, 256)),
                List.of(String.format(Locale.ROOT, "squared error per cell, MSE %.2f", regression.mse())), 256), out.resolve("regression-error.png"));
    }

    private static void writeSplitFigure(LabelledImages set, List<String> ids, GroundTruth truth, Path file) throws IOException {
        List<BufferedImage> rows = new ArrayList<>();
        for (int i = 0; i < Math.min(SHOWN, ids.size()); i++) {
            BufferedImage crop = Images.squareCrop(set.load(ids.get(i)).image(), truth.side);
            rows.add(Pictures.panel(List.of(crop, Pictures.classColours(GroundTruth.map(truth.labels[i], truth.side).values(), truth.side, truth.side),
                            Pictures.classColours(GroundTruth.map(truth.split[i], truth.side).values(), truth.side, truth.side)),
                    List.of(ids.get(i), "labels", "left / right"), 128));
        }
        Images.writePng(Pictures.stack(rows), file);
    }

    /** Table 2: greedy mIoU, ours (and +CRF) then the paper's rows for this data set. */
    private static Table table2(List<Scored> scored, Settings s) {
        Rows rows = new Rows(TABLE2, "mIoU (greedy)");
        for (Scored sc : scored) {
            rows.add(sc.label(), "ours", sc.greedyMiou());
            if (!Double.isNaN(sc.crfGreedyMiou())) rows.add(sc.label() + "+CRF", "ours", sc.crfGreedyMiou());
        }
        for (PaperFigures.Row r : PaperFigures.TABLE2) {
            Double v = r.values().get(s.dataset());
            if (v != null) rows.add(r.method(), "paper", v);
        }
        return rows.table;
    }

    /** Table 3: greedy and Hungarian mIoU. */
    private static Table table3(List<Scored> scored, Settings s) {
        Rows rows = new Rows(TABLE3, "mIoU (greedy)", "mIoU (Hungarian)");
        for (Scored sc : scored) rows.add(sc.label(), "ours", sc.greedyMiou(), sc.hungarianMiou());
        for (PaperFigures.Row r : PaperFigures.TABLE3) {
            rows.add(r.method(), "paper", r.values().get(s.dataset() + "/greedy"), r.values().get(s.dataset() + "/hungarian"));
        }
        return rows.table;
    }

    /** Table 4: coordinate regression MSE and spatial mIoU (greedy, the Table 2 protocol). The paper's rows are COCO-Stuff's. */
    private static Table table4(List<Scored> scored, Settings s) {
        Rows rows = new Rows(TABLE4, "coordinate MSE", "spatial mIoU (greedy)");
        for (Scored sc : scored) rows.add(sc.label(), "ours", sc.coordinateMse(), sc.spatialGreedyMiou());
        rows.add("predicting the mean coordinate", "closed form", CoordinateRegression.constantPredictorMse(), null);
        if (s.dataset().equals("cocostuff27")) {
            for (PaperFigures.Row r : PaperFigures.TABLE4) rows.add(r.method(), "paper", r.values().get("coordinate_mse"), r.values().get("spatial_miou"));
        }
        return rows.table;
    }

    /** A table of method, source and numeric columns. */
    private static final class Rows {
        final Table table;

        Rows(String name, String... columns) {
            table = Table.create(name, StringColumn.create("method"), StringColumn.create("source"));
            for (String c : columns) table.addColumns(DoubleColumn.create(c));
        }

        void add(String method, String source, Double... values) {
            table.stringColumn("method").append(method);
            table.stringColumn("source").append(source);
            for (int c = 0; c < values.length; c++) {
                DoubleColumn col = table.doubleColumn(c + 2);
                if (values[c] == null) col.appendMissing();
                else col.append(RegionTable.round4(values[c]));
            }
        }
    }
}
