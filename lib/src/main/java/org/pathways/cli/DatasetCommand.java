package org.pathways.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.pathways.affinity.KnnGraph;
import org.pathways.affinity.SparseGraph;
import org.pathways.common.InvalidInputException;
import org.pathways.data.NdData;
import org.pathways.data.Npy;
import org.pathways.eval.SemanticEvaluation;
import org.pathways.eval.SemanticReport;
import org.pathways.spectral.DatasetObjective;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The data-set-level method's stages on plain files (paper Sec. 3.3), as {@code spectral --steps 0} is for the
 * per-image objective: build a mini-batch's kNN graph from queries and keys, and evaluate the objective and its
 * gradient at given logits. The whole training is {@code run dataset}.
 */
@Command(name = "dataset", mixinStandardHelpOptions = true,
        description = "The data-set-level method's stages on plain files: the kNN graph of a mini-batch, the objective with its gradient, and the evaluation of cluster maps.",
        subcommands = {DatasetCommand.GraphStage.class, DatasetCommand.ObjectiveStage.class, DatasetCommand.EvaluateStage.class})
final class DatasetCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Dense {@code affinity.npy} is written up to this many entries (heads x (B n)^2). */
    static final long DENSE_LIMIT = 1L << 26;

    @Command(name = "graph", mixinStandardHelpOptions = true,
            description = {"The authors' kNN graph of a mini-batch (model_seg.py build_knn_graph): unit-norm queries against unit-norm keys "
                    + "(pass the values as both for the V-V graph), own node excluded, the top k of each row inside its image and in the other "
                    + "images, values <= threshold dropped, symmetrised, row-normalised (1 / rowsum + 1e-6). One graph per input head; "
                    + "node = b * N + position.",
                "Writes OUT/affinity.npz (indices 3 x nnz int64: head, row, col, sorted; values float64; shape [heads, BN, BN]; batch [B]) "
                    + "and, when heads x (BN)^2 <= 2^26, OUT/affinity.npy (heads x BN x BN, float64)."})
    static final class GraphStage implements Callable<Integer> {
        @Option(names = "--q", required = true, paramLabel = "Q.npy", description = "Queries, B x heads x N x d (the authors' concatenated layout: B x 1 x N x (heads*d)).")
        Path queries;

        @Option(names = "--k", required = true, paramLabel = "K.npy", description = "Keys, the same shape.")
        Path keys;

        @picocli.CommandLine.Mixin
        KnnOptions knn;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
        Path out;

        @Option(names = "--force", description = "Overwrite affinity files that Pathways did not write.")
        boolean force;

        @Override
        public Integer call() throws Exception {
            NdData q = read(queries, "--q");
            NdData k = read(keys, "--k");
            int[] s = q.shape();
            if (s.length != 4) throw new InvalidInputException(queries + ": shape " + q.shapeString() + " is not B x heads x N x d");
            if (!java.util.Arrays.equals(s, k.shape())) throw new InvalidInputException(keys + ": shape " + k.shapeString() + " differs from the queries' " + q.shapeString());
            int batch = s[0];
            int n = s[2];
            KnnGraph.Settings settings = knn.settings();
            List<String> files = List.of("affinity.npz", "affinity.npy");
            checkWritable(out, files, force);
            int side = (int) Math.round(Math.sqrt(n));
            int[] grid = side * side == n ? new int[] {side, side} : new int[] {1, n};
            DataType type = q.dtype().equals("f8") && k.dtype().equals("f8") ? DataType.FLOAT64 : DataType.FLOAT32;
            SparseGraph g = KnnGraph.build("affinity", q.values(), k.values(), batch, s[1], grid[0], grid[1], s[3], type, settings);
            Files.createDirectories(out);
            Files.writeString(out.resolve(MARK), "written by pathways dataset graph\n");
            g.writeNpz(out.resolve("affinity.npz"));
            long nodes = g.nodes();
            if (g.heads() * nodes * nodes <= DENSE_LIMIT) {
                Npy.writeFloat64(out.resolve("affinity.npy"), new int[] {g.heads(), (int) nodes, (int) nodes}, g.dense());
            }
            long nnz = 0;
            for (int h = 0; h < g.heads(); h++) nnz += g.entries(h);
            System.err.printf("%d heads over %d images x %d nodes: %d entries (%.1f per row); wrote %s%n", g.heads(), batch, n, nnz,
                    (double) nnz / (g.heads() * nodes), out.resolve("affinity.npz"));
            return 0;
        }
    }

    @Command(name = "objective", mixinStandardHelpOptions = true,
            description = {"The data-set objective at given logits (train_utils.py subsample_feat_and_solve_ncut_semantic): softmax over K, "
                    + "adaptive average pooling to every graph's grid, L2 normalisation over all nodes of the batch, "
                    + "loss = mean |w_g (z^T A_g z - 1)| + mean w_g (z_i^T z_j)^2 with w_g = 32 / res_g, in float64.",
                "Prints one line, 'loss <value>', and writes OUT/grad.npy: dL/dlogits (float64, the shape of LOGITS)."})
    static final class ObjectiveStage implements Callable<Integer> {
        @Option(names = "--graph", required = true, paramLabel = "G", description = "A 'dataset graph' folder, its .npz, or a dense .npy (N x N or heads x N x N); "
                + "repeat for several layers. Every head is one graph, of grid sqrt(N / B).")
        List<Path> graphs;

        @Option(names = "--logits", required = true, paramLabel = "LOGITS.npy", description = "The feature table's logits, B x K x 32 x 32.")
        Path logits;

        @Option(names = "--out", required = true, paramLabel = "OUT", description = "Output folder.")
        Path out;

        @Option(names = "--force", description = "Overwrite a grad.npy that Pathways did not write.")
        boolean force;

        @picocli.CommandLine.Mixin
        NegativeAffinitiesOption negative;

        @Override
        public Integer call() throws Exception {
            NdData x = read(logits, "--logits");
            int[] s = x.shape();
            int t = DatasetObjective.TABLE;
            if (s.length != 4 || s[2] != t || s[3] != t) throw new InvalidInputException(logits + ": shape " + x.shapeString() + " is not B x K x " + t + " x " + t);
            List<SparseGraph> loaded = new ArrayList<>();
            for (Path g : graphs) {
                Path file = Files.isDirectory(g) ? g.resolve("affinity.npz") : g;
                if (!Files.isRegularFile(file)) throw new InvalidInputException(g + ": no such graph (a 'dataset graph' folder, its affinity.npz, or a .npy)");
                loaded.add(SparseGraph.read(file, s[0], negative.allow));
            }
            checkWritable(out, List.of("grad.npy"), force);
            DatasetObjective.Gradient g;
            try (NDManager manager = NDManager.newBaseManager();
                 DatasetObjective objective = new DatasetObjective(manager, loaded, s[1], DataType.FLOAT64)) {
                g = objective.gradientAt(x.values());
            }
            Files.createDirectories(out);
            Files.writeString(out.resolve(MARK), "written by pathways dataset objective\n");
            Npy.writeFloat64(out.resolve("grad.npy"), s, g.dLossDLogits());
            System.out.println("loss " + CFormat.g17(g.loss()));
            return 0;
        }
    }

    @Command(name = "evaluate", mixinStandardHelpOptions = true,
            description = {"Unsupervised semantic segmentation scored as the authors do (eval_utils.py eval_semantic_segmentation): clusters "
                    + "matched to classes over the whole data set, Hungarian (one-to-one) and greedy (each cluster to its most frequent class); "
                    + "mIoU over ALL classes (an absent class scores 0) and pixel accuracy over the labelled pixels. Cluster maps smaller than "
                    + "the labels are resized by nearest neighbour, src = floor(dst * in / out).",
                "Prints two lines, Hungarian first: '<rule> mIoU <x> pixel accuracy <y>' (fractions, %%.10f). With --out, writes "
                    + "scores.csv, iou.csv, assignment.csv, confusion-hungarian.csv, confusion-greedy.csv (rows predicted, columns truth) "
                    + "and cluster-class-counts.csv."})
    static final class EvaluateStage implements Callable<Integer> {
        @Option(names = "--clusters", required = true, paramLabel = "C.npy", description = "Cluster ids, images x h x w, integers 0..N-1.")
        Path clusters;

        @Option(names = "--gt", required = true, paramLabel = "GT.npy", description = "Labels, images x H x W, integers 0..N-1 or the ignore value.")
        Path gt;

        @Option(names = "--classes", required = true, paramLabel = "N", description = "Number of classes, and of clusters.")
        int classes;

        @Option(names = "--ignore", defaultValue = "-1", paramLabel = "-1|255", description = "The label of unlabelled pixels: -1 (the authors' loaders) or 255 (the PNGs). Default: ${DEFAULT-VALUE}.")
        int ignore;

        @Option(names = "--out", paramLabel = "DIR", description = "Also write the matrices, assignments and per-class IoU here.")
        Path out;

        @Option(names = "--crf", description = "Refine each matched map with the dense CRF on its image before scoring (the authors' batch_crf: "
                + "Gaussian sxy 1 compat 3, bilateral sxy 67 srgb 3 compat 4, 10 mean-field iterations); needs --images.")
        boolean crf;

        @Option(names = "--images", paramLabel = "IMAGES.npy", description = "The images, images x H x W x 3 uint8 RGB at the labels' size (for --crf).")
        Path imageFile;

        @Option(names = "--force", description = "Overwrite files in --out that Pathways did not write.")
        boolean force;

        @Override
        public Integer call() throws Exception {
            if (crf && imageFile == null) throw new InvalidInputException("--crf needs --images IMAGES.npy (images x H x W x 3, uint8)");
            if (classes < 1) throw new InvalidInputException("--classes " + classes + ": expected at least 1");
            if (ignore != -1 && ignore != 255) throw new InvalidInputException("--ignore " + ignore + ": expected -1 or 255");
            NdData c = readLabels(clusters, "--clusters");
            NdData g = readLabels(gt, "--gt");
            if (c.shape()[0] != g.shape()[0]) {
                throw new InvalidInputException(clusters + ": " + c.shape()[0] + " images, but " + gt + " has " + g.shape()[0]);
            }
            SemanticEvaluation.Refiner refiner = null;
            if (crf) {
                NdData pictures = read(imageFile, "--images");
                int[] s = pictures.shape();
                int[] gs = g.shape();
                if (s.length != 4 || s[3] != 3 || s[0] != gs[0] || s[1] != gs[1] || s[2] != gs[2]) {
                    throw new InvalidInputException(imageFile + ": shape " + pictures.shapeString() + " is not " + gs[0] + " x " + gs[1] + " x " + gs[2] + " x 3 (the labels' images, RGB)");
                }
                if (!pictures.dtype().equals("u1")) throw new InvalidInputException(imageFile + ": dtype " + pictures.dtype() + " is not uint8");
                refiner = (i, matched, height, width) -> org.pathways.crf.DenseCrf.refine(
                        new org.pathways.crf.ClassGrid(matched.values(), matched.height(), matched.width(), classes), rgb(pictures, i), org.pathways.crf.DenseCrf.Settings.AUTHORS);
            }
            if (out != null) checkWritable(out, SemanticReport.FILES, force);
            SemanticEvaluation.Result r = SemanticEvaluation.evaluate(new ArraySource(c, clusters, g, gt), classes, ignore, refiner, i -> {});
            if (out != null) {
                Files.createDirectories(out);
                Files.writeString(out.resolve(MARK), "written by pathways dataset evaluate\n");
                SemanticReport.write(r, null, out);
            }
            SemanticReport.lines(r).forEach(System.out::println);
            return 0;
        }

        /** Image {@code i} of an images x H x W x 3 uint8 array. */
        private static java.awt.image.BufferedImage rgb(NdData pictures, int i) {
            int h = pictures.shape()[1];
            int w = pictures.shape()[2];
            java.awt.image.BufferedImage out = new java.awt.image.BufferedImage(w, h, java.awt.image.BufferedImage.TYPE_INT_RGB);
            double[] v = pictures.values();
            int base = i * h * w * 3;
            for (int p = 0; p < h * w; p++) {
                int o = base + 3 * p;
                out.setRGB(p % w, p / w, ((int) v[o] << 16) | ((int) v[o + 1] << 8) | (int) v[o + 2]);
            }
            return out;
        }

        /** An images x H x W integer array. */
        private static NdData readLabels(Path file, String option) {
            NdData d = read(file, option);
            if (d.rank() != 3) throw new InvalidInputException(file + ": shape " + d.shapeString() + " is not images x H x W");
            if (!d.dtype().startsWith("i") && !d.dtype().startsWith("u")) {
                throw new InvalidInputException(file + ": dtype " + d.dtype() + " is not an integer type (cluster ids and labels are integers)");
            }
            return d;
        }
    }

    /** Image by image views of two images x H x W arrays; the messages name the file and the image. */
    private record ArraySource(NdData clusters, Path clusterFile, NdData labels, Path labelFile) implements SemanticEvaluation.Source {
        @Override
        public int size() {
            return clusters.shape()[0];
        }

        @Override
        public SemanticEvaluation.LabelMap clusters(int i) {
            return slice(clusters, i);
        }

        @Override
        public SemanticEvaluation.LabelMap labels(int i) {
            return slice(labels, i);
        }

        @Override
        public String name(int i) {
            return clusterFile + " / " + labelFile + ", image " + i;
        }

        private static SemanticEvaluation.LabelMap slice(NdData d, int i) {
            int h = d.shape()[1];
            int w = d.shape()[2];
            int[] out = new int[h * w];
            double[] v = d.values();
            for (int p = 0; p < out.length; p++) out[p] = (int) v[i * h * w + p];
            return new SemanticEvaluation.LabelMap(out, h, w);
        }
    }

    private static NdData read(Path file, String option) {
        try {
            NdData d = Npy.read(file);
            int bad = d.firstNonFinite();
            if (bad >= 0) throw new InvalidInputException(file + ": NaN or Inf at flat index " + bad);
            return d;
        } catch (IOException e) {
            throw new InvalidInputException(option + " " + e.getMessage(), e);
        }
    }

    /** Refuses to overwrite one of our file names in {@code dir} that a dataset run did not write, unless {@code force}. */
    private static void checkWritable(Path dir, List<String> names, boolean force) {
        if (force) return;
        for (String name : names) {
            Path f = dir.resolve(name);
            if (Files.exists(f) && !Files.exists(dir.resolve(MARK))) {
                throw new InvalidInputException(f + ": exists and was not written by Pathways; choose another --out or pass --force");
            }
        }
    }

    /** Our mark in an output folder of these commands, so that they can rewrite their own files. */
    static final String MARK = ".pathways-dataset";
}
