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
import org.pathways.common.AtomicFiles;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pathways.affinity.Graph;
import org.pathways.data.Images;
import org.pathways.common.InvalidInputException;
import org.pathways.data.Npy;
import org.pathways.eval.KMeansSweep;
import org.pathways.model.Backbone;
import org.pathways.model.VaryingBackbone;
import org.pathways.spectral.GraphBuffer;
import org.pathways.spectral.DirectLogits;
import org.pathways.spectral.ExactSolver;
import org.pathways.spectral.FeatureMap;
import org.pathways.spectral.Reorthogonalisation;
import org.pathways.spectral.SpectralEngine;
import org.pathways.spectral.SpectralObjective;
import org.pathways.spectral.ToyCnn;
import org.pathways.viz.Pictures;

/**
 * The per-image method end to end (paper Sec. 3.2): image -> backbone graphs -> learned spectral features ->
 * re-orthogonalised features -> k-means regions chosen by silhouette -> files.
 *
 * <p>In a notebook: {@code PerImage.segment(image, backbone)} with the defaults, or
 * {@code PerImage.segment(image, backbone, PerImage.Options.defaults().withSteps(800))}; on graphs of your own,
 * {@code PerImage.optimise(graphs)}.
 */
public final class PerImage {

    /**
     * How many loop passes the optimisation runs (counted as the authors' {@code train_steps}: N means N + 1 passes).
     * {@link #PAPER}: the paper's App. B.2, "1000 for CLIP, 2000 for others", read as loop passes (50 and 100
     * optimiser updates at accumulation 20); {@link #AUTHORS}: the authors' code, 1300 for every model
     * (single_img/main.py {@code --train_steps} default); {@link #steps(int)}: a count of your own.
     */
    public record Schedule(String name, int fixedPasses) {
        public static final Schedule PAPER = new Schedule("paper", -1);
        public static final Schedule AUTHORS = new Schedule("authors", 1300);
        /** The paper's counts (App. B.2). */
        public static final int PAPER_CLIP_PASSES = 1000;
        public static final int PAPER_OTHER_PASSES = 2000;

        public Schedule {
            if (fixedPasses < -1) throw new InvalidInputException("steps must be >= 0, got " + fixedPasses);
        }

        /** Exactly {@code passes} loop passes for every backbone. */
        public static Schedule steps(int passes) {
            if (passes < 0) throw new InvalidInputException("--steps must be >= 0, got " + passes);
            return new Schedule("custom", passes);
        }

        /** paper or authors. */
        public static Schedule named(String name) {
            return switch (name) {
                case "paper" -> PAPER;
                case "authors" -> AUTHORS;
                default -> throw new InvalidInputException("--schedule '" + name + "': expected paper or authors");
            };
        }

        /** The loop passes for a backbone ({@code null}: graphs of unknown origin, the paper's "others"). */
        public int passesFor(String backbone) {
            if (fixedPasses >= 0) return fixedPasses;
            return backbone != null && backbone.startsWith("clip-") ? PAPER_CLIP_PASSES : PAPER_OTHER_PASSES;
        }
    }

    /**
     * Every option of the method, with the defaults the command line shows ({@link #defaults()}; the {@code DEFAULT_}
     * constants feed the CLI's option defaults, so both come from here). Change one with its {@code with} method.
     *
     * @param schedule        loop passes: {@link Schedule#PAPER} (per backbone), {@link Schedule#AUTHORS} or a count
     * @param accumulation    passes per optimiser update
     * @param eigs            K, the number of feature channels
     * @param kMax            largest k of the region sweep (from 2)
     * @param parametrisation "toycnn" (the authors') or "direct"
     * @param reuseWindowPass compute one pass per window and scale its gradient (exact for fixed graphs)
     * @param graphTopK       keep each row's k largest affinities, sparsely (0: dense)
     * @param weights         the loss weights
     * @param solver          "learned" (the paper's optimisation) or "exact" (ours: the top eigenvectors of the aggregated
     *                        operator, {@link ExactSolver}, no optimisation)
     * @param init            where the learned features start: "random" (the parametrisation's own start) or "exact"
     *                        (the exact eigenvectors mapped onto the simplex, {@link ExactSolver.Result#onSimplex}; direct
     *                        parametrisation only)
     */
    public record Options(Schedule schedule, int accumulation, int eigs, int kMax, long seed, String parametrisation,
                          double learningRate, boolean reuseWindowPass, int graphTopK, SpectralObjective.Weights weights,
                          String solver, String init) {
        public static final int DEFAULT_ACCUMULATION = 20;
        public static final int DEFAULT_EIGS = 15;
        public static final int DEFAULT_K_MAX = 10;
        public static final long DEFAULT_SEED = 0;
        public static final String DEFAULT_PARAMETRISATION = "toycnn";
        public static final double DEFAULT_LEARNING_RATE = 1e-3;
        public static final double DEFAULT_EIG_WEIGHT = 2;
        public static final double DEFAULT_ORTHO_WEIGHT = 2;
        public static final String DEFAULT_SOLVER = "learned";
        public static final String DEFAULT_INIT = "random";

        /** Every way in (command line, notebooks, library) gets the same one-line refusals. */
        public Options {
            require(schedule != null, "no schedule");
            require(accumulation >= 1, "--accum must be >= 1, got " + accumulation);
            require(eigs >= 2, "--eigs must be >= 2, got " + eigs);
            require(kMax >= 2, "--k-max must be >= 2, got " + kMax);
            require(learningRate > 0, "--lr must be > 0, got " + learningRate);
            require(graphTopK >= 0, "--graph-top-k must be >= 0, got " + graphTopK);
            require(parametrisation.equals("toycnn") || parametrisation.equals("direct"), "unknown parametrisation '" + parametrisation + "' (toycnn, direct)");
            require(weights != null, "no loss weights");
            require("learned".equals(solver) || "exact".equals(solver), "--solver '" + solver + "': expected learned or exact");
            require("random".equals(init) || "exact".equals(init), "--init '" + init + "': expected random or exact");
        }

        /**
         * Refuses {@code --init exact} without the direct parametrisation or with the exact solver (checked where the
         * options are used, and by the command line before any work, so that withers may come in any order).
         */
        public Options checkInit() {
            require(!"exact".equals(init) || "learned".equals(solver), "--init exact starts the learned features; with --solver exact there is nothing to start");
            require(!"exact".equals(init) || "direct".equals(parametrisation), "--init exact starts the direct parametrisation: add --param direct");
            return this;
        }

        private static void require(boolean ok, String message) {
            if (!ok) throw new InvalidInputException(message);
        }

        /** The paper's schedule, the authors' accumulation, K = 15, k = 2..10, ToyCNN, Adam 1e-3, weights 2 and 2. */
        public static Options defaults() {
            return new Options(Schedule.PAPER, DEFAULT_ACCUMULATION, DEFAULT_EIGS, DEFAULT_K_MAX, DEFAULT_SEED, DEFAULT_PARAMETRISATION,
                    DEFAULT_LEARNING_RATE, true, 0, new SpectralObjective.Weights(DEFAULT_EIG_WEIGHT, DEFAULT_ORTHO_WEIGHT), DEFAULT_SOLVER, DEFAULT_INIT);
        }

        public Options withSchedule(Schedule s) {
            return new Options(s, accumulation, eigs, kMax, seed, parametrisation, learningRate, reuseWindowPass, graphTopK, weights, solver, init);
        }

        /** Exactly this many loop passes, whatever the backbone. */
        public Options withSteps(int passes) {
            return withSchedule(Schedule.steps(passes));
        }

        public Options withAccumulation(int n) {
            return new Options(schedule, n, eigs, kMax, seed, parametrisation, learningRate, reuseWindowPass, graphTopK, weights, solver, init);
        }

        public Options withEigs(int k) {
            return new Options(schedule, accumulation, k, kMax, seed, parametrisation, learningRate, reuseWindowPass, graphTopK, weights, solver, init);
        }

        public Options withKMax(int k) {
            return new Options(schedule, accumulation, eigs, k, seed, parametrisation, learningRate, reuseWindowPass, graphTopK, weights, solver, init);
        }

        public Options withSeed(long s) {
            return new Options(schedule, accumulation, eigs, kMax, s, parametrisation, learningRate, reuseWindowPass, graphTopK, weights, solver, init);
        }

        public Options withParametrisation(String p) {
            return new Options(schedule, accumulation, eigs, kMax, seed, p, learningRate, reuseWindowPass, graphTopK, weights, solver, init);
        }

        public Options withLearningRate(double lr) {
            return new Options(schedule, accumulation, eigs, kMax, seed, parametrisation, lr, reuseWindowPass, graphTopK, weights, solver, init);
        }

        /** Compute every pass of a window (false) instead of one pass scaled by the window's length (true). */
        public Options withReuseWindowPass(boolean reuse) {
            return new Options(schedule, accumulation, eigs, kMax, seed, parametrisation, learningRate, reuse, graphTopK, weights, solver, init);
        }

        /** Keep only each row's k largest affinities, stored sparsely (0: dense). */
        public Options withGraphTopK(int k) {
            return new Options(schedule, accumulation, eigs, kMax, seed, parametrisation, learningRate, reuseWindowPass, k, weights, solver, init);
        }

        public Options withWeights(SpectralObjective.Weights w) {
            return new Options(schedule, accumulation, eigs, kMax, seed, parametrisation, learningRate, reuseWindowPass, graphTopK, w, solver, init);
        }

        /** "learned" or "exact" ({@link ExactSolver}). */
        public Options withSolver(String s) {
            return new Options(schedule, accumulation, eigs, kMax, seed, parametrisation, learningRate, reuseWindowPass, graphTopK, weights, s, init);
        }

        /** "random" or "exact" (direct parametrisation). */
        public Options withInit(String i) {
            return new Options(schedule, accumulation, eigs, kMax, seed, parametrisation, learningRate, reuseWindowPass, graphTopK, weights, solver, i);
        }

        public boolean exactSolver() {
            return "exact".equals(solver);
        }

        public boolean exactInit() {
            return "exact".equals(init);
        }

        SpectralEngine.Config engine(String backbone) {
            return SpectralEngine.Config.authors().withPasses(schedule.passesFor(backbone)).withAccumulation(accumulation)
                    .withLearningRate(learningRate).withReuseWindowPass(reuseWindowPass);
        }

        SpectralObjective.Spec objective(int featureHeight, int featureWidth) {
            return SpectralObjective.Spec.of(eigs).onGrid(featureHeight, featureWidth).withWeights(weights);
        }
    }

    /** Start features for the direct parametrisation: probabilities over K channels, channel-first (K x h x w). */
    public record Start(double[] probabilities, int channels, int height, int width) {
        public Start {
            if (probabilities.length != (long) channels * height * width) {
                throw new IllegalArgumentException(probabilities.length + " values are not " + channels + " x " + height + " x " + width);
            }
        }
    }

    /**
     * What the spectral part produced (shared by {@code segment} and {@code spectral}).
     *
     * <p>With the exact solver there is no optimisation: {@code run} has 0 passes and updates, its
     * {@code probabilities} hold the exact eigenvectors (signed, K x N, not probabilities) and its {@code finalLoss}
     * is the learned objective evaluated at them; {@code reorth} holds them as U S with S = max(lambda, 0)^4
     * ({@link ExactSolver#FEATURE_POWER}).
     *
     * @param graphSets for graphs that vary (sd14): the buffer's fresh model runs and reused sets; null for fixed graphs
     * @param exact     the exact solver's eigenvectors when {@code --solver exact} or {@code --init exact} used them, else null
     */
    public record Features(List<Graph> graphs, String schedule, SpectralEngine.Result run, Reorthogonalisation.Result reorth, GraphBuffer.Counts graphSets,
                           ExactSolver.Result exact) {
        public Features(List<Graph> graphs, String schedule, SpectralEngine.Result run, Reorthogonalisation.Result reorth, GraphBuffer.Counts graphSets) {
            this(graphs, schedule, run, reorth, graphSets, null);
        }
    }

    /** Everything a segmentation produced, with the backbone's output it came from. */
    public record Outcome(Backbone.Graphs input, Features features, KMeansSweep.Result sweep, int[] regions, Map<String, Double> seconds) {
        public int chosenK() {
            return sweep.best().k();
        }

        /** Region id per feature-grid cell. */
        public int[] gridRegions() {
            return sweep.best().labels();
        }

        public int imageHeight() {
            return input.imageHeight();
        }

        public int imageWidth() {
            return input.imageWidth();
        }
    }

    /** The version in summaries and --version (a summary's "pathways" field is how {@link #checkWritable} knows our files). */
    public static final String VERSION = "0.1.0";

    private PerImage() {}

    /** Learns spectral features on graphs of unknown origin with the default options (the paper's 2000 passes). */
    public static Features optimise(List<Graph> graphs) {
        return optimise(graphs, Options.defaults());
    }

    public static Features optimise(List<Graph> graphs, Options options) {
        return optimise(graphs, options, null, null, null);
    }

    /** @param listener progress after every computed pass, or null */
    public static Features optimise(List<Graph> graphs, Options options, SpectralEngine.Listener listener) {
        return optimise(graphs, options, null, null, listener);
    }

    /** As {@link #optimise(List, Options)}, starting the direct parametrisation from {@code start}. */
    public static Features optimiseFrom(List<Graph> graphs, Options options, Start start, SpectralEngine.Listener listener) {
        return optimise(graphs, options.withEigs(start.channels()).withParametrisation("direct"), null, start, listener);
    }

    private static Features optimise(List<Graph> graphs, Options options, String backbone, Start start, SpectralEngine.Listener listener) {
        options.checkInit();
        graphs = sparsified(graphs, options.graphTopK());
        if (options.exactSolver()) return exactFeatures(graphs, options, null);
        ExactSolver.Result exact = null;
        if (start == null && options.exactInit()) {
            exact = ExactSolver.solve(graphs, options.eigs());
            start = exactStart(exact);
        }
        SpectralObjective.Spec spec = start == null ? options.objective(0, 0) : options.objective(start.height(), start.width());
        try (NDManager manager = NDManager.newBaseManager();
             SpectralObjective objective = new SpectralObjective(manager, graphs, spec)) {
            FeatureMap features = featureMap(manager, objective, options, start);
            SpectralEngine.Result run = SpectralEngine.run(manager, objective, features, options.engine(backbone), listener);
            Reorthogonalisation.Result reorth = Reorthogonalisation.of(run.probabilities(), run.channels(), run.height() * run.width());
            return new Features(graphs, options.schedule().name(), run, reorth, null, exact);
        }
    }

    /**
     * The exact solver's features ({@link ExactSolver}: the K largest eigenvectors of the aggregated operator at the
     * finest graph's grid), in the form clustering, pictures and files expect: features U S with U the eigenvectors and
     * S = max(lambda, 0)^{@link ExactSolver#FEATURE_POWER} (the "singular values" of the summary). The learned objective
     * is evaluated at the eigenvectors once (the summary's finalLoss); nothing is optimised.
     */
    static Features exactFeatures(List<Graph> graphs, Options options, GraphBuffer.Counts graphSets) {
        ExactSolver.Result exact = ExactSolver.solve(graphs, options.eigs());
        int k = exact.channels();
        int n = exact.nodes();
        double[] scale = new double[k];
        double[] scaled = exact.vectors().clone();
        for (int c = 0; c < k; c++) {
            scale[c] = Math.pow(Math.max(exact.values()[c], 0), ExactSolver.FEATURE_POWER);
            for (int i = 0; i < n; i++) scaled[c * n + i] *= scale[c];
        }
        Reorthogonalisation.Result reorth = new Reorthogonalisation.Result(k, n, scaled, exact.vectors().clone(), scale);
        double loss;
        try (NDManager manager = NDManager.newBaseManager();
             SpectralObjective objective = new SpectralObjective(manager, graphs, options.objective(exact.height(), exact.width()))) {
            loss = SpectralEngine.gradientAt(manager, objective, exact.vectors()).loss();
        }
        SpectralEngine.Result run = new SpectralEngine.Result(exact.vectors().clone(), k, exact.height(), exact.width(), loss, 0, 0, 0, new double[0], exact.seconds());
        return new Features(graphs, "none", run, reorth, graphSets, exact);
    }

    /** The learned features' start for {@code --init exact}: the eigenvectors on the simplex ({@link ExactSolver#INIT_TEMPERATURE}). */
    public static Start exactStart(ExactSolver.Result exact) {
        return new Start(exact.onSimplex(ExactSolver.INIT_TEMPERATURE), exact.channels(), exact.height(), exact.width());
    }

    /** The phases' seconds: "exact" for the exact solver (alone, or as the start), "optimise" for the learning. */
    private static void putSeconds(Map<String, Double> seconds, Features features, Options options, double total) {
        if (options.exactSolver()) {
            seconds.put("exact", total);
        } else if (features.exact() != null) {
            seconds.put("exact", features.exact().seconds());
            seconds.put("optimise", total - features.exact().seconds());
        } else {
            seconds.put("optimise", total);
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

    static FeatureMap featureMap(NDManager manager, SpectralObjective objective, Options options, Start start) {
        return featureMap(manager, objective.channels(), objective.featureHeight(), objective.featureWidth(), options, start);
    }

    private static FeatureMap featureMap(NDManager manager, int k, int h, int w, Options options, Start start) {
        if (start != null) return DirectLogits.fromProbabilities(manager, start.probabilities(), k, h, w, DataType.FLOAT32);
        return switch (options.parametrisation()) {
            case "toycnn" -> new ToyCnn(manager, ToyCnn.Config.authors(k, h, w), DataType.FLOAT32, options.seed());
            case "direct" -> DirectLogits.random(manager, k, h, w, DataType.FLOAT32, options.seed());
            default -> throw new InvalidInputException("unknown parametrisation '" + options.parametrisation() + "' (toycnn, direct)");
        };
    }

    /** Segments one image with the default options. */
    public static Outcome segment(BufferedImage image, Backbone backbone) {
        return segment(image, backbone, Options.defaults(), null);
    }

    public static Outcome segment(BufferedImage image, Backbone backbone, Options options) {
        return segment(image, backbone, options, null);
    }

    /** @param listener progress after every computed pass, or null */
    public static Outcome segment(BufferedImage image, Backbone backbone, Options options, SpectralEngine.Listener listener) {
        Outcome outcome;
        if (backbone instanceof VaryingBackbone varying) {
            outcome = segmentVarying(image, varying, options, listener);
        } else {
            long t0 = System.nanoTime();
            Backbone.Graphs input = backbone.graphs(image);
            outcome = segment(input, options, listener, since(t0));
        }
        double spread = colourSpread(image);
        return spread < UNIFORM_SPREAD ? oneRegion(outcome, spread) : outcome;
    }

    /**
     * Colour spread (the largest per-channel standard deviation, in grey levels of 255) below which an image has
     * nothing to segment: k-means would still split its noise (a uniform grey came back as 10 regions).
     */
    public static final double UNIFORM_SPREAD = 1.0;

    /** The largest standard deviation of the R, G and B values of an image, in grey levels. */
    public static double colourSpread(BufferedImage image) {
        int[] rgb = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
        double worst = 0;
        for (int shift = 0; shift <= 16; shift += 8) {
            double sum = 0;
            double squares = 0;
            for (int p : rgb) {
                int v = (p >> shift) & 0xff;
                sum += v;
                squares += (double) v * v;
            }
            double mean = sum / rgb.length;
            worst = Math.max(worst, Math.sqrt(Math.max(0, squares / rgb.length - mean * mean)));
        }
        return worst;
    }

    /** The warning for an image below {@link #UNIFORM_SPREAD}: what it is, its spread, what was done. */
    public static String uniformWarning(String what, double spread, String consequence) {
        return String.format(java.util.Locale.ROOT, "%s has almost no variation (colour standard deviation %.2f of 255, below %.1f): %s",
                what, spread, UNIFORM_SPREAD, consequence);
    }

    /** One region for an image without variation, with a warning line that says why. */
    private static Outcome oneRegion(Outcome outcome, double spread) {
        org.pathways.common.Warnings.print(uniformWarning("the image", spread, "one region, since regions found in its noise would mean nothing"));
        KMeansSweep.Fit one = new KMeansSweep.Fit(1, new int[outcome.gridRegions().length], Double.NaN, 0);
        return new Outcome(outcome.input(), outcome.features(), new KMeansSweep.Result(outcome.sweep().fits(), one), new int[outcome.regions().length], outcome.seconds());
    }

    /** Segments the image a backbone has already turned into graphs (so that other methods can share its pass). */
    public static Outcome segment(Backbone.Graphs input, Options options, SpectralEngine.Listener listener) {
        return segment(input, options, listener, Double.NaN);
    }

    private static Outcome segment(Backbone.Graphs input, Options options, SpectralEngine.Listener listener, double graphSeconds) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        if (!Double.isNaN(graphSeconds)) seconds.put("graphs", graphSeconds);
        long t1 = System.nanoTime();
        Features features = optimise(input.layers(), options, input.backbone(), null, listener);
        putSeconds(seconds, features, options, since(t1));
        return cluster(input, features, options, seconds);
    }

    /**
     * A backbone whose graphs change every pass (sd14): its first pass is the {@link Outcome#input()}, and the
     * optimisation runs over the App. B.2 buffer of graph sets ({@link GraphBuffer}), every pass computed (window
     * reuse is off whatever the options say; the summary's reuseWindowPass then reads false).
     */
    private static Outcome segmentVarying(BufferedImage image, VaryingBackbone backbone, Options options, SpectralEngine.Listener listener) {
        long t0 = System.nanoTime();
        try (VaryingBackbone.Passes passes = backbone.open(image, options.seed())) {
            Backbone.Graphs input = passes.first();
            return segment(backbone, passes, input, options, listener, since(t0));
        }
    }

    /**
     * Segments with a varying backbone's passes already opened ({@code input} = {@code passes.first()}, so that other
     * methods can share that first pass, as {@code run per-image} does); the passes stay open.
     */
    public static Outcome segment(VaryingBackbone backbone, VaryingBackbone.Passes passes, Backbone.Graphs input, Options options, SpectralEngine.Listener listener) {
        return segment(backbone, passes, input, options, listener, Double.NaN);
    }

    private static Outcome segment(VaryingBackbone backbone, VaryingBackbone.Passes passes, Backbone.Graphs input, Options options,
                                   SpectralEngine.Listener listener, double graphSeconds) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        if (!Double.isNaN(graphSeconds)) seconds.put("graphs", graphSeconds);
        long t1 = System.nanoTime();
        options.checkInit();
        List<Graph> first = sparsified(input.layers(), options.graphTopK());
        if (options.exactSolver()) { // the first pass's graphs only: the exact solver sees one set
            Features features = exactFeatures(first, options, null);
            putSeconds(seconds, features, options, since(t1));
            return cluster(input, features, options, seconds);
        }
        ExactSolver.Result exact = options.exactInit() ? ExactSolver.solve(first, options.eigs()) : null; // started from the first pass
        Graph finest = first.get(0);
        for (Graph g : first) if (g.nodes() > finest.nodes()) finest = g;
        SpectralObjective.Spec spec = options.objective(finest.height(), finest.width());
        GraphBuffer.Config buffer = new GraphBuffer.Config(backbone.bufferSize(), backbone.bufferReuse(), options.seed(), backbone.bufferStorage());
        Features features;
        try (NDManager manager = NDManager.newBaseManager();
             GraphBuffer source = new GraphBuffer(manager, first, () -> sparsified(passes.next(), options.graphTopK()), spec, buffer)) {
            FeatureMap map = featureMap(manager, spec.channels(), spec.featureHeight(), spec.featureWidth(), options, exact == null ? null : exactStart(exact));
            SpectralEngine.Result run = SpectralEngine.run(manager, source, map, options.withReuseWindowPass(false).engine(input.backbone()), listener);
            Reorthogonalisation.Result reorth = Reorthogonalisation.of(run.probabilities(), run.channels(), run.height() * run.width());
            features = new Features(first, options.schedule().name(), run, reorth, source.counts(), exact);
        }
        putSeconds(seconds, features, options, since(t1)); // optimise includes the fresh UNet runs
        return cluster(input, features, options, seconds);
    }

    /** k-means regions of learned features, upsampled to the image. */
    private static Outcome cluster(Backbone.Graphs input, Features features, Options options, Map<String, Double> seconds) {
        long t2 = System.nanoTime();
        KMeansSweep.Result sweep = KMeansSweep.sweep(features.reorth().pixelRows(), 2, options.kMax(), 10, options.seed());
        SpectralEngine.Result run = features.run();
        int[] regions = Images.upsampleNearest(sweep.best().labels(), run.height(), run.width(), input.imageHeight(), input.imageWidth());
        seconds.put("cluster", since(t2));
        return new Outcome(input, features, sweep, regions, seconds);
    }

    /** The files every run writes, so that a folder holding other files is never overwritten unasked. */
    public static final List<String> SEGMENT_FILES = List.of("regions.png", "overlay.png", "eigenvectors.png", "eigenvector-grid.png",
            "features.npy", "silhouette.png", "loss.png", "summary.json", "instances.png", "instances.json");

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
    public static void write(Outcome outcome, BufferedImage image, String imageName, Options options,
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
        JsonObject summary = summary(outcome.features(), outcome.input().backbone(), outcome.input().description(), options, seconds);
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
        s.addProperty("solver", options.solver());
        s.addProperty("init", options.init());
        if (features.exact() != null) {
            JsonArray values = new JsonArray();
            for (double v : features.exact().values()) values.add(v);
            s.add("exactEigenvalues", values); // of the aggregated operator M (ExactSolver), largest first
        }
        s.addProperty("parametrisation", options.parametrisation());
        s.addProperty("schedule", features.schedule());
        s.addProperty("passes", run.passes());
        s.addProperty("computedPasses", run.computedPasses());
        s.addProperty("accumulation", options.accumulation());
        s.addProperty("reuseWindowPass", run.computedPasses() == run.updates()); // as run: off for graphs that vary (sd14)
        if (features.graphSets() != null) { // sd14: how many passes ran the UNet, how many reused a stored set (App. B.2)
            s.addProperty("freshGraphSets", features.graphSets().fresh());
            s.addProperty("reusedGraphSets", features.graphSets().reused());
        }
        s.addProperty("graphTopK", options.graphTopK());
        s.addProperty("optimiserUpdates", run.updates());
        s.addProperty("learningRate", options.learningRate());
        s.addProperty("eigWeight", options.weights().eig());
        s.addProperty("orthoWeight", options.weights().ortho());
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
