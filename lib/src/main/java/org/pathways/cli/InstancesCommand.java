package org.pathways.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.pathways.common.InvalidInputException;
import org.pathways.data.Images;
import org.pathways.data.NdData;
import org.pathways.data.Npy;
import org.pathways.eval.instances.HierarchicalSegments;
import org.pathways.eval.instances.InstanceProposals;
import org.pathways.eval.instances.ProposalPicture;
import org.pathways.pipeline.PerImage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code instances}: the instance-proposal step of the paper's App. D.2 on a feature map ({@link InstanceProposals}). */
@Command(name = "instances", mixinStandardHelpOptions = true,
        description = {"Instance proposals from a feature map (paper App. D.2, the authors' compute_instance_segmentation): features "
                + "L2-normalised per channel and scaled to [-1, 1]; K-means for k = 2..K-MAX; every cluster split into 8-connected "
                + "components and merged hierarchically (Ward, adjacent components only); proposals between 1%% and 90%% of the grid; "
                + "background (touching >= 2 borders, else >= 3) removed; scored by the balanced binary silhouette; greedy NMS at IoU 0.7.",
            "Writes OUT/masks.npy (h x w x M float32 0/1 at the feature grid, best score first), OUT/scores.npy (M, float64), "
                + "OUT/proposals.png and OUT/summary.json; prints one line."})
final class InstancesCommand implements Callable<Integer> {
    static final List<String> FILES = List.of("masks.npy", "scores.npy", "proposals.png", "summary.json");

    @Option(names = "--features", required = true, paramLabel = "FEATURES.npy",
            description = "Features, K x h x w (or 1 x K x h x w), e.g. the features.npy that segment writes.")
    Path features;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @picocli.CommandLine.Mixin
    ProposalOptions proposals;

    @Option(names = "--k-max", defaultValue = "9", paramLabel = "K",
            description = "K-means for k = 2..K (the authors' code: 9; the paper says 10). Default: ${DEFAULT-VALUE}.")
    int kMax;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "SEED", description = "K-means seed (the fits for k use SEED + k). Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--restarts", defaultValue = "10", paramLabel = "R", description = "K-means fits per k, the best kept (sklearn's n_init). Default: ${DEFAULT-VALUE}.")
    int restarts;

    @Option(names = "--force", description = "Overwrite files in OUT that Pathways did not write.")
    boolean force;

    @Override
    public Integer call() throws IOException {
        if (kMax < 2) throw new InvalidInputException("--k-max " + kMax + ": expected at least 2");
        InstanceProposals.Options options = proposals.options(kMax, seed, restarts); // bad options before any reading
        NdData f = read(features);
        int[] s = f.shape();
        if (s.length == 4 && s[0] == 1) s = new int[] {s[1], s[2], s[3]};
        if (s.length != 3 || s[0] < 1 || s[1] < 1 || s[2] < 1) {
            throw new InvalidInputException(features + ": shape " + f.shapeString() + " is not K x h x w (channels first)");
        }
        int pixels = s[1] * s[2];
        if (kMax > pixels) throw new InvalidInputException(features + ": --k-max " + kMax + " is more than the " + pixels + " pixels of its " + s[1] + " x " + s[2] + " grid");
        PerImage.checkWritable(out, FILES, force);
        long start = System.nanoTime();
        InstanceProposals.Proposals p = InstanceProposals.of(f.values(), s[0], s[1], s[2], options);
        double seconds = (System.nanoTime() - start) / 1e9;
        Files.createDirectories(out);
        NdData masks = p.masksArray();
        Npy.writeFloat32(out.resolve("masks.npy"), masks.shape(), masks.values());
        Npy.writeFloat64(out.resolve("scores.npy"), new int[] {p.count()}, p.scores());
        Images.writePng(ProposalPicture.draw(f.values(), s[0], p, 17), out.resolve("proposals.png"));
        PerImage.writeJson(summary(p, options, s, seconds), out.resolve("summary.json"));
        System.out.printf("%s: %d masks (best score %s), %d candidates, %.2f s -> %s%n", features, p.count(),
                p.count() == 0 ? "none" : String.format("%.4f", p.scores()[0]), p.counts().candidates(), seconds, out);
        return 0;
    }

    private JsonObject summary(InstanceProposals.Proposals p, InstanceProposals.Options o, int[] shape, double seconds) {
        JsonObject j = new JsonObject();
        j.addProperty("pathways", PerImage.VERSION);
        j.addProperty("features", features.toString());
        JsonArray sh = new JsonArray();
        for (int v : shape) sh.add(v);
        j.add("shape", sh);
        j.addProperty("variant", o.isFixed() ? "fixed" : "authors");
        if (o.isFixed()) {
            JsonArray q = new JsonArray();
            for (HierarchicalSegments.Quirk quirk : HierarchicalSegments.Quirk.values()) q.add(quirk.name());
            j.add("quirksRemoved", q);
        }
        j.addProperty("kMin", o.kMin());
        j.addProperty("kMax", o.kMax());
        j.addProperty("seed", o.seed());
        j.addProperty("restarts", o.restarts());
        j.addProperty("minScore", o.minScore());
        j.addProperty("maxMasks", o.maxMasks());
        j.addProperty("minArea", o.minArea());
        j.addProperty("maxArea", o.maxArea());
        j.addProperty("nmsIou", o.iou());
        j.addProperty("masks", p.count());
        JsonObject c = new JsonObject();
        c.addProperty("candidates", p.counts().candidates());
        c.addProperty("afterSizeFilter", p.counts().sized());
        c.addProperty("borderRule", p.counts().borderRule());
        c.addProperty("afterBorderFilter", p.counts().unbordered());
        c.addProperty("afterNms", p.counts().afterNms());
        c.addProperty("afterMinScore", p.counts().kept());
        j.add("counts", c);
        JsonArray sc = new JsonArray();
        for (double v : p.scores()) sc.add(v);
        j.add("scores", sc);
        j.addProperty("seconds", seconds);
        return j;
    }

    private static NdData read(Path file) {
        try {
            NdData d = Npy.read(file);
            int bad = d.firstNonFinite();
            if (bad >= 0) throw new InvalidInputException(file + ": NaN or Inf at flat index " + bad);
            return d;
        } catch (IOException e) {
            throw new InvalidInputException("--features " + e.getMessage(), e);
        }
    }
}
