package org.pathways.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pathways.affinity.Graph;
import org.pathways.affinity.GraphFiles;
import org.pathways.common.InvalidInputException;
import org.pathways.data.NdData;
import org.pathways.data.Npy;
import org.pathways.pipeline.PerImage;
import org.pathways.spectral.SpectralEngine;
import org.pathways.spectral.SpectralObjective;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "spectral", mixinStandardHelpOptions = true,
        description = {"The spectral engine on affinities computed elsewhere (e.g. attention exported from Python).",
            "FILE.npz holds one array per graph (N x N, heads x N x N or 1 x heads x N x N) and optionally <name>_hw = [h, w].",
            "Writes OUT/features.npy (K x h x w re-orthogonalised, float32) and OUT/summary.json; with --steps 0 it prints "
                + "the objective at the start features and writes OUT/grad.npy (dL/dX, K x h x w, float64)."})
final class SpectralCommand implements Callable<Integer> {
    @Option(names = "--graphs", required = true, paramLabel = "FILE.npz", description = "The affinities.")
    Path graphsFile;

    @Option(names = "--grid", paramLabel = "HxW", description = "Grid of graphs that have no <name>_hw entry (default: square).")
    String grid;

    @Option(names = "--out", defaultValue = "results/spectral", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--force", description = "Overwrite files in OUT that Pathways did not write.")
    boolean force;

    @Mixin
    MethodOptions method;

    @Mixin
    NegativeAffinitiesOption negative;

    @Override
    public Integer call() throws Exception {
        List<Graph> graphs = GraphFiles.readNpz(graphsFile, parseGrid(grid), negative.allow);
        method.initFileAllowed = true; // --init X.npy: start features X (K x h x w, a probability over K), the direct parametrisation from logits = log X
        Path init = method.initFile();
        PerImage.Options options = method.options();
        PerImage.Start start = null;
        if (init != null) {
            NdData data;
            try {
                data = Npy.read(init);
            } catch (java.io.IOException e) {
                throw new InvalidInputException(e.getMessage(), e);
            }
            int[] s = data.shape();
            if (!(s.length == 3 || (s.length == 4 && s[0] == 1))) throw new InvalidInputException(init + ": shape " + data.shapeString() + " is not K x h x w");
            int k = s[s.length - 3];
            int height = s[s.length - 2];
            int width = s[s.length - 1];
            checkProbabilities(init, data, k, height * width);
            start = new PerImage.Start(data.values(), k, height, width);
            options = options.withEigs(k).withParametrisation("direct"); // --init starts the direct parametrisation
        }
        List<String> files = List.of("features.npy", "summary.json", "grad.npy");
        PerImage.checkWritable(out, files, force);
        if (options.schedule().passesFor(null) == 0 && !options.exactSolver()) return gradientOnly(graphs, options, start);
        long t = System.nanoTime();
        Progress progress = new Progress(System.err, "[spectral]");
        PerImage.Features features = start != null ? PerImage.optimiseFrom(graphs, options, start, progress) : PerImage.optimise(graphs, options, progress);
        Map<String, Double> seconds = new LinkedHashMap<>();
        seconds.put("optimise", (System.nanoTime() - t) / 1e9);
        PerImage.writeFeatures(out, features);
        JsonObject summary = PerImage.summary(features, "graphs:" + graphsFile, graphs.size() + " graphs from " + graphsFile,
                options, seconds);
        PerImage.writeJson(summary, out.resolve("summary.json"));
        System.out.printf("final loss %.6f after %d passes (%d optimiser updates); features.npy and summary.json in %s%n",
                features.run().finalLoss(), features.run().passes(), features.run().updates(), out);
        return 0;
    }

    /** --steps 0: the objective and dL/dX at the start features, in float64. */
    private int gradientOnly(List<Graph> graphs, PerImage.Options options, PerImage.Start start) throws Exception {
        graphs = PerImage.sparsified(graphs, options.graphTopK());
        SpectralObjective.Spec spec = SpectralObjective.Spec.of(options.eigs()).withWeights(options.weights()).in(DataType.FLOAT64);
        if (start != null) spec = spec.onGrid(start.height(), start.width());
        if (start == null && options.exactInit()) {
            start = PerImage.exactStart(org.pathways.spectral.ExactSolver.solve(graphs, options.eigs()));
            spec = spec.onGrid(start.height(), start.width());
        }
        try (NDManager manager = NDManager.newBaseManager();
             SpectralObjective objective = new SpectralObjective(manager, graphs, spec)) {
            // the given start, or the chosen parametrisation's
            double[] x = start != null ? start.probabilities() : PerImage.initialProbabilities(manager, objective, options);
            SpectralEngine.Gradient g = SpectralEngine.gradientAt(manager, objective, x);
            int[] shape = {objective.channels(), objective.featureHeight(), objective.featureWidth()};
            Npy.writeFloat64(out.resolve("grad.npy"), shape, g.dLossDx());
            JsonObject summary = new JsonObject();
            summary.addProperty("pathways", PerImage.VERSION);
            summary.addProperty("graphs", graphsFile.toString());
            summary.addProperty("objective", g.loss());
            summary.addProperty("eigs", objective.channels());
            PerImage.writeJson(summary, out.resolve("summary.json"));
            System.out.printf("objective %.12f%n", g.loss());
            System.err.println("dL/dX written to " + out.resolve("grad.npy"));
        }
        return 0;
    }

    static int[] parseGrid(String grid) {
        if (grid == null) return null;
        String[] p = grid.toLowerCase().split("x");
        try {
            if (p.length == 2) {
                int h = Integer.parseInt(p[0].trim());
                int w = Integer.parseInt(p[1].trim());
                if (h > 0 && w > 0) return new int[] {h, w};
            }
        } catch (NumberFormatException ignored) {
            // fall through to the error
        }
        throw new InvalidInputException("--grid '" + grid + "': expected HxW, e.g. 30x40");
    }

    private static void checkProbabilities(Path file, NdData data, int k, int n) {
        int bad = data.firstNonFinite();
        if (bad >= 0) throw new InvalidInputException(file + ": NaN or Inf at flat index " + bad);
        double[] v = data.values();
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int c = 0; c < k; c++) {
                double p = v[c * n + i];
                if (p < 0) throw new InvalidInputException(file + ": negative value " + p + " at channel " + c + ", pixel " + i + "; X must be a probability over K");
                sum += p;
            }
            if (Math.abs(sum - 1) > 1e-3) throw new InvalidInputException(file + ": channels sum to " + sum + " at pixel " + i + ", not 1; X must be a probability over K (softmax first)");
        }
    }
}
