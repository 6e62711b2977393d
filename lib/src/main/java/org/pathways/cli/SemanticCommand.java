package org.pathways.cli;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.pathways.common.InvalidInputException;
import org.pathways.data.LabelledImages;
import org.pathways.data.NdData;
import org.pathways.data.Npy;
import org.pathways.eval.FeatureClustering;
import org.pathways.model.Backbones;
import org.pathways.model.VitBackbone;
import org.pathways.pipeline.DatasetTraining;
import org.pathways.pipeline.FinalLayerFeatures;
import org.pathways.pipeline.SemanticRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code run semantic}: Tables 2-4 from features files, or from a backbone trained first. */
@Command(name = "semantic", mixinStandardHelpOptions = true,
        description = {"Unsupervised semantic segmentation and the \"where\" pathway on data-set features (paper Sec. 4.2.2-4.2.3, App. C; Tables 2-4): "
                + "K-means (K = the number of classes) on U S of each features file, matched greedily and by Hungarian over the whole set; the dense CRF "
                + "with --crf; coordinate regression (80 / 20 %% of locations, MSE in cells^2 on the 32 x 32 grid); the same segmentation protocol on "
                + "left/right-split labels (2 x the classes; our split thresholds: centroid x < 0.45 W left, > 0.55 W right, regions >= 50 pixels).",
            "Features: --features (a 'run dataset' folder, or an images x K x h x w .npy with images.txt beside it, else the data set's order), "
                + "or --backbone NAME to train the Q-K and V-V features first (OUT/train-qk, OUT/train-vv; resumable). --kmeans-backbone adds "
                + "K-means rows on a backbone's final-layer tokens.",
            "Writes OUT/table2|table3|table4 .csv and .md (the paper's rows beside ours, marked 'paper'), OUT/spatial-split.png and per features "
                + "OUT/<name>/: semantic/, spatial/ (scores, IoU, assignments, confusion matrices), regression.csv, eigenvectors.png, clusters.png, "
                + "regression-error.png."})
final class SemanticCommand implements Callable<Integer> {
    @Mixin
    DataSetOptions data;

    @Option(names = "--features", paramLabel = "[NAME=]PATH", description = "Features to evaluate (repeatable): a 'run dataset' folder or a .npy; "
            + "NAME labels the row (default: 'Ours (Q-K graph)' / 'Ours (V-V graph)' from the folder's run.json, else the file name).")
    List<String> features = new ArrayList<>();

    @Mixin
    BackboneOptions source;

    @Mixin
    TrainingOptions training;

    @Option(names = "--kmeans-backbone", paramLabel = "NAME", description = "Also K-means on this backbone's final-layer patch tokens (repeatable; the paper: "
            + "dino-vits16 in Tables 3-4). Weights from the default place (data-scripts/fetch-weights.sh).")
    List<String> kmeansBackbones = new ArrayList<>();

    @Option(names = "--crf", description = "Also score after the dense CRF (the authors' batch_crf; the '+CRF' rows of Table 2).")
    boolean crf;

    @Option(names = "--restarts", defaultValue = "10", description = "K-means restarts, the best kept (default: ${DEFAULT-VALUE}, sklearn 1.2.1's n_init, the authors' version).")
    int restarts;

    @Option(names = "--out", description = "Output folder (default: results/<dataset>-semantic).")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (features.isEmpty() && source.backbone == null) {
            throw new InvalidInputException("run semantic needs --features PATH (repeatable) or --backbone NAME (to train the Q-K and V-V features first)");
        }
        if (restarts < 1) throw new InvalidInputException("--restarts must be >= 1, got " + restarts);
        LabelledImages set = data.open(true);
        List<String> ids = data.ids(set);
        Path dir = out != null ? out : Path.of("results", set.name() + "-semantic");
        int side = training.crop().side();
        List<SemanticRun.Entry> entries = new ArrayList<>();
        for (String f : features) entries.add(fromFile(f, ids));
        if (source.backbone != null) {
            for (DatasetTraining.Pathway pathway : DatasetTraining.Pathway.values()) entries.add(train(set, ids, pathway, dir));
        }
        for (String name : kmeansBackbones) {
            FeatureClustering.Features tokens = FinalLayerFeatures.extract(set, ids, () -> Backbones.create(name, null, VitBackbone.Resize.PAPER),
                    side, dir.resolve("final-layer-" + name), System.err);
            entries.add(SemanticRun.Entry.kMeans(name, tokens));
        }
        SemanticRun.Settings settings = SemanticRun.Settings.paper(data.paperColumn(), data.sample()).withCrf(crf).withRestarts(restarts).withSeed(training.seed);
        SemanticRun.Result r = SemanticRun.run(set, ids, entries, withCrop(settings, side), dir, System.err);
        for (String t : List.of(SemanticRun.TABLE2, SemanticRun.TABLE3, SemanticRun.TABLE4)) {
            System.out.println(Files.readString(dir.resolve(t + ".md")));
        }
        System.out.println("wrote " + dir);
        return 0;
    }

    private static SemanticRun.Settings withCrop(SemanticRun.Settings s, int side) {
        return new SemanticRun.Settings(s.dataset(), s.sample(), side, s.restarts(), s.seed(), s.crf(), s.split());
    }

    /** Trains one pathway's features under OUT/train-<qk|vv> (resuming a run already there). */
    private SemanticRun.Entry train(LabelledImages set, List<String> ids, DatasetTraining.Pathway pathway, Path dir) throws IOException {
        String description = source.checkedDescription();
        JsonObject extra = new JsonObject();
        extra.addProperty("backbone", source.name());
        DatasetTraining.Result r = DatasetTraining.run(set, ids, () -> source.create(0), description, training.settings(pathway),
                dir.resolve("train-" + pathway.word()), extra, System.err);
        if (r.stopped()) throw new InvalidInputException("training stopped; run the same command again to continue");
        return fromFile(r.dir().toString(), ids);
    }

    /** [NAME=]PATH: a training folder or an images x K x h x w .npy, checked against the data set's ids. */
    static SemanticRun.Entry fromFile(String spec, List<String> ids) throws IOException {
        int eq = spec.indexOf('=');
        String name = eq > 0 ? spec.substring(0, eq) : null;
        Path path = Path.of(eq > 0 ? spec.substring(eq + 1) : spec);
        Path file = Files.isDirectory(path) ? path.resolve(DatasetTraining.FEATURES) : path;
        if (!Files.isRegularFile(file)) throw new InvalidInputException("--features " + path + ": no such file (a 'run dataset' folder or a .npy)");
        NdData d;
        try {
            d = Npy.read(file);
        } catch (IOException e) {
            throw new InvalidInputException("--features " + e.getMessage(), e);
        }
        int[] s = d.shape();
        if (s.length != 4) throw new InvalidInputException(file + ": shape " + d.shapeString() + " is not images x K x h x w");
        int bad = d.firstNonFinite();
        if (bad >= 0) throw new InvalidInputException(file + ": NaN or Inf at flat index " + bad);
        Path list = file.resolveSibling(DatasetTraining.IMAGES);
        if (Files.isRegularFile(list)) {
            List<String> listed = Files.readAllLines(list).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
            if (!listed.equals(ids)) {
                throw new InvalidInputException(list + ": lists " + listed.size() + " images" + (listed.isEmpty() ? "" : " from " + listed.get(0))
                        + ", not the data set's " + ids.size() + " from " + ids.get(0) + " (same --dataset and --images as the training?)");
            }
        } else if (s[0] != ids.size()) {
            throw new InvalidInputException(file + ": features for " + s[0] + " images, the data set has " + ids.size() + " (and there is no images.txt beside it)");
        }
        Path config = file.resolveSibling("run.json");
        if (name == null) {
            name = file.getFileName().toString();
            if (Files.isRegularFile(config)) {
                JsonObject c = org.pathways.common.JsonFiles.readObject(config);
                if (c.has("graph")) {
                    String graph = c.get("graph").getAsString();
                    name = "Ours (" + (graph.equals("qk") ? "Q-K" : "V-V") + " graph)" + (c.has("backbone") ? ", " + c.get("backbone").getAsString() : "");
                }
            }
        }
        return new SemanticRun.Entry(name, new FeatureClustering.Features(d.asFloats(), s[0], s[1], s[2], s[3]));
    }
}
