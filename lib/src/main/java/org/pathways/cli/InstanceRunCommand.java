package org.pathways.cli;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pathways.baseline.Baselines;
import org.pathways.common.InvalidInputException;
import org.pathways.data.CocoInstances;
import org.pathways.data.SampleCoco;
import org.pathways.eval.coco.CocoDataset;
import org.pathways.eval.instances.InstanceProposals;
import org.pathways.pipeline.DatasetRunner;
import org.pathways.pipeline.InstanceSegmentation;
import org.pathways.pipeline.InstanceTable;
import org.pathways.pipeline.PerImage;
import org.pathways.pipeline.ResultLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code run instances}: class-agnostic instance segmentation over COCO val2017 (paper App. D.2, Table 7). */
@Command(name = "instances", mixinStandardHelpOptions = true,
        description = {"Class-agnostic instance segmentation (paper App. D.2, Table 7): per image our features and their instance proposals, "
                + "TokenCut (1 mask) and MaskCut (3 masks, scored 1 - 0.01 x rank: our assumption) on the same forward pass's final layer; "
                + "COCO box and mask AP50 / AP75 / AR100 against the class-agnostic annotations, on the images done so far.",
            "Writes OUT/detections.csv (one row per mask: image_id,method,rank,score,height,width,counts), OUT/mask-counts.csv, "
                + "OUT/results-<method>.json (COCO results format), OUT/pictures/<image id>.png, then table7.csv and table7.md."})
final class InstanceRunCommand implements Callable<Integer>, ImageRuns.Command {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** The generated set's size. */
    static final int SAMPLE_COCO_IMAGES = 8;

    @Option(names = "--dataset", defaultValue = "coco", description = "coco (COCO val2017 with CutLER's class-agnostic annotations, from "
            + "data-scripts/fetch-coco.sh) or sample-coco (a small generated set in that layout, for trying things offline; its numbers mean nothing) (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--data", paramLabel = "DIR", description = "Data set folder (default: $PATHWAYS_DATA_DIR/coco or ~/.cache/pathways/data/coco; sample-coco: .../sample-coco).")
    Path data;

    @Mixin
    RunLimits limits;

    @Mixin
    BackboneOptions source;

    @Mixin
    MethodOptions method;

    @Mixin
    ProposalOptions proposals;

    @Option(names = "--instance-k-max", defaultValue = "9", paramLabel = "K",
            description = "Instance proposals: K-means for k = 2..K (the authors' code: 9; the paper says 10) (default: ${DEFAULT-VALUE}).")
    int instanceKMax;

    @Option(names = "--methods", split = ",", description = "Methods (default: all): " + "tokencut, maskcut, ours.")
    List<String> methods;

    @Option(names = "--out", description = "Run folder (default: results/<dataset>-table7/<backbone>).")
    Path out;

    CocoInstances open() throws IOException {
        Path home = CocoInstances.defaultRoot();
        return switch (dataset) {
            case "coco" -> CocoInstances.open(data != null ? data : home);
            case "sample-coco" -> {
                Path root = data != null ? data : home.resolveSibling("sample-coco");
                if (!Files.isRegularFile(root.resolve("annotations").resolve(SampleCoco.ANNOTATIONS))) SampleCoco.write(root, SAMPLE_COCO_IMAGES, 0);
                yield CocoInstances.open(root);
            }
            default -> throw new InvalidInputException("--dataset '" + dataset + "': expected coco or sample-coco");
        };
    }

    /** What every image of the run needs, its options checked (one-line errors) before any work. */
    private record Plan(List<String> chosen, PerImage.Options options, InstanceProposals.Options instanceOptions, CocoInstances set,
                        Map<String, CocoInstances.Image> byId) {}

    private Plan plan() throws IOException {
        List<String> chosen = methods == null || methods.isEmpty() ? InstanceSegmentation.METHODS : methods;
        for (String m : chosen) if (!InstanceSegmentation.METHODS.contains(m)) throw new InvalidInputException("--methods: unknown method '" + m + "' (known: tokencut, maskcut, ours)");
        limits.check();
        PerImage.Options options = method.options();
        InstanceProposals.Options instanceOptions = proposals.options(instanceKMax, options.seed(), InstanceProposals.Options.paper().restarts());
        CocoInstances set = open();
        Map<String, CocoInstances.Image> byId = new LinkedHashMap<>();
        for (CocoInstances.Image image : set.images()) byId.put(Long.toString(image.id()), image);
        return new Plan(List.copyOf(chosen), options, instanceOptions, set, byId);
    }

    private DatasetRunner.Work<CocoInstances.Image> work(Plan p) {
        return new DatasetRunner.Work<>(p.byId()::get, () -> new InstanceSegmentation(source.create(p.options().graphTopK()), p.set(), p.options(),
                p.instanceOptions(), Baselines.Options.defaults(), p.chosen()).writingPictures());
    }

    @Override
    public DatasetRunner.Work<?> work() {
        try {
            return work(plan());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public Integer call() throws Exception {
        Plan plan = plan();
        List<String> chosen = plan.chosen();
        PerImage.Options options = plan.options();
        InstanceProposals.Options instanceOptions = plan.instanceOptions();
        CocoInstances set = plan.set();
        Map<String, CocoInstances.Image> byId = plan.byId();
        List<String> ids = limits.first(new ArrayList<>(byId.keySet()));
        Path dir = out != null ? out : Path.of("results", dataset + "-table7", source.name());
        JsonObject config = RunCommand.config("instances", set.name(), source, options);
        config.addProperty("annotations", set.annotationFile().toAbsolutePath().toString());
        config.addProperty("methods", String.join(",", chosen));
        config.addProperty("proposals", instanceOptions.isFixed() ? "fixed" : "authors");
        config.addProperty("minScore", instanceOptions.minScore());
        config.addProperty("maxMasks", instanceOptions.maxMasks());
        config.addProperty("instanceKMax", instanceOptions.kMax());
        RunCommand.checkModel(source, options);
        String note = set.isSample() ? "**Generated set (sample-coco): these numbers mean nothing about COCO.**" : set.name() + ", backbone " + source.name();
        try (ResultLog log = ResultLog.open(dir, config, List.of(InstanceSegmentation.DETECTIONS, InstanceSegmentation.COUNTS))) {
            System.err.println("instance segmentation on " + set.dir() + " (" + ids.size() + " images), methods " + chosen + " -> " + dir);
            List<String> methodsRun = chosen;
            CocoDataset truth = CocoDataset.load(set.annotationFile()); // once, for every rewrite of the table
            ResultLog.Reader tables = () -> InstanceTable.write(dir, truth, methodsRun, note);
            DatasetRunner.Summary summary = limits.run(work(plan), ids, log, RunCommand.TABLES_EVERY, tables, spec);
            RunCommand.report(summary, dir);
            InstanceTable.write(dir, truth, chosen, note);
            System.out.println(Files.readString(dir.resolve(InstanceTable.TABLE_MD))); // with the note on what the numbers are from
            System.out.println("wrote " + dir.resolve(InstanceTable.TABLE_MD));
        }
        return 0;
    }
}
