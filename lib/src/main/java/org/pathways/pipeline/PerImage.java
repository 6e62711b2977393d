package org.pathways.pipeline;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.pathways.data.AtomicFiles;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pathways.affinity.Graph;
import org.pathways.data.Images;
import org.pathways.data.InvalidInputException;
import org.pathways.data.Npy;
import org.pathways.eval.KMeansSweep;
import org.pathways.model.Backbone;
import org.pathways.spectral.DirectLogits;
import org.pathways.spectral.FeatureMap;
import org.pathways.spectral.Reorthogonalisation;
import org.pathways.spectral.SpectralEngine;
import org.pathways.spectral.SpectralObjective;
import org.pathways.spectral.ToyCnn;
import org.pathways.viz.Pictures;

/**
 * The per-image method end to end (paper Sec. 3.2): image -> backbone graphs -> learned spectral features ->
 * re-orthogonalised features -> k-means regions chosen by silhouette -> files.
 */
public final class PerImage {

    /**
     * @param passes the authors' train_steps; @param accumulation passes per optimiser update
     * @param eigs K, the number of feature channels; @param kMax largest k of the sweep (from 2)
     * @param parametrisation "toycnn" (the authors') or "direct"
     */
    public record Options(int passes, int accumulation, int eigs, int kMax, long seed, String parametrisation,
                          double learningRate, boolean reuseWindowPass, int graphTopK) {
        /** Every way in (command line, notebooks, library) gets the same one-line refusals. */
        public Options {
            require(passes >= 0, "--steps must be >= 0, got " + passes);
            require(accumulation >= 1, "--accum must be >= 1, got " + accumulation);
            require(eigs >= 2, "--eigs must be >= 2, got " + eigs);
            require(kMax >= 2, "--k-max must be >= 2, got " + kMax);
            require(learningRate > 0, "--lr must be > 0, got " + learningRate);
            require(graphTopK >= 0, "--graph-top-k must be >= 0, got " + graphTopK);
            require(parametrisation.equals("toycnn") || parametrisation.equals("direct"), "unknown parametrisation '" + parametrisation + "' (toycnn, direct)");
        }

        private static void require(boolean ok, String message) {
            if (!ok) throw new InvalidInputException(message);
        }

        public static Options defaults() {
            return new Options(1300, 20, 15, 10, 0, "toycnn", 1e-3, true, 0);
        }

        /** Keep only each row's k largest affinities, stored sparsely (0: dense). */
        public Options withGraphTopK(int k) {
            return new Options(passes, accumulation, eigs, kMax, seed, parametrisation, learningRate, reuseWindowPass, k);
        }

        public Options withParametrisation(String p) {
            return new Options(passes, accumulation, eigs, kMax, seed, p, learningRate, reuseWindowPass, graphTopK);
        }

        public Options withPasses(int n) {
            return new Options(n, accumulation, eigs, kMax, seed, parametrisation, learningRate, reuseWindowPass, graphTopK);
        }

        public Options withEigs(int k) {
            return new Options(passes, accumulation, k, kMax, seed, parametrisation, learningRate, reuseWindowPass, graphTopK);
        }

        public Options withSeed(long s) {
            return new Options(passes, accumulation, eigs, kMax, s, parametrisation, learningRate, reuseWindowPass, graphTopK);
        }

        SpectralEngine.Config engine() {
            return SpectralEngine.Config.authors().withPasses(passes).withAccumulation(accumulation)
                    .withLearningRate(learningRate).withReuseWindowPass(reuseWindowPass);
        }
    }

    /** What the spectral part produced (shared by {@code segment} and {@code spectral}). */
    public record Features(List<Graph> graphs, SpectralEngine.Result run, Reorthogonalisation.Result reorth) {}

    /** Everything a segmentation produced. */
    public record Outcome(String backboneDescription, Features features, KMeansSweep.Result sweep, int[] regions,
                          int imageHeight, int imageWidth, Map<String, Double> seconds) {
        public int chosenK() {
            return sweep.best().k();
        }

        /** Region id per feature-grid cell. */
        public int[] gridRegions() {
            return sweep.best().labels();
        }
    }

    /** The version in summaries and --version (a summary's "pathways" field is how {@link #checkWritable} knows our files). */
    public static final String VERSION = "0.1.0";

    private PerImage() {}

    /** Optimises spectral features on the given graphs. {@code init} (optional) starts the direct parametrisation. */
    public static Features optimise(List<Graph> graphs, Options options, double[] init, int initHeight, int initWidth, SpectralEngine.Listener listener) {
        graphs = sparsified(graphs, options.graphTopK());
        try (NDManager manager = NDManager.newBaseManager();
             SpectralObjective objective = new SpectralObjective(manager, graphs, options.eigs(), initHeight, initWidth, DataType.FLOAT32, 2, 2)) {
            FeatureMap features = featureMap(manager, objective, options, init);
            SpectralEngine.Result run = SpectralEngine.run(manager, objective, features, options.engine(), listener);
            Reorthogonalisation.Result reorth = Reorthogonalisation.of(run.probabilities(), run.channels(), run.height() * run.width());
            return new Features(graphs, run, reorth);
        }
    }

    /** Each graph with only its rows' k largest entries (graphs already sparse, and k = 0, leave them as they are). */
    public static List<Graph> sparsified(List<Graph> graphs, int k) {
        return k <= 0 ? graphs : graphs.stream().map(g -> g.topK() > 0 ? g : g.topK(k)).toList();
    }

    /** The features the chosen parametrisation starts from (K*H*W probabilities, channel-first), on the objective's grid. */
    public static double[] initialProbabilities(NDManager manager, SpectralObjective objective, Options options) {
        try (NDManager scope = manager.newSubManager()) {
            FeatureMap start = featureMap(scope, objective, options, null);
            return start.logits().softmax(1).toType(DataType.FLOAT64, false).toDoubleArray();
        }
    }

    static FeatureMap featureMap(NDManager manager, SpectralObjective objective, Options options, double[] init) {
        int k = objective.channels();
        int h = objective.featureHeight();
        int w = objective.featureWidth();
        if (init != null) return DirectLogits.fromProbabilities(manager, init, k, h, w, DataType.FLOAT32);
        return switch (options.parametrisation()) {
            case "toycnn" -> new ToyCnn(manager, ToyCnn.Config.authors(k, h, w), DataType.FLOAT32, options.seed());
            case "direct" -> DirectLogits.random(manager, k, h, w, DataType.FLOAT32, options.seed());
            default -> throw new InvalidInputException("unknown parametrisation '" + options.parametrisation() + "' (toycnn, direct)");
        };
    }

    /** Segments one image. */
    public static Outcome segment(BufferedImage image, Backbone backbone, Options options, SpectralEngine.Listener listener) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        List<Graph> graphs = backbone.graphs(image);
        seconds.put("graphs", since(t0));
        long t1 = System.nanoTime();
        Features features = optimise(graphs, options, null, 0, 0, listener);
        seconds.put("optimise", since(t1));
        long t2 = System.nanoTime();
        KMeansSweep.Result sweep = KMeansSweep.sweep(features.reorth().pixelRows(), 2, options.kMax(), 10, options.seed());
        SpectralEngine.Result run = features.run();
        int[] regions = Images.upsampleNearest(sweep.best().labels(), run.height(), run.width(), image.getHeight(), image.getWidth());
        seconds.put("cluster", since(t2));
        return new Outcome(backbone.describe(), features, sweep, regions, image.getHeight(), image.getWidth(), seconds);
    }

    /** The files every run writes, so that a folder holding other files is never overwritten unasked. */
    public static final List<String> SEGMENT_FILES = List.of("regions.png", "overlay.png", "eigenvectors.png", "eigenvector-grid.png",
            "features.npy", "silhouette.png", "loss.png", "summary.json");

    /**
     * Refuses to write into {@code dir} if it holds one of our file names that an earlier Pathways run did not write
     * (no summary.json from us), unless {@code force}.
     */
    public static void checkWritable(Path dir, List<String> names, boolean force) {
        if (force || !Files.isDirectory(dir)) return;
        Path summary = dir.resolve("summary.json");
        boolean ours = false;
        try {
            ours = Files.isRegularFile(summary) && Files.readString(summary).contains("\"pathways\"");
        } catch (IOException ignored) {
            // unreadable: treat as not ours
        }
        if (ours) return;
        for (String name : names) {
            if (Files.exists(dir.resolve(name))) {
                throw new InvalidInputException(dir.resolve(name) + ": exists and was not written by Pathways; choose another --out or pass --force");
            }
        }
    }

    /** Writes the segmentation files into {@code dir}; {@code extra} fields go into summary.json. */
    public static void write(Outcome outcome, BufferedImage image, String imageName, String backbone, Options options,
                             Path dir, Map<String, Object> extra) throws IOException {
        long t = System.nanoTime();
        Files.createDirectories(dir);
        SpectralEngine.Result run = outcome.features().run();
        Reorthogonalisation.Result reorth = outcome.features().reorth();
        int h = outcome.imageHeight();
        int w = outcome.imageWidth();
        Images.writePng(Pictures.regionIds(outcome.regions(), h, w), dir.resolve("regions.png"));
        Images.writePng(Pictures.overlay(image, outcome.regions(), 0.55), dir.resolve("overlay.png"));
        Images.writePng(Pictures.eigenvectorsRgb(reorth.eigenvectors(), reorth.channels(), run.height(), run.width(), 1, h, w), dir.resolve("eigenvectors.png"));
        Images.writePng(Pictures.eigenvectorGrid(reorth.eigenvectors(), reorth.channels(), run.height(), run.width(), 12, 4, 120), dir.resolve("eigenvector-grid.png"));
        writeFeatures(dir, outcome.features());
        KMeansSweep.Fit[] fits = outcome.sweep().fits();
        int[] ks = new int[fits.length];
        double[] scores = new double[fits.length];
        for (int i = 0; i < fits.length; i++) {
            ks[i] = fits[i].k();
            scores[i] = fits[i].silhouette();
        }
        Images.writePng(Pictures.silhouetteChart(ks, scores, outcome.chosenK()), dir.resolve("silhouette.png"));
        Images.writePng(Pictures.lossChart(run.lossPerUpdate()), dir.resolve("loss.png"));
        Map<String, Double> seconds = new LinkedHashMap<>(outcome.seconds());
        seconds.put("write", since(t));
        JsonObject summary = summary(outcome.features(), backbone, outcome.backboneDescription(), options, seconds);
        summary.addProperty("image", imageName);
        summary.addProperty("imageHeight", h);
        summary.addProperty("imageWidth", w);
        summary.addProperty("chosenK", outcome.chosenK());
        JsonObject sil = new JsonObject();
        for (int i = 0; i < ks.length; i++) sil.addProperty(Integer.toString(ks[i]), scores[i]);
        summary.add("silhouette", sil);
        summary.addProperty("refitAfterChoosingK", false);
        if (extra != null) extra.forEach((k, v) -> summary.add(k, new GsonBuilder().create().toJsonTree(v)));
        writeJson(summary, dir.resolve("summary.json"));
    }

    /** features.npy: re-orthogonalised features K x h x w, float32. */
    public static void writeFeatures(Path dir, Features features) throws IOException {
        SpectralEngine.Result run = features.run();
        Npy.writeFloat32(dir.resolve("features.npy"), new int[] {run.channels(), run.height(), run.width()}, features.reorth().features());
    }

    /** The summary fields shared by {@code segment} and {@code spectral}. */
    public static JsonObject summary(Features features, String backbone, String description, Options options, Map<String, Double> seconds) {
        SpectralEngine.Result run = features.run();
        JsonObject s = new JsonObject();
        s.addProperty("pathways", VERSION);
        s.addProperty("backbone", backbone);
        s.addProperty("backboneDescription", description);
        JsonArray graphs = new JsonArray();
        for (Graph g : features.graphs()) {
            JsonObject o = new JsonObject();
            o.addProperty("name", g.name());
            o.addProperty("heads", g.heads());
            o.addProperty("height", g.height());
            o.addProperty("width", g.width());
            graphs.add(o);
        }
        s.add("graphs", graphs);
        s.addProperty("featureHeight", run.height());
        s.addProperty("featureWidth", run.width());
        s.addProperty("eigs", run.channels());
        s.addProperty("parametrisation", options.parametrisation());
        s.addProperty("passes", run.passes());
        s.addProperty("computedPasses", run.computedPasses());
        s.addProperty("accumulation", options.accumulation());
        s.addProperty("reuseWindowPass", options.reuseWindowPass());
        s.addProperty("graphTopK", options.graphTopK());
        s.addProperty("optimiserUpdates", run.updates());
        s.addProperty("learningRate", options.learningRate());
        s.addProperty("seed", options.seed());
        s.addProperty("finalLoss", run.finalLoss());
        JsonArray losses = new JsonArray();
        for (double l : run.lossPerUpdate()) losses.add(l);
        s.add("lossPerUpdate", losses);
        JsonArray sv = new JsonArray();
        for (double v : features.reorth().singularValues()) sv.add(v);
        s.add("singularValues", sv);
        JsonObject sec = new JsonObject();
        double total = 0;
        for (Map.Entry<String, Double> e : seconds.entrySet()) {
            sec.addProperty(e.getKey(), e.getValue());
            total += e.getValue();
        }
        sec.addProperty("total", total);
        s.add("seconds", sec);
        return s;
    }

    public static void writeJson(JsonObject json, Path file) throws IOException {
        String text = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(json) + "\n";
        AtomicFiles.write(file, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
    }

    private static double since(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
