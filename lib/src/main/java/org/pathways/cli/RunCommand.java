package org.pathways.cli;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.pathways.affinity.KnnGraph;
import org.pathways.baseline.Baselines;
import org.pathways.common.InvalidInputException;
import org.pathways.data.CocoStuff;
import org.pathways.data.ImageFolder;
import org.pathways.data.LabelledImages;
import org.pathways.data.SampleStuff;
import org.pathways.data.SampleVoc;
import org.pathways.data.VocDataset;
import org.pathways.eval.OpenVocabulary;
import org.pathways.model.Backbone;
import org.pathways.model.ClipTokenizer;
import org.pathways.model.VitBackbone;
import org.pathways.spectral.FeatureTable;
import org.pathways.pipeline.DatasetRunner;
import org.pathways.pipeline.DatasetTraining;
import org.pathways.pipeline.OpenVocabSegmentation;
import org.pathways.pipeline.OpenVocabTable;
import org.pathways.pipeline.PerImage;
import org.pathways.pipeline.RegionQuality;
import org.pathways.pipeline.RegionTable;
import org.pathways.pipeline.ResultLog;
import org.pathways.pipeline.RunConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Batch experiments over a data set, resumable (see {@link ResultLog}). */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Runs an experiment of the paper over a data set, image by image, resumable after a crash or Ctrl-C.",
        subcommands = {RunCommand.PerImageRun.class, RunCommand.OpenVocabRun.class, RunCommand.DatasetRun.class, SemanticCommand.class, InstanceRunCommand.class})
final class RunCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Options every data-set run shares. */
    static final class DataOptions {
        @Option(names = "--dataset", defaultValue = "voc", description = "voc (PASCAL VOC 2012, from data-scripts/fetch-voc.sh) or sample-voc (a tiny generated set in the VOC layout, for trying things offline; its numbers mean nothing) (default: ${DEFAULT-VALUE}).")
        String dataset;

        @Option(names = "--data", paramLabel = "DIR", description = "Data set folder (default: $PATHWAYS_DATA_DIR/voc or ~/.cache/pathways/data/voc, where data-scripts/fetch-voc.sh puts it).")
        Path data;

        @Option(names = "--split", defaultValue = "val", description = "Image list in ImageSets/Segmentation (default: ${DEFAULT-VALUE}).")
        String split;

        @Mixin
        RunLimits limits;

        LabelledImages open() {
            return switch (dataset) {
                case "voc" -> VocDataset.open(data != null ? data : VocDataset.defaultRoot(), split);
                case "sample-voc" -> {
                    Path root = data != null ? data : VocDataset.defaultRoot().resolveSibling("sample-voc");
                    if (!java.nio.file.Files.isDirectory(root.resolve("VOCdevkit/VOC2012"))) {
                        try {
                            SampleVoc.write(root, 8, 0);
                        } catch (IOException e) {
                            throw new InvalidInputException(root + ": cannot write the sample set (" + e.getMessage() + ")");
                        }
                    }
                    yield VocDataset.open(root, split);
                }
                default -> throw new InvalidInputException("--dataset '" + dataset + "': expected voc or sample-voc");
            };
        }

        /** {@code --out}, or results/<dataset>-<experiment>/<backbone>. */
        Path out(Path out, String experiment, String backbone) {
            return out != null ? out : Path.of("results", dataset + "-" + experiment, backbone);
        }

        List<String> ids(LabelledImages set) {
            return limits.first(set.ids());
        }
    }

    /** Tables and figures are rewritten every this many images, so a run of hours shows its results so far. */
    static final int TABLES_EVERY = 25;

    static JsonObject config(String experiment, LabelledImages set, BackboneOptions source, PerImage.Options o) {
        return config(experiment, set.name(), source, o);
    }

    static JsonObject config(String experiment, String dataset, BackboneOptions source, PerImage.Options o) {
        JsonObject c = RunConfig.of(experiment, dataset, source.name(), source.weights, o);
        c.addProperty("modelConfig", source.modelConfig == null ? "preset" : source.modelConfig.toAbsolutePath().toString());
        c.addProperty("vitResize", source.resize);
        c.addProperty("posEmbed", source.positions == null ? "preset" : source.positions);
        if (source.name().equals(org.pathways.model.StableDiffusionBackbone.NAME)) { // a resumed run must draw the same graphs
            c.addProperty("sdBuffer", source.sdBuffer);
            c.addProperty("sdReuse", source.sdReuse);
            c.addProperty("sdLayers", source.sdLayers);
            c.addProperty("sdBufferDtype", source.sdBufferDtype);
        }
        return c;
    }

    /** Loads the model once, so that an unknown backbone or a bad checkpoint fails before the run folder is made. */
    static void checkModel(BackboneOptions source, PerImage.Options options) {
        try (Backbone b = source.create(options.graphTopK())) {
            if (b instanceof VitBackbone vit) vit.tower();
        }
    }

    static void report(DatasetRunner.Summary s, Path out) {
        System.err.printf("%d images processed, %d skipped (see %s), %d done before; %.1f s%n", s.processed(), s.skipped(),
                out.resolve(ResultLog.SKIPPED.file()), s.alreadyDone(), s.seconds());
    }

    @Command(name = "per-image", mixinStandardHelpOptions = true,
            description = {"Region quality over a data set (paper Table 1, Fig. 4): our regions and the single-affinity baselines, "
                    + "every k from 2 to --k-max, scored by oracle mIoU.",
                "Writes OUT/per-image.csv (image_id,method,k,selected,miou,seconds), OUT/label-counts.csv, OUT/regions/<method>/<id>.png, then table1.csv, table1.md and figure4.png."})
    static final class PerImageRun implements Callable<Integer>, ImageRuns.Command {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        DataOptions data;

        @Mixin
        BackboneOptions source;

        @Mixin
        MethodOptions method;

        @Option(names = "--methods", split = ",", description = "Methods (default: ours and every baseline): ours, kmeans-features, ncut-features, ncut-attention, "
                + "tokencut-features, maskcut-features; ncut-features:E or ncut-attention:E with an eigenvector count; "
                + "ncut-eigenvector-sweep adds both Ncut rows at E = 2, 3, 5, 8, 10, 15, 20, 30 (not in the default run).")
        List<String> methods;

        @Option(names = "--ncut-eigenvectors", paramLabel = "E|METHOD=E,...", defaultValue = "15",
                description = "Eigenvectors the Ncut + K-means baselines cluster: one count for both, or per method, e.g. "
                        + "ncut-features=10,ncut-attention=20 (default: ${DEFAULT-VALUE} for both, our K; the paper's counts are lost from its text).")
        String ncutEigenvectors;

        @Option(names = "--baseline-features", defaultValue = "keys", description = "The final-layer features of the feature baselines: keys (the last "
                + "attention block's keys, heads concatenated: TokenCut's and CutLER's default) or final (the final layer's tokens) (default: ${DEFAULT-VALUE}).")
        String baselineFeatures;

        @Option(names = "--maskcut-stop-at-rejection", description = "End MaskCut at the first rejected mask; by default it goes on as CutLER's code does.")
        boolean maskCutStops;

        @Option(names = "--out", description = "Run folder (default: results/voc-table1/<backbone>, or results/<dataset>-table1/<backbone>).")
        Path out;

        /** What every image of the run needs, its options checked (one-line errors) before any work. */
        private record Plan(List<String> chosen, LabelledImages set, PerImage.Options options, Baselines.Options baseline) {}

        private Plan plan() {
            List<String> chosen = RegionQuality.expandMethods(methods == null || methods.isEmpty() ? RegionQuality.allMethods() : methods);
            LabelledImages set = data.open();
            return new Plan(chosen, set, method.options(), baselineOptions(ncutEigenvectors, baselineFeatures, maskCutStops));
        }

        private DatasetRunner.Work<LabelledImages.LabelledImage> work(Plan p) {
            return new DatasetRunner.Work<>(p.set()::load,
                    () -> new RegionQuality(source.create(p.options().graphTopK()), p.chosen(), p.options(), p.baseline()).writingRegions());
        }

        @Override
        public DatasetRunner.Work<?> work() {
            return work(plan());
        }

        @Override
        public Integer call() throws Exception {
            Plan plan = plan();
            List<String> chosen = plan.chosen();
            LabelledImages set = plan.set();
            List<String> ids = data.ids(set);
            PerImage.Options options = plan.options();
            Baselines.Options baseline = plan.baseline();
            Path dir = data.out(out, "table1", source.name());
            JsonObject config = config("per-image", set, source, options);
            config.addProperty("methods", String.join(",", chosen));
            config.addProperty("baselineFeatures", baseline.features().word());
            config.addProperty("ncutFeatureEigenvectors", baseline.ncutFeatureEigenvectors());
            config.addProperty("ncutAttentionEigenvectors", baseline.ncutAttentionEigenvectors());
            config.addProperty("maskCutStopsAtRejection", baseline.maskCutStopsAtRejection());
            checkModel(source, options);
            try (ResultLog log = ResultLog.open(dir, config, List.of(RegionQuality.PER_IMAGE, RegionQuality.COUNTS))) { // holds the folder while this run writes it
                System.err.println("per-image regions on " + set.location() + " (" + ids.size() + " images), methods " + chosen + " -> " + dir);
                java.util.function.Supplier<String> description = () -> set.name() + ", " + log.doneCount() + " images done; run folder " + dir;
                ResultLog.Reader tables = () -> RegionTable.write(dir, source.name(), description.get());
                DatasetRunner.Summary summary = data.limits.run(work(plan), ids, log, TABLES_EVERY, tables, spec);
                report(summary, dir);
                var table = RegionTable.write(dir, source.name(), description.get());
                System.out.println(RegionTable.markdown(table));
                System.out.println("wrote " + dir.resolve(RegionTable.TABLE_MD) + " and " + dir.resolve(RegionTable.FIGURE));
            }
            return 0;
        }
    }

    /** The baselines' settings from the command line: {@code --ncut-eigenvectors 15} or {@code ncut-features=10,ncut-attention=20}. */
    static Baselines.Options baselineOptions(String eigenvectors, String features, boolean maskCutStops) {
        Baselines.Options o = Baselines.Options.defaults().withFeatures(Baselines.FeatureSource.named(features)).withMaskCutStoppingAtRejection(maskCutStops);
        String bad = "--ncut-eigenvectors '" + eigenvectors + "': expected a count (15) or ncut-features=E,ncut-attention=E";
        try {
            if (!eigenvectors.contains("=")) return o.withEigenvectors(Integer.parseInt(eigenvectors.strip()));
            int onFeatures = o.ncutFeatureEigenvectors();
            int onAttention = o.ncutAttentionEigenvectors();
            for (String part : eigenvectors.split(",")) {
                String[] kv = part.split("=", -1);
                if (kv.length != 2) throw new InvalidInputException(bad);
                int e = Integer.parseInt(kv[1].strip());
                switch (kv[0].strip()) {
                    case Baselines.NCUT_FEATURES -> onFeatures = e;
                    case Baselines.NCUT_ATTENTION -> onAttention = e;
                    default -> throw new InvalidInputException(bad);
                }
            }
            return o.withEigenvectors(onFeatures, onAttention);
        } catch (NumberFormatException e) {
            throw new InvalidInputException(bad);
        }
    }

    @Command(name = "open-vocab", mixinStandardHelpOptions = true,
            description = {"Open-vocabulary semantic segmentation with CLIP (paper App. D.1, Table 6): our regions from CLIP's attentions, "
                    + "MaskCLIP-style value features, prompt-ensembled class embeddings; a region whose best score is below the threshold is background. The backbone is clip-vitb16.",
                "Writes OUT/per-image.csv, OUT/class-counts.csv, OUT/predictions/<id>.png (VOC palette PNGs), table6.csv, table6.md and a per-class IoU chart."})
    static final class OpenVocabRun implements Callable<Integer>, ImageRuns.Command {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        DataOptions data;

        @Mixin
        BackboneOptions source;

        @Mixin
        MethodOptions method;

        @Option(names = "--threshold", defaultValue = "" + OpenVocabSegmentation.Settings.PAPER_THRESHOLD, description = "Regions whose best class score is below it are background (default: ${DEFAULT-VALUE}, the paper's).")
        double threshold;

        @Option(names = "--threshold-on", defaultValue = "probability", description = "What the threshold applies to: probability (softmax over the classes of CLIP's logit scale x cosine; our reading of the paper) or cosine (default: ${DEFAULT-VALUE}).")
        String thresholdOn;

        @Option(names = "--templates", defaultValue = OpenVocabulary.DEFAULT_TEMPLATES, description = "Prompt templates averaged per class: clip-80 (CLIP's ImageNet list, "
                + "GroupViT's full list), clip-7, groupvit-simple (GroupViT's segmentation default, one template) or maskclip-85 (default: ${DEFAULT-VALUE}).")
        String templates;

        @Option(names = "--class-names", defaultValue = OpenVocabulary.DEFAULT_CLASS_NAMES, description = "How the VOC classes are worded in the prompts: groupvit (table, plant, monitor), "
                + "maskclip (airplane, dining table, potted plant, tv monitor) or voc (the devkit's words) (default: ${DEFAULT-VALUE}).")
        String classNames;

        @Option(names = "--vocab", paramLabel = "FILE", description = "CLIP vocab.json (default: beside the weights, from fetch-weights.sh).")
        Path vocab;

        @Option(names = "--merges", paramLabel = "FILE", description = "CLIP merges.txt (default: beside the weights).")
        Path merges;

        @Option(names = "--out", description = "Run folder (default: results/voc-open-vocab/<backbone>).")
        Path out;

        /** What every image of the run needs, its options checked (one-line errors) before any work. */
        private record Plan(LabelledImages set, PerImage.Options options, OpenVocabSegmentation.Settings settings, ClipTokenizer tokenizer) {}

        private Plan plan() {
            source.fallback = "clip-vitb16";
            if (!source.name().equals("clip-vitb16")) throw new InvalidInputException("--backbone " + source.name() + ": open-vocab runs on clip-vitb16 (CLIP's joint image-text space)");
            boolean onCosine = switch (thresholdOn) {
                case "probability" -> false;
                case "cosine" -> true;
                default -> throw new InvalidInputException("--threshold-on '" + thresholdOn + "': expected probability or cosine");
            };
            OpenVocabulary.templates(templates); // refuse an unknown list before any work
            OpenVocabulary.vocClassNames(classNames);
            LabelledImages set = data.open();
            PerImage.Options options = method.options();
            OpenVocabSegmentation.Settings settings = OpenVocabSegmentation.Settings.defaults().withMethod(options)
                    .withTemplates(templates).withClassNames(classNames).withThreshold(threshold, onCosine);
            return new Plan(set, options, settings, OpenVocabSegmentation.tokenizer(vocab, merges, source.weights));
        }

        private DatasetRunner.Work<LabelledImages.LabelledImage> work(Plan p) {
            return new DatasetRunner.Work<>(p.set()::load, () -> new OpenVocabSegmentation((VitBackbone) source.create(p.options().graphTopK()), // clip-vitb16, checked
                    p.tokenizer(), p.settings()).writingPredictions());
        }

        @Override
        public DatasetRunner.Work<?> work() {
            return work(plan());
        }

        @Override
        public Integer call() throws Exception {
            Plan plan = plan();
            LabelledImages set = plan.set();
            List<String> ids = data.ids(set);
            PerImage.Options options = plan.options();
            checkModel(source, options);
            Path dir = data.out(out, "open-vocab", source.name());
            JsonObject config = config("open-vocab", set, source, options);
            config.addProperty("threshold", threshold);
            config.addProperty("thresholdOn", thresholdOn);
            config.addProperty("templates", templates);
            config.addProperty("classNames", classNames);
            try (ResultLog log = ResultLog.open(dir, config, List.of(OpenVocabSegmentation.PER_IMAGE, OpenVocabSegmentation.COUNTS))) { // holds the folder while this run writes it
                System.err.println("open-vocabulary segmentation on " + set.location() + " (" + ids.size() + " images) -> " + dir);
                String description = set.name() + ", " + templates + " templates, " + classNames + " class names, threshold " + threshold + " on the " + thresholdOn
                        + " (the paper's 0.7 does not say on what: our reading)";
                ResultLog.Reader tables = () -> OpenVocabTable.write(dir, set.labelNames(), log.doneCount() + " images of " + description);
                DatasetRunner.Summary summary = data.limits.run(work(plan), ids, log, TABLES_EVERY, tables, spec);
                report(summary, dir);
                var table = OpenVocabTable.write(dir, set.labelNames(), log.doneCount() + " images of " + description);
                System.out.println(RegionTable.markdown(table));
                System.out.println("wrote " + dir.resolve(OpenVocabTable.TABLE_MD) + " and " + dir.resolve(OpenVocabTable.FIGURE));
            }
            return 0;
        }
    }

    @Command(name = "dataset", mixinStandardHelpOptions = true,
            description = {"Data-set-level spectral clustering (paper Sec. 3.3, App. C): one set of K x 32 x 32 features per image for a whole data set, "
                    + "learnt from kNN graphs over the queries and keys (--graph qk, the \"where\" pathway) or the values (--graph vv, \"what\") of the images of random mini-batches. "
                    + "Taps are cached under OUT/taps; checkpoints every --checkpoint-every iterations and on Ctrl-C; the same command with the same --out continues.",
                "Writes OUT/features.npy (images x K x 32 x 32, float32: softmax of the EMA table), OUT/images.txt (one image id per row), OUT/loss.csv, OUT/loss.png and OUT/features.png."})
    static final class DatasetRun implements Callable<Integer> {
        @Mixin
        DataSetOptions data;

        @Mixin
        BackboneOptions source;

        @Option(names = "--graph", required = true, description = "qk (queries against keys: \"where\") or vv (values against values: \"what\").")
        String graph;

        @Mixin
        TrainingOptions training;

        @Option(names = "--out", description = "Run folder (default: results/<dataset>-dataset-<graph>/<backbone>).")
        Path out;

        @Override
        public Integer call() throws Exception {
            DatasetTraining.Pathway pathway = DatasetTraining.Pathway.named(graph);
            DatasetTraining.Settings settings = training.settings(pathway);
            LabelledImages set = data.open(false);
            List<String> ids = data.ids(set);
            String description = source.checkedDescription();
            Path dir = out != null ? out : Path.of("results", set.name() + "-dataset-" + pathway.word(), source.name());
            JsonObject extra = new JsonObject();
            extra.addProperty("modelConfig", source.modelConfig == null ? "preset" : source.modelConfig.toAbsolutePath().toString());
            extra.addProperty("posEmbed", source.positions == null ? "preset" : source.positions);
            DatasetTraining.Result r = DatasetTraining.run(set, ids, () -> source.create(0), description, settings, dir, extra, System.err);
            if (r.stopped()) return 130;
            System.out.println("wrote " + r.features());
            return 0;
        }
    }

}
