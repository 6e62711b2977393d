package org.pathways.pipeline;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.pathways.affinity.KnnGraph;
import org.pathways.affinity.SparseGraph;
import org.pathways.common.AtomicFiles;
import org.pathways.common.InvalidInputException;
import org.pathways.data.Images;
import org.pathways.data.LabelledImages;
import org.pathways.data.Npy;
import org.pathways.model.AttentionTaps;
import org.pathways.model.Backbone;
import org.pathways.spectral.DatasetObjective;
import org.pathways.spectral.FeatureTable;

/**
 * Data-set-level spectral clustering (paper Sec. 3.3, App. C): one set of spectral features for a whole data set,
 * learnt from kNN graphs over the queries and keys ("where") or the values ("what") of all images of random
 * mini-batches. The authors' {@code main_cls.py} training loop with {@code subsample_feat_and_solve_ncut_semantic}
 * (train_utils.py) as its step:
 * <ol>
 *   <li>every image is square-cropped (short side 320, the paper; 256, the authors' code), run through the backbone
 *       once, and its attention taps are cached on disk ({@link TapCache}): a ViT's taps do not change between epochs;</li>
 *   <li>each iteration takes the next mini-batch of a seeded per-epoch shuffle (the last incomplete batch of an epoch
 *       is dropped, as the authors' loader does), builds one {@link KnnGraph} per kept layer over all the batch's
 *       locations, and runs {@code solverIterations} AdamW steps of the {@link DatasetObjective} on the batch's rows of
 *       the {@link FeatureTable};</li>
 *   <li>after each iteration the EMA of the whole table is updated; the data set's features are the softmax of the
 *       EMA table ({@link #FEATURES}).</li>
 * </ol>
 * The run folder is resumable: checkpoints (table, EMA, AdamW state, losses) alternate between two slots and
 * {@link #CHECKPOINT} names the complete one, written last and atomically, so a {@code kill -9} at any moment leaves a
 * checkpoint to continue from, and a seeded run that was killed ends with the same table as one that was not. Ctrl-C
 * abandons the iteration under way (nothing of it is applied yet while its graphs are built) or lets its few solver
 * steps finish, then checkpoints.
 */
public final class DatasetTraining {
    public static final String FEATURES = "features.npy";
    public static final String IMAGES = "images.txt";
    public static final String LOSS = "loss.csv";
    public static final String LOSS_CHART = "loss.png";
    public static final String PREVIEW = "features.png";
    public static final String CHECKPOINT = "checkpoint.json";
    public static final String TAPS = "taps";

    /** Which graph the features are learnt from. */
    public enum Pathway {
        /** Queries against keys: the "where" pathway. */
        QK("qk"),
        /** Values against values: the "what" pathway. */
        VV("vv");

        private final String word;

        Pathway(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }

        public static Pathway named(String name) {
            for (Pathway p : values()) if (p.word.equals(name)) return p;
            throw new InvalidInputException("--graph '" + name + "': expected qk (queries against keys, \"where\") or vv (values against values, \"what\")");
        }
    }

    /** The square crop before the backbone's own resize. */
    public enum Crop {
        /** Short side 320, then the centre square (paper App. C.1, after PiCIE and STEGO). */
        PAPER("paper", 320),
        /** 256 and 256 (the authors' main_cls.py). */
        AUTHORS("authors", 256);

        private final String word;
        private final int side;

        Crop(String word, int side) {
            this.word = word;
            this.side = side;
        }

        public String word() {
            return word;
        }

        public int side() {
            return side;
        }

        public static Crop named(String name) {
            for (Crop c : values()) if (c.word.equals(name)) return c;
            throw new InvalidInputException("--crop '" + name + "': expected paper (short side 320) or authors (256)");
        }
    }

    /**
     * Everything that sets a run's numbers.
     *
     * @param channels         K, the feature channels per image (100 in the authors' launch script)
     * @param batch            images per mini-batch (the authors' code: 40 per GPU; the paper: 160 over 4 GPUs)
     * @param iterations       mini-batches in all (the paper: 2100); raising it later continues a run
     * @param solverIterations AdamW steps per mini-batch (the authors' code: 5)
     * @param emaMomentum      m of the table's EMA, e = m e + (1 - m) p (0.99)
     * @param separateHeads    one graph per head; by default the heads are concatenated into one vector per location,
     *                         the authors' deployed layout
     * @param maxResolution    layers with a finer grid are left out (the paper keeps <= 32 x 32)
     * @param layers           names or globs ({@code blocks.1*}) of the layers to keep; empty: every layer
     * @param seed             the table's initial logits and the mini-batch shuffles
     * @param checkpointEvery  iterations between checkpoints (one is always written at the end and on Ctrl-C)
     */
    public record Settings(Pathway graph, int channels, int batch, int iterations, int solverIterations, FeatureTable.AdamW adam,
                           double emaMomentum, KnnGraph.Settings knn, boolean separateHeads, int maxResolution, List<String> layers,
                           Crop crop, long seed, int checkpointEvery) {
        public Settings {
            if (graph == null) throw new InvalidInputException("--graph is required: qk or vv");
            if (channels < 2) throw new InvalidInputException("--channels must be >= 2, got " + channels);
            if (batch < 2) throw new InvalidInputException("--batch must be >= 2 (the graphs link images of a mini-batch), got " + batch);
            if (iterations < 0) throw new InvalidInputException("--iterations must be >= 0, got " + iterations);
            if (solverIterations < 1) throw new InvalidInputException("--solver-iterations must be >= 1, got " + solverIterations);
            if (!(emaMomentum >= 0 && emaMomentum < 1)) throw new InvalidInputException("--ema must be in [0, 1), got " + emaMomentum);
            if (maxResolution < 1 || maxResolution > DatasetObjective.TABLE) {
                throw new InvalidInputException("--max-res must be in 1.." + DatasetObjective.TABLE + " (the feature table's grid), got " + maxResolution);
            }
            if (checkpointEvery < 1) throw new InvalidInputException("--checkpoint-every must be >= 1, got " + checkpointEvery);
            layers = List.copyOf(layers);
        }

        /** The paper's and the authors' launch script's settings for a graph. */
        public static Settings paper(Pathway graph) {
            return new Settings(graph, 100, 40, 2100, 5, FeatureTable.AdamW.authors(), 0.99, KnnGraph.Settings.paper(), false,
                    DatasetObjective.TABLE, List.of(), Crop.PAPER, 0, 50);
        }

        /**
         * Demonstration settings for a generated set of a dozen images (the notebooks' offline runs): fewer channels and
         * neighbours, a larger step and a shorter EMA, so that the features settle within minutes ({@code quick}: the
         * test suite's shorter run). Not the paper's.
         */
        public static Settings smallSet(Pathway graph, boolean quick) {
            return paper(graph).withChannels(8).withBatch(6).withIterations(quick ? 30 : 80)
                    .withAdam(new FeatureTable.AdamW(0.1, 0.9, 0.999, 1e-8, 0)).withEma(0.5)
                    .withKnn(new KnnGraph.Settings(10, 10, 0.1, KnnGraph.Precision.AUTHORS)).withMaxResolution(quick ? 16 : 32);
        }

        public Settings withChannels(int k) {
            return new Settings(graph, k, batch, iterations, solverIterations, adam, emaMomentum, knn, separateHeads, maxResolution, layers, crop, seed, checkpointEvery);
        }

        public Settings withBatch(int b) {
            return new Settings(graph, channels, b, iterations, solverIterations, adam, emaMomentum, knn, separateHeads, maxResolution, layers, crop, seed, checkpointEvery);
        }

        public Settings withIterations(int n) {
            return new Settings(graph, channels, batch, n, solverIterations, adam, emaMomentum, knn, separateHeads, maxResolution, layers, crop, seed, checkpointEvery);
        }

        public Settings withSolverIterations(int n) {
            return new Settings(graph, channels, batch, iterations, n, adam, emaMomentum, knn, separateHeads, maxResolution, layers, crop, seed, checkpointEvery);
        }

        public Settings withAdam(FeatureTable.AdamW a) {
            return new Settings(graph, channels, batch, iterations, solverIterations, a, emaMomentum, knn, separateHeads, maxResolution, layers, crop, seed, checkpointEvery);
        }

        public Settings withEma(double m) {
            return new Settings(graph, channels, batch, iterations, solverIterations, adam, m, knn, separateHeads, maxResolution, layers, crop, seed, checkpointEvery);
        }

        public Settings withKnn(KnnGraph.Settings k) {
            return new Settings(graph, channels, batch, iterations, solverIterations, adam, emaMomentum, k, separateHeads, maxResolution, layers, crop, seed, checkpointEvery);
        }

        public Settings withSeparateHeads(boolean separate) {
            return new Settings(graph, channels, batch, iterations, solverIterations, adam, emaMomentum, knn, separate, maxResolution, layers, crop, seed, checkpointEvery);
        }

        public Settings withMaxResolution(int r) {
            return new Settings(graph, channels, batch, iterations, solverIterations, adam, emaMomentum, knn, separateHeads, r, layers, crop, seed, checkpointEvery);
        }

        public Settings withLayers(List<String> names) {
            return new Settings(graph, channels, batch, iterations, solverIterations, adam, emaMomentum, knn, separateHeads, maxResolution, names, crop, seed, checkpointEvery);
        }

        public Settings withCrop(Crop c) {
            return new Settings(graph, channels, batch, iterations, solverIterations, adam, emaMomentum, knn, separateHeads, maxResolution, layers, c, seed, checkpointEvery);
        }

        public Settings withSeed(long s) {
            return new Settings(graph, channels, batch, iterations, solverIterations, adam, emaMomentum, knn, separateHeads, maxResolution, layers, crop, s, checkpointEvery);
        }

        public Settings withCheckpointEvery(int n) {
            return new Settings(graph, channels, batch, iterations, solverIterations, adam, emaMomentum, knn, separateHeads, maxResolution, layers, crop, seed, n);
        }

        /** What pins a run folder: every setting but the iteration count and the checkpoint interval. */
        JsonObject toJson() {
            JsonObject c = new JsonObject();
            c.addProperty("graph", graph.word());
            c.addProperty("channels", channels);
            c.addProperty("batch", batch);
            c.addProperty("solverIterations", solverIterations);
            c.addProperty("learningRate", adam.learningRate());
            c.addProperty("beta1", adam.beta1());
            c.addProperty("beta2", adam.beta2());
            c.addProperty("eps", adam.eps());
            c.addProperty("weightDecay", adam.weightDecay());
            c.addProperty("ema", emaMomentum);
            c.addProperty("kIntra", knn.kIntra());
            c.addProperty("kInter", knn.kInter());
            c.addProperty("threshold", knn.threshold());
            c.addProperty("precision", knn.precision().name().toLowerCase(Locale.ROOT));
            c.addProperty("heads", separateHeads ? "separate" : "concatenated");
            c.addProperty("maxResolution", maxResolution);
            c.addProperty("layers", layers.isEmpty() ? "all" : String.join(",", layers));
            c.addProperty("crop", crop.word());
            c.addProperty("seed", seed);
            return c;
        }
    }

    /**
     * What a run left.
     *
     * @param iterations the iterations done so far (all of them unless {@link #stopped()})
     * @param losses     per iteration: the loss at the first and at the last solver step
     * @param stopped    Ctrl-C ended the run early; the same call continues it
     */
    public record Result(Path dir, List<String> ids, int iterations, double[][] losses, boolean stopped, double seconds) {
        public Path features() {
            return dir.resolve(FEATURES);
        }
    }

    private final LabelledImages set;
    private final List<String> ids;
    private final Supplier<Backbone> backbone;
    private final Settings settings;
    private final Path dir;
    private final PrintStream log;
    private final TapCache cache;
    private final int batch;
    /** Set by Ctrl-C (the shutdown hook of {@link #train()}); taps need no such care: each file is written atomically. */
    private volatile boolean stopRequested;

    /**
     * For tests of the resume guarantee ({@code -Dpathways.testing.pauseAfterIteration=N}): after its N-th iteration
     * (checkpointed or not) the run waits until it is killed, so a test kills it at a known point instead of racing it.
     */
    private static final int PAUSE_AFTER = Integer.getInteger("pathways.testing.pauseAfterIteration", 0);

    private DatasetTraining(LabelledImages set, List<String> ids, Supplier<Backbone> backbone, Settings settings, Path dir, PrintStream log) {
        this.set = set;
        this.ids = List.copyOf(ids);
        this.backbone = backbone;
        this.settings = settings;
        this.dir = dir;
        this.log = log;
        this.cache = new TapCache(dir.resolve(TAPS), settings.graph() == Pathway.QK);
        this.batch = Math.min(settings.batch(), ids.size());
    }

    /**
     * Trains (or continues training) the features of {@code ids} in {@code dir}.
     *
     * @param backbone    makes the model, only if some image's taps are not cached yet
     * @param description the model as {@link Backbone#describe()} says it (it pins the folder: taps of another model are
     *                    never mixed in)
     * @param extraConfig further settings that pin the folder (e.g. the command line's model options), may be empty
     */
    public static Result run(LabelledImages set, List<String> ids, Supplier<Backbone> backbone, String description, Settings settings,
                             Path dir, JsonObject extraConfig, PrintStream log) throws IOException {
        return prepare(set, ids, backbone, settings, dir, log).execute(description, extraConfig);
    }

    /**
     * The notebook's form: a backbone by name ({@code weights} null: where data-scripts/fetch-weights.sh puts them, paper
     * input size), progress on stdout.
     */
    public static Result run(LabelledImages set, List<String> ids, String backbone, Path weights, Settings settings, Path dir) throws IOException {
        String description;
        try (Backbone b = org.pathways.model.Backbones.create(backbone, weights, org.pathways.model.VitBackbone.Resize.PAPER)) {
            description = b.describe();
        }
        return run(set, ids, () -> org.pathways.model.Backbones.create(backbone, weights, org.pathways.model.VitBackbone.Resize.PAPER), description, settings, dir,
                new JsonObject(), System.out);
    }

    static DatasetTraining prepare(LabelledImages set, List<String> ids, Supplier<Backbone> backbone, Settings settings, Path dir, PrintStream log) {
        if (ids.isEmpty()) throw new InvalidInputException(set.location() + ": no images to train on");
        if (ids.size() < 2) throw new InvalidInputException(set.location() + ": a data-set graph needs at least 2 images, got 1");
        return new DatasetTraining(set, ids, backbone, settings, dir, log);
    }

    private Result execute(String description, JsonObject extraConfig) throws IOException {
        JsonObject config = new JsonObject();
        config.addProperty("experiment", "dataset");
        config.addProperty("dataset", set.name());
        config.addProperty("images", ids.size());
        config.addProperty("firstImage", ids.get(0));
        config.addProperty("lastImage", ids.get(ids.size() - 1));
        config.addProperty("model", description);
        for (String k : extraConfig.keySet()) config.add(k, extraConfig.get(k));
        JsonObject s = settings.toJson();
        for (String k : s.keySet()) config.add(k, s.get(k));
        // the first image's taps before the folder is made, so that a bad --layers or --max-res leaves nothing behind
        Backbone model = null;
        try {
            AttentionTaps first = null;
            if (!cache.has(ids.get(0))) {
                model = backbone.get();
                first = taps(model, ids.get(0));
            }
            try (RunFolder folder = RunFolder.open(dir, config, List.of(FEATURES, CHECKPOINT, LOSS, IMAGES))) {
                log.println("data-set features (" + settings.graph().word() + " graphs) of " + ids.size() + " images of " + set.location() + " -> " + dir);
                AtomicFiles.write(dir.resolve(IMAGES), tmp -> Files.writeString(tmp, String.join("\n", ids) + "\n", StandardCharsets.UTF_8));
                if (batch < settings.batch()) log.println("batch " + settings.batch() + " is more than the " + ids.size() + " images: mini-batches of " + batch);
                computeTaps(model, first);
                if (model != null) {
                    model.close(); // its memory is the training's now
                    model = null;
                }
                return train();
            }
        } finally {
            if (model != null) model.close();
        }
    }

    // ---------------------------------------------------------------------------------------------------- taps

    /** An image's kept taps: the square crop, the backbone, the layer filters. */
    private AttentionTaps taps(Backbone model, String id) {
        BufferedImage image = Images.squareCrop(set.load(id).image(), settings.crop().side());
        return kept(model.attentionTaps(image, settings.graph() == Pathway.QK, settings.graph() == Pathway.VV), id);
    }

    /** @param first the first image's taps when they were computed before the folder was opened, else null */
    private void computeTaps(Backbone opened, AttentionTaps first) throws IOException {
        List<String> missing = new ArrayList<>();
        for (String id : ids) if (!cache.has(id)) missing.add(id);
        if (missing.isEmpty()) return;
        log.println("attention taps of " + missing.size() + " images (" + (ids.size() - missing.size()) + " cached) -> " + dir.resolve(TAPS));
        long start = System.nanoTime();
        ProgressLine progress = new ProgressLine(log);
        Backbone model = opened != null ? opened : backbone.get();
        try {
            for (int i = 0; i < missing.size(); i++) {
                String id = missing.get(i);
                cache.put(id, first != null && id.equals(ids.get(0)) ? first : taps(model, id));
                double elapsed = (System.nanoTime() - start) / 1e9;
                int done = i + 1;
                progress.update(done == missing.size(), String.format(Locale.ROOT, "taps %d/%d  %.2f images/s  RSS %d MiB  ETA %s", done, missing.size(),
                        done / elapsed, ProcessStatus.residentMiB(), DatasetRunner.duration(elapsed / done * (missing.size() - done))));
            }
        } finally {
            if (opened == null) model.close();
        }
    }

    /** The layers the settings keep; refuses a filter that names no layer, with the layers there are. */
    AttentionTaps kept(AttentionTaps taps, String id) {
        List<AttentionTaps.Layer> out = new ArrayList<>();
        for (String pattern : settings.layers()) {
            boolean any = taps.layers().stream().anyMatch(l -> matches(pattern, l.name()));
            if (!any) throw new InvalidInputException("--layers '" + pattern + "': no such layer (the model's: " + layerNames(taps) + ")");
        }
        for (AttentionTaps.Layer l : taps.layers()) {
            boolean named = settings.layers().isEmpty() || settings.layers().stream().anyMatch(p -> matches(p, l.name()));
            if (named && l.height() <= settings.maxResolution() && l.width() <= settings.maxResolution()) out.add(l);
        }
        if (out.isEmpty()) {
            throw new InvalidInputException(id + ": no layer at " + settings.maxResolution() + "x" + settings.maxResolution() + " or coarser among " + layerNames(taps)
                    + " (grids " + taps.layers().stream().map(l -> l.height() + "x" + l.width()).distinct().toList() + "); raise --max-res or change --layers");
        }
        return new AttentionTaps(out);
    }

    private static String layerNames(AttentionTaps taps) {
        List<String> names = taps.layers().stream().map(AttentionTaps.Layer::name).toList();
        return names.size() <= 8 ? String.join(", ", names) : names.get(0) + ", ..., " + names.get(names.size() - 1);
    }

    /** A glob where {@code *} stands for any text. */
    static boolean matches(String glob, String name) {
        String[] parts = glob.split("\\*", -1);
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < parts.length; i++) regex.append(i > 0 ? ".*" : "").append(java.util.regex.Pattern.quote(parts[i]));
        return name.matches(regex.toString());
    }

    // ---------------------------------------------------------------------------------------------------- training

    /** The images of iteration t: a slice of epoch t / (N / B)'s shuffle, seeded by (seed, epoch) so a resumed run draws the same. */
    int[] batchAt(int iteration) {
        int perEpoch = ids.size() / batch;
        int epoch = iteration / perEpoch;
        List<Integer> order = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) order.add(i);
        Collections.shuffle(order, new Random(settings.seed() * 1_000_003L + epoch));
        int from = (iteration % perEpoch) * batch;
        int[] out = new int[batch];
        for (int i = 0; i < batch; i++) out[i] = order.get(from + i);
        return out;
    }

    private Result train() throws IOException {
        Checkpoint resumed = Checkpoint.read(dir);
        int total = settings.iterations();
        List<double[]> losses = new ArrayList<>();
        double seconds = 0;
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stopRequested = true;
            try {
                finished.await(10, TimeUnit.MINUTES); // the iteration under way ends and the checkpoint is written
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "pathways-dataset-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try (NDManager manager = NDManager.newBaseManager();
             FeatureTable table = resumed == null ? FeatureTable.create(manager, ids.size(), settings.channels(), settings.seed())
                     : FeatureTable.load(manager, dir.resolve(resumed.slot()), ids.size(), settings.channels())) {
            int done = 0;
            if (resumed != null) {
                done = resumed.iterations();
                seconds = resumed.seconds();
                losses.addAll(readLosses(dir.resolve(resumed.slot()).resolve(LOSS), done));
                if (done < total) log.println("continuing from iteration " + done + " of " + total + " (" + dir.resolve(CHECKPOINT) + ")");
            }
            String slot = resumed == null || resumed.slot().equals("checkpoint-b") ? "checkpoint-a" : "checkpoint-b";
            ProgressLine progress = new ProgressLine(log);
            long sessionStart = System.nanoTime();
            int sessionIterations = 0;
            boolean stopped = false;
            int lastSaved = resumed == null ? -1 : done;
            while (done < total) {
                if (stopRequested) {
                    stopped = true;
                    break;
                }
                long t0 = System.nanoTime();
                int[] images = batchAt(done);
                DatasetObjective objective = objective(manager, images);
                if (objective == null) { // stopped while building: nothing of this iteration was applied
                    stopped = true;
                    break;
                }
                double[] step;
                try (objective) {
                    step = table.solve(objective, images, settings.solverIterations(), settings.adam());
                }
                table.updateEma(settings.emaMomentum());
                for (double l : step) {
                    if (!Double.isFinite(l)) throw new InvalidInputException("iteration " + done + ": the loss is " + l + " (images " + idsOf(images) + "); lower --lr or check the taps");
                }
                losses.add(new double[] {step[0], step[step.length - 1]});
                done++;
                sessionIterations++;
                seconds += (System.nanoTime() - t0) / 1e9;
                double elapsed = (System.nanoTime() - sessionStart) / 1e9;
                progress.update(done == total, String.format(Locale.ROOT, "iteration %d/%d  loss %.5f  %.2f images/s  RSS %d MiB  ETA %s", done, total,
                        step[step.length - 1], sessionIterations * batch / elapsed, ProcessStatus.residentMiB(),
                        DatasetRunner.duration(elapsed / sessionIterations * (total - done))));
                if (done % settings.checkpointEvery() == 0 || done == total) {
                    checkpoint(table, slot, done, seconds, losses);
                    slot = slot.equals("checkpoint-a") ? "checkpoint-b" : "checkpoint-a";
                    lastSaved = done;
                }
                if (PAUSE_AFTER > 0 && done == PAUSE_AFTER) {
                    log.println("paused after iteration " + done + " until killed (pathways.testing.pauseAfterIteration)");
                    while (true) sleepUntilKilled();
                }
            }
            if (done != lastSaved) {
                checkpoint(table, slot, done, seconds, losses);
            }
            if (stopped) {
                log.println("stopped after iteration " + done + " of " + total + "; checkpoint in " + dir.resolve(CHECKPOINT) + ": run the same command again to continue");
            } else {
                writeOutputs(table, losses);
            }
            return new Result(dir, ids, done, losses.toArray(new double[0][]), stopped, seconds);
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it returns now that the checkpoint is written
            }
        }
    }

    /**
     * The objective of a mini-batch's graphs, or null if asked to stop meanwhile. The graphs' Java copies become garbage
     * on return: only libtorch's sparse stacks stay for the solver steps.
     */
    private DatasetObjective objective(NDManager manager, int[] images) throws IOException {
        List<SparseGraph> graphs = graphs(images);
        return graphs == null ? null : new DatasetObjective(manager, graphs, settings.channels(), DataType.FLOAT32);
    }

    /** One graph per kept layer over the batch's images, or null if asked to stop meanwhile. */
    private List<SparseGraph> graphs(int[] images) throws IOException {
        List<AttentionTaps> taps = new ArrayList<>();
        for (int i : images) taps.add(cache.get(ids.get(i)));
        List<SparseGraph> graphs = new ArrayList<>();
        int layers = taps.get(0).layers().size();
        for (int l = 0; l < layers; l++) {
            if (stopRequested) return null;
            List<AttentionTaps.Layer> perImage = new ArrayList<>();
            for (int b = 0; b < images.length; b++) {
                AttentionTaps t = taps.get(b);
                if (t.layers().size() != layers) throw new InvalidInputException(cache.file(ids.get(images[b])) + ": " + t.layers().size() + " layers, " + cache.file(ids.get(images[0])) + " has " + layers);
                AttentionTaps.Layer layer = t.layers().get(l);
                perImage.add(settings.separateHeads() ? layer : layer.concatenated());
            }
            graphs.add(layerGraph(perImage, images));
        }
        return graphs;
    }

    private SparseGraph layerGraph(List<AttentionTaps.Layer> perImage, int[] images) {
        AttentionTaps.Layer first = perImage.get(0);
        boolean qk = settings.graph() == Pathway.QK;
        int dim = qk ? first.qkDim() : first.vDim();
        int per = first.heads() * first.nodes() * dim;
        float[] q = new float[perImage.size() * per];
        float[] k = qk ? new float[q.length] : q;
        for (int b = 0; b < perImage.size(); b++) {
            AttentionTaps.Layer layer = perImage.get(b);
            if (layer.height() != first.height() || layer.width() != first.width() || layer.heads() != first.heads() || (qk ? layer.qkDim() : layer.vDim()) != dim) {
                throw new InvalidInputException(cache.file(ids.get(images[b])) + ": layer " + layer.name() + " is " + layer.height() + "x" + layer.width()
                        + " with " + layer.heads() + " heads, in " + ids.get(images[0]) + " " + first.height() + "x" + first.width() + " with " + first.heads());
            }
            System.arraycopy(qk ? layer.q() : layer.v(), 0, q, b * per, per);
            if (qk) System.arraycopy(layer.k(), 0, k, b * per, per);
        }
        for (float x : q) if (!Float.isFinite(x)) throw new InvalidInputException("layer " + first.name() + ": a tap holds " + x + " (images " + idsOf(images) + ")");
        if (qk) for (float x : k) if (!Float.isFinite(x)) throw new InvalidInputException("layer " + first.name() + ": a key holds " + x + " (images " + idsOf(images) + ")");
        return KnnGraph.build(first.name(), q, k, perImage.size(), first.heads(), first.height(), first.width(), dim, settings.knn());
    }

    private String idsOf(int[] images) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < Math.min(images.length, 4); i++) out.add(ids.get(images[i]));
        return String.join(", ", out) + (images.length > 4 ? ", ..." : "");
    }

    // ---------------------------------------------------------------------------------------------------- files

    /** checkpoint.json: how many iterations the checkpoint in {@code slot} holds, and the training seconds so far. */
    record Checkpoint(int iterations, String slot, double seconds) {
        static Checkpoint read(Path dir) {
            Path f = dir.resolve(CHECKPOINT);
            if (!Files.isRegularFile(f)) return null;
            try {
                JsonObject o = org.pathways.common.JsonFiles.readObject(f);
                Checkpoint c = new Checkpoint(o.get("iterations").getAsInt(), o.get("slot").getAsString(), o.get("seconds").getAsDouble());
                if (!c.slot().equals("checkpoint-a") && !c.slot().equals("checkpoint-b")) throw new IllegalStateException("slot " + c.slot());
                return c;
            } catch (RuntimeException e) {
                throw new InvalidInputException(f + ": unreadable checkpoint (" + e.getMessage() + "); remove the run folder to start again");
            }
        }
    }

    private void checkpoint(FeatureTable table, String slot, int done, double seconds, List<double[]> losses) throws IOException {
        Path slotDir = dir.resolve(slot);
        Files.createDirectories(slotDir);
        table.save(slotDir);
        String csv = lossCsv(losses);
        AtomicFiles.write(slotDir.resolve(LOSS), tmp -> Files.writeString(tmp, csv, StandardCharsets.UTF_8));
        JsonObject o = new JsonObject();
        o.addProperty("iterations", done);
        o.addProperty("slot", slot);
        o.addProperty("seconds", seconds);
        String json = new Gson().toJson(o) + "\n";
        AtomicFiles.write(dir.resolve(CHECKPOINT), tmp -> Files.writeString(tmp, json, StandardCharsets.UTF_8)); // the switch to the new slot
        AtomicFiles.write(dir.resolve(LOSS), tmp -> Files.writeString(tmp, csv, StandardCharsets.UTF_8));
    }

    private String lossCsv(List<double[]> losses) {
        StringBuilder sb = new StringBuilder("iteration,images,loss_first_step,loss_last_step\n");
        for (int i = 0; i < losses.size(); i++) {
            sb.append(i + 1).append(',').append((long) (i + 1) * batch).append(',').append(losses.get(i)[0]).append(',').append(losses.get(i)[1]).append('\n');
        }
        return sb.toString();
    }

    private static List<double[]> readLosses(Path csv, int expected) throws IOException {
        List<double[]> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(csv);
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) continue;
            String[] f = line.split(",");
            out.add(new double[] {Double.parseDouble(f[2]), Double.parseDouble(f[3])});
        }
        if (out.size() != expected) throw new InvalidInputException(csv + ": " + out.size() + " losses for " + expected + " iterations; remove the run folder to start again");
        return out;
    }

    private void writeOutputs(FeatureTable table, List<double[]> losses) throws IOException {
        float[] probabilities = table.emaProbabilities();
        Npy.writeFloat32(dir.resolve(FEATURES), new int[] {ids.size(), settings.channels(), FeatureTable.SIDE, FeatureTable.SIDE}, probabilities);
        double[][] first = new double[2][losses.size()];
        for (int i = 0; i < losses.size(); i++) {
            first[0][i] = i + 1;
            first[1][i] = losses.get(i)[1];
        }
        java.util.Map<String, double[][]> series = new java.util.LinkedHashMap<>();
        series.put(settings.graph().word().toUpperCase(Locale.ROOT).charAt(0) + "-" + settings.graph().word().toUpperCase(Locale.ROOT).charAt(1) + " loss", first);
        BufferedImage chart = org.pathways.viz.Pictures.lineChart("Data-set spectral loss (" + set.name() + ")", "iteration (mini-batch)", "loss at the last solver step", series);
        AtomicFiles.write(dir.resolve(LOSS_CHART), tmp -> javax.imageio.ImageIO.write(chart, "png", tmp.toFile()));
        DatasetFeatures features = new DatasetFeatures(ids, settings.channels(), probabilities); // as written, without reading it back
        BufferedImage preview = features.preview(set, settings.crop().side(), Math.min(6, ids.size()));
        AtomicFiles.write(dir.resolve(PREVIEW), tmp -> javax.imageio.ImageIO.write(preview, "png", tmp.toFile()));
        log.println("wrote " + dir.resolve(FEATURES) + " (" + ids.size() + " x " + settings.channels() + " x 32 x 32), " + dir.resolve(LOSS_CHART) + " and " + dir.resolve(PREVIEW));
    }

    private static void sleepUntilKilled() {
        try {
            Thread.sleep(60_000);
        } catch (InterruptedException ignored) {
            // still waiting for the kill (see PAUSE_AFTER)
        }
    }

    /** A progress line: redrawn in place on a terminal; elsewhere printed at most every 10 s, and at the end. */
    static final class ProgressLine {
        private final PrintStream out;
        private final boolean terminal = System.console() != null;
        private long lastPrint;

        ProgressLine(PrintStream out) {
            this.out = out;
        }

        void update(boolean last, String line) {
            long now = System.nanoTime();
            if (terminal) {
                out.print("\r" + line + (last ? "\n" : ""));
                out.flush();
            } else if (last || lastPrint == 0 || now - lastPrint > 10_000_000_000L) {
                out.println(line);
                lastPrint = now;
            }
        }
    }
}
