package org.pathways.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import org.pathways.pipeline.ProcessStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.pathways.affinity.Graph;
import org.pathways.spectral.Constants;
import org.pathways.spectral.FeatureMap;
import org.pathways.spectral.SpectralEngine;
import org.pathways.spectral.SpectralObjective;
import org.pathways.spectral.ToyCnn;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Speed and memory on DINO ViT-S/16-sized workloads. The per-image engine: 12 layers x 6 heads "
                + "of 900 x 900 random row-stochastic graphs (a 30 x 30 grid, 480 px input), K = 15, the authors' ToyCNN.",
            "Prints ms per pass (ours, and the authors' formulation run here in the same process), seconds per image "
                + "for the default schedule computed pass by pass and with the window pass reused, RSS over a long run, threads.",
            "--part dataset: the data-set training's graph building and one iteration for mini-batches of 8, 20 and 40 images "
                + "(DINO ViT-S/16 taps at 480, random weights), seconds and peak RSS, how both grow with B, and what COCO-Stuff-27 costs.",
            "--part semantic: the evaluation of COCO-Stuff-27 val's size (2175 images): U S, K-means over 2.2 million locations with 10 restarts, "
                + "matching and scoring at 320 x 320, the dense CRF per image, and the memory they take.",
            "--part sd: one Stable Diffusion 1.4 UNet pass at 512 x 512 with full-size random weights and the 16 self-attention maps kept, "
                + "peak RSS, and the projected UNet time per image with and without the attention buffer."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--layers", defaultValue = "12") int layers;
    @Option(names = "--heads", defaultValue = "6") int heads;
    @Option(names = "--side", defaultValue = "30", description = "Grid side (N = side^2) (default: ${DEFAULT-VALUE}).") int side;
    @Option(names = "--eigs", defaultValue = "15") int eigs;
    @Option(names = "--memory-passes", defaultValue = "2000", description = "Length of the pass-by-pass run that also measures RSS (default: ${DEFAULT-VALUE}).") int memoryPasses;
    @Option(names = "--quick", description = "A short smoke run (200 passes) instead of the full measurement.") boolean quick;
    @Option(names = "--part", defaultValue = "all", description = "engine, vit, sparse, table1, dataset, semantic, sd or all (default: ${DEFAULT-VALUE}).") String part;
    @Option(names = "--dataset-batch", hidden = true, defaultValue = "0") int datasetBatch;
    @Option(names = "--dataset-weights", hidden = true) Path datasetWeights;

    @Override
    public Integer call() throws Exception {
        if (!List.of("all", "engine", "vit", "sparse", "table1", "dataset", "semantic", "sd", "dataset-batch").contains(part)) {
            throw new org.pathways.common.InvalidInputException("--part '" + part + "': expected engine, vit, sparse, table1, dataset or all");
        }
        if (part.equals("all") || part.equals("engine")) engine();
        if (part.equals("all") || part.equals("vit")) vit();
        if (part.equals("all") || part.equals("sparse")) sparse();
        if (part.equals("all") || part.equals("table1")) table1();
        if (part.equals("all") || part.equals("dataset")) BenchDataset.run(quick);
        if (part.equals("all") || part.equals("semantic")) BenchSemantic.run(quick);
        if (part.equals("all") || part.equals("sd")) BenchSd.run(quick);
        if (part.equals("dataset-batch")) BenchDataset.measure(datasetBatch, datasetWeights); // one child of the dataset part
        return 0;
    }

    /**
     * What one image of the Table 1 run costs per method: DINO ViT-S/16 (random weights, same sizes as the real model)
     * at the paper's input size on a 500 x 375 image, the size of most VOC images; and the projection to VOC val.
     */
    private void table1() throws Exception {
        java.nio.file.Path weights = java.nio.file.Files.createTempFile("pathways-bench-vits16", ".safetensors");
        try {
            org.pathways.model.VisionTransformer.Config s16 = org.pathways.model.VisionTransformer.PRESETS.get("dino-vits16");
            org.pathways.model.SafeTensors.writeFloat32(weights, org.pathways.model.VisionTransformer.randomWeights(s16, 14, 0));
            java.awt.image.BufferedImage image = org.pathways.data.SampleScene.landscape(500, 375, 6, 1).image();
            org.pathways.pipeline.PerImage.Options options = org.pathways.pipeline.PerImage.Options.defaults();
            if (quick) options = options.withSteps(200);
            try (org.pathways.model.Backbone backbone = org.pathways.model.Backbones.create("dino-vits16", weights, org.pathways.model.VitBackbone.Resize.PAPER)) {
                org.pathways.pipeline.RegionQuality job = new org.pathways.pipeline.RegionQuality(backbone, org.pathways.pipeline.RegionQuality.allMethods(),
                        options, org.pathways.baseline.Baselines.Options.defaults());
                System.out.println("Table 1, one 500x375 image, DINO ViT-S/16 at short side 448 (28x37 patches), random weights, the default run ("
                        + options.schedule().name() + " schedule: " + options.schedule().passesFor("dino-vits16") + " passes):");
                long t0 = System.nanoTime();
                org.pathways.model.Backbone.Graphs graphs = backbone.graphs(image);
                double total = (System.nanoTime() - t0) / 1e9;
                System.out.printf("  %-18s %6.1f s  (shared by every method)%n", "forward pass", total);
                org.pathways.baseline.Baselines.Prepared prepared = job.prepare(graphs);
                for (String method : org.pathways.pipeline.RegionQuality.allMethods()) {
                    long t = System.nanoTime();
                    int proposals = job.candidates(method, graphs, prepared).size();
                    double seconds = (System.nanoTime() - t) / 1e9;
                    total += seconds;
                    System.out.printf("  %-18s %6.1f s  (%d region maps)%s%n", method, seconds, proposals, method.equals("ours") ? "  optimise + k-means sweep" : "");
                }
                System.out.printf("  all methods: %.1f s per image, so about %.1f h for the 1449 VOC val images on this machine; peak RSS %d MiB%n",
                        total, total * 1449 / 3600, ProcessStatus.field("VmHWM:") / 1024);
            }
        } finally {
            java.nio.file.Files.deleteIfExists(weights);
        }
    }

    /**
     * What sparse top-k graph storage costs: the demo scene with the pixels backbone (finest graph 64 x 85 = 5440
     * nodes), dense and with each row's k largest affinities kept; oracle mIoU against the scene's true regions.
     */
    private void sparse() {
        org.pathways.data.SampleScene.Labelled scene = org.pathways.data.SampleScene.landscape(320, 240, 6, 1);
        org.pathways.model.Backbone pixels = org.pathways.model.Backbones.create("pixels");
        System.out.println("graph storage (pixels backbone, drawn scene, the authors' schedule):");
        for (int k : new int[] {0, 1024, 256, 64}) {
            long t = System.nanoTime();
            org.pathways.pipeline.PerImage.Outcome out = org.pathways.pipeline.PerImage.segment(scene.image(), pixels,
                    org.pathways.pipeline.PerImage.Options.defaults().withSchedule(org.pathways.pipeline.PerImage.Schedule.AUTHORS).withGraphTopK(k));
            long entries = 0;
            for (org.pathways.affinity.Graph g : out.features().graphs()) {
                entries += (long) g.heads() * g.nodes() * (g.topK() > 0 ? 2L * g.topK() * 20 / 4 : g.nodes()); // COO: 2 x (16 B index + 4 B value) per kept entry
            }
            System.out.printf("  %s: oracle mIoU %.3f, k = %d regions, optimise %.1f s, graph storage %.0f MiB (%.1f s in all)%n",
                    k == 0 ? "dense    " : String.format("top-%-5d", k), org.pathways.eval.OracleMiou.of(out.regions(), scene.labels()), out.chosenK(),
                    out.seconds().get("optimise"), entries * 4 / 1048576.0, (System.nanoTime() - t) / 1e9);
        }
    }

    /**
     * ViT forward passes with every attention tap (random weights) at the authors' 480 x 480 and at the paper's short
     * side 448 (a 4:3 image), and the whole segment for DINO ViT-S/16 at 480 x 480 with the default schedule.
     */
    /**
     * FLOPs of a ViT forward on an h x w image (multiply-adds counted as 2): patch embedding, then per block the q, k, v
     * and output projections, q k^T and probs v over all tokens (CLS included), and the MLP.
     */
    static double vitFlops(org.pathways.model.VisionTransformer.Config c, int height, int width) {
        double patches = (double) (height / c.patch()) * (width / c.patch());
        double t = patches + 1;
        double d = c.dim();
        double embed = 2 * patches * 3 * c.patch() * c.patch() * d;
        double block = 2 * t * d * 3 * d + 2 * 2 * t * t * d + 2 * t * d * d + 2 * 2 * t * d * c.mlpRatio() * d;
        return embed + c.depth() * block;
    }

    private void vit() throws Exception {
        MachineLimits limits = MachineLimits.measure(901, 768, 3072); // a ViT-B/16 MLP layer at 480: the forward's largest products
        System.out.println("machine limits: " + limits.describe());
        System.out.println("ViT forward with all patch-attention taps (random weights):");
        for (String preset : List.of("dino-vits16", "dino-vitb16")) {
            org.pathways.model.VisionTransformer.Config config = org.pathways.model.VisionTransformer.PRESETS.get(preset);
            try (NDManager manager = NDManager.newBaseManager();
                 org.pathways.model.VisionTransformer model = org.pathways.model.VisionTransformer.fromTensors(manager, config,
                         org.pathways.model.VisionTransformer.randomWeights(config, 14, 0), "random " + preset)) {
                for (int[] size : new int[][] {{480, 480}, {448, 592}}) {
                    double best = Double.POSITIVE_INFINITY;
                    for (int r = 0; r < 3; r++) {
                        try (NDManager scope = manager.newSubManager()) {
                            NDArray x = scope.randomNormal(new Shape(1, 3, size[0], size[1]));
                            long t = System.nanoTime();
                            org.pathways.model.Taps taps = new org.pathways.model.Taps(scope, "blocks.*.attn.patch_probs");
                            model.forward(x, taps);
                            taps.captured().values().forEach(a -> a.toFloatArray());
                            best = Math.min(best, (System.nanoTime() - t) / 1e9);
                        }
                    }
                    double flops = vitFlops(config, size[0], size[1]);
                    double bound = limits.computeSeconds(flops);
                    System.out.printf("  %s at %dx%d: %.2f s per forward (best of 3); %.1f GFLOP, bound %.2f s at the measured throughput -> %.2fx the bound; peak RSS %d MiB%n",
                            preset, size[0], size[1], best, flops / 1e9, bound, best / bound, ProcessStatus.field("VmHWM:") / 1024);
                }
            }
        }
        java.nio.file.Path weights = java.nio.file.Files.createTempFile("pathways-bench-vits16", ".safetensors");
        try {
            org.pathways.model.VisionTransformer.Config s16 = org.pathways.model.VisionTransformer.PRESETS.get("dino-vits16");
            org.pathways.model.SafeTensors.writeFloat32(weights, org.pathways.model.VisionTransformer.randomWeights(s16, 14, 0));
            try (org.pathways.model.Backbone backbone = org.pathways.model.Backbones.create("dino-vits16", weights, org.pathways.model.VitBackbone.Resize.AUTHORS)) {
                java.awt.image.BufferedImage image = org.pathways.data.SampleScene.landscape(640, 480, 6, 1).image();
                org.pathways.pipeline.PerImage.Options options = org.pathways.pipeline.PerImage.Options.defaults().withSchedule(org.pathways.pipeline.PerImage.Schedule.AUTHORS);
                org.pathways.pipeline.PerImage.segment(image, backbone, options); // warm-up: libtorch's load and the JIT are not per image
                long t = System.nanoTime();
                org.pathways.pipeline.PerImage.Outcome out = org.pathways.pipeline.PerImage.segment(image, backbone, options);
                double total = (System.nanoTime() - t) / 1e9;
                segmentAgainstBounds(s16, out, total, limits);
            }
        } finally {
            java.nio.file.Files.deleteIfExists(weights);
        }
    }

    /** The targets for segment with DINO ViT-S/16 at 480: each phase within this factor of its bound ... */
    static final double PHASE_TARGET = 1.5;
    /** ... the cluster phase (k-means sweep and silhouette, k = 2..10 on 900 x 15) under this many seconds ... */
    static final double CLUSTER_TARGET_SECONDS = 0.3;
    /** ... and the image under this many seconds. */
    static final double SEGMENT_TARGET_SECONDS = 3;

    /**
     * One segment's phases against their bounds: graphs = the forward's FLOPs at the measured throughput plus one read
     * of the 72 taps; optimise = the computed passes times the pass bound; cluster against the 0.3 s.
     */
    private static void segmentAgainstBounds(org.pathways.model.VisionTransformer.Config config, org.pathways.pipeline.PerImage.Outcome out,
            double total, MachineLimits forwardLimits) {
        int side = 480 / config.patch();
        int graphs = config.depth() * config.heads();
        double tapBytes = 4.0 * graphs * Math.pow(side * side, 2);
        double graphsBound = forwardLimits.computeSeconds(vitFlops(config, 480, 480)) + forwardLimits.readSeconds(tapBytes);
        int eigs = out.features().run().channels();
        MachineLimits passLimits = MachineLimits.measure((long) graphs * side * side, (long) side * side, (eigs + 7) / 8 * 8);
        int computed = out.features().run().computedPasses();
        double optimiseBound = computed * PassBound.of(passLimits, graphs, side, eigs, tapBytes).seconds();
        java.util.Map<String, Double> s = out.seconds();
        System.out.printf("segment, DINO ViT-S/16 at 480x480, the authors' schedule (1300 passes, accumulation 20, %d computed), second image in the process:%n", computed);
        System.out.printf("  graphs   %.2f s, bound %.2f s (forward %.1f GFLOP + %.0f MB of taps) -> %.2fx (target %.1fx)%n",
                s.get("graphs"), graphsBound, vitFlops(config, 480, 480) / 1e9, tapBytes / 1e6, s.get("graphs") / graphsBound, PHASE_TARGET);
        System.out.printf("  optimise %.2f s, bound %.2f s (%d passes x %.1f ms) -> %.2fx (target %.1fx)%n",
                s.get("optimise"), optimiseBound, computed, optimiseBound / computed * 1e3, s.get("optimise") / optimiseBound, PHASE_TARGET);
        System.out.printf("  cluster  %.2f s, target %.2f s%n", s.get("cluster"), CLUSTER_TARGET_SECONDS);
        System.out.printf("  total    %.2f s (sum of the graphs and optimise bounds %.2f s), target %.1f s; peak RSS %d MiB%n",
                total, graphsBound + optimiseBound, SEGMENT_TARGET_SECONDS, ProcessStatus.field("VmHWM:") / 1024);
    }

    private void engine() throws Exception {
        int n = side * side;
        int memory = quick ? 200 : memoryPasses;
        int schedule = Math.min(1300, memory);
        System.out.printf("workload: %d layers x %d heads of %d x %d graphs, K = %d, ToyCNN %dx%d; DJL %s, %d intra-op threads%n",
                layers, heads, n, n, eigs, side, side, Engine.getInstance().getVersion(), intraOpThreads());
        List<Graph> graphs = randomGraphs(n);
        System.out.printf("RSS after building graphs: %d MiB, JVM threads %d%n", ProcessStatus.residentMiB(), ProcessStatus.field("Threads:"));
        try (NDManager manager = NDManager.newBaseManager();
             SpectralObjective objective = new SpectralObjective(manager, graphs, SpectralObjective.Spec.of(eigs))) {
            graphs = null; // the Java copies are no longer needed
            SpectralEngine.Config authors = SpectralEngine.Config.authors();
            double oursMs = perPassMs(manager, objective, 12);
            double naiveMs = naivePerPassMs(manager, objective.channels(), 3);
            System.out.printf("ms per pass (forward + backward): ours %.1f, authors' formulation %.1f  -> %.1fx faster%n", oursMs, naiveMs, naiveMs / oursMs);
            passBound(objective, oursMs);

            long rssStart = ProcessStatus.residentMiB();
            long[] rssAt = new long[5];
            double[] elapsedAtSchedule = {Double.NaN};
            FeatureMap cnn = new ToyCnn(manager, ToyCnn.Config.authors(eigs, side, side), DataType.FLOAT32, 0);
            SpectralEngine.run(manager, objective, cnn, authors.withPasses(memory).withReuseWindowPass(false), (pass, passes, update, loss, elapsed) -> {
                if (pass == schedule) elapsedAtSchedule[0] = elapsed;
                for (int q = 1; q <= 4; q++) if (pass == memory * q / 4) rssAt[q] = ProcessStatus.residentMiB();
                if (pass % Math.max(1, memory / 10) == 0) System.err.printf("  pass %d/%d loss %.5f %.1fs%n", pass, passes, loss, elapsed);
            });
            FeatureMap cnn2 = new ToyCnn(manager, ToyCnn.Config.authors(eigs, side, side), DataType.FLOAT32, 0);
            SpectralEngine.Result reused = SpectralEngine.run(manager, objective, cnn2, authors.withPasses(schedule), null);
            System.out.printf("seconds per image, schedule of %d passes / accumulation %d: pass by pass %.1f s, window pass reused %.2f s (%d passes)  -> %.1fx%n",
                    schedule, authors.accumulation(), elapsedAtSchedule[0], reused.seconds(), reused.computedPasses(), elapsedAtSchedule[0] / reused.seconds());
            System.out.printf("authors' formulation, pass by pass (extrapolated from its ms per pass): %.0f s per image%n", naiveMs * (schedule + 1) / 1000);
            System.out.printf("RSS (MiB) at start %d, after %d / %d / %d / %d passes: %d / %d / %d / %d  (growth %+d MiB)%n", rssStart,
                    memory / 4, memory / 2, memory * 3 / 4, memory, rssAt[1], rssAt[2], rssAt[3], rssAt[4], rssAt[4] - rssAt[1]);
            System.out.printf("threads: JVM %d, DJL intra-op %d%n", ProcessStatus.field("Threads:"), intraOpThreads());
        }
    }

    /**
     * The pass against its bound on this machine, measured in this process: the pass reads every graph once (the
     * product S Z^T, Z^T padded to 16 columns, is read-bound) and runs the ToyCNN forward and backward (three 3 x 3
     * convolutions; backward about twice the forward, no input gradient for the first). Bound = max(graph bytes /
     * read bandwidth, product FLOPs / matmul throughput) + ToyCNN FLOPs / matmul throughput.
     */
    private void passBound(SpectralObjective objective, double passMs) {
        long n = (long) side * side;
        MachineLimits limits = MachineLimits.measure((long) layers * heads * n, n, (eigs + 7) / 8 * 8);
        PassBound b = PassBound.of(limits, layers * heads, side, eigs, objective.graphBytes());
        System.out.println("machine limits: " + limits.describe());
        System.out.printf("pass bound: graphs %.0f MB read %.1f ms, product %.2f GFLOP %.1f ms, ToyCNN %.2f GFLOP %.1f ms -> bound %.1f ms; measured %.1f ms = %.2fx the bound%n",
                b.bytes / 1e6, b.read * 1e3, b.productFlops / 1e9, b.product * 1e3, b.cnnFlops / 1e9, b.cnn * 1e3, b.seconds() * 1e3, passMs, passMs / (b.seconds() * 1e3));
    }

    /** The terms of one pass's bound (see {@link #passBound}), in seconds, FLOPs and bytes. */
    record PassBound(double bytes, double read, double productFlops, double product, double cnnFlops, double cnn) {
        static PassBound of(MachineLimits limits, int graphs, int side, int eigs, double graphBytes) {
            long n = (long) side * side;
            int padded = (eigs + 7) / 8 * 8;
            double productFlops = 2.0 * graphs * n * n * padded;
            ToyCnn.Config c = ToyCnn.Config.authors(eigs, side, side);
            double cnnForward = 2.0 * n * 9 * ((double) c.hidden() * c.hidden() * 2 + (double) c.hidden() * eigs);
            double cnnFlops = 3 * cnnForward;
            return new PassBound(graphBytes, limits.readSeconds(graphBytes), productFlops, limits.computeSeconds(productFlops), cnnFlops, limits.computeSeconds(cnnFlops));
        }

        double seconds() {
            return Math.max(read, product) + cnn;
        }
    }

    /** Median ms of a forward + backward pass of our objective with the ToyCNN. */
    private double perPassMs(NDManager manager, SpectralObjective objective, int repeats) {
        FeatureMap cnn = new ToyCnn(manager, ToyCnn.Config.authors(eigs, side, side), DataType.FLOAT32, 1);
        double[] ms = new double[repeats];
        for (int r = -2; r < repeats; r++) {
            try (NDManager step = manager.newSubManager()) {
                step.tempAttachAll(cnn.parameters());
                step.tempAttachAll(objective.longLived());
                long t = System.nanoTime();
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray loss = objective.evaluate(cnn.logits().softmax(1)).loss();
                    gc.backward(loss);
                    loss.toType(DataType.FLOAT64, false).getDouble();
                }
                cnn.parameters().get(0).getGradient().toFloatArray();
                if (r >= 0) ms[r] = (System.nanoTime() - t) / 1e6;
            }
        }
        Arrays.sort(ms);
        return ms[repeats / 2];
    }

    /**
     * The authors' ncut_loss as written: per layer, the (heads, N, N) attention times the broadcast features, and
     * autograd back through it (which reads every graph a second time, transposed).
     */
    private double naivePerPassMs(NDManager manager, int k, int repeats) {
        int n = side * side;
        List<NDArray> attention = new ArrayList<>();
        for (int l = 0; l < layers; l++) attention.add(manager.randomNormal(new Shape(heads, n, n)).mul(2).softmax(-1));
        FeatureMap cnn = new ToyCnn(manager, ToyCnn.Config.authors(k, side, side), DataType.FLOAT32, 1);
        NDArray offDiagonal = manager.ones(new Shape(k, k)).sub(manager.eye(k));
        NDArray eigScale = Constants.of(manager, 2.0 / ((double) layers * heads * k), DataType.FLOAT32);
        NDArray orthoScale = Constants.of(manager, 2.0 / ((double) layers * k * (k - 1)), DataType.FLOAT32);
        double[] ms = new double[repeats];
        for (int r = -1; r < repeats; r++) {
            try (NDManager step = manager.newSubManager()) {
                step.tempAttachAll(cnn.parameters());
                for (NDArray a : attention) step.tempAttachAll(a);
                step.tempAttachAll(offDiagonal, eigScale, orthoScale);
                long t = System.nanoTime();
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray z = cnn.logits().softmax(1).reshape(1, k, n).normalize(2, 2, 1e-12);
                    NDArray eigSum = null;
                    NDArray orthoSum = null;
                    for (NDArray a : attention) {
                        NDArray eig = a.matMul(z.transpose(0, 2, 1)).mul(z.transpose(0, 2, 1)).sum(new int[] {1}); // (heads, K)
                        NDArray dev = eig.sub(1).abs().sum();
                        eigSum = eigSum == null ? dev : eigSum.add(dev);
                        NDArray gram = z.matMul(z.transpose(0, 2, 1)).reshape(k, k);
                        NDArray o = gram.mul(offDiagonal).square().sum();
                        orthoSum = orthoSum == null ? o : orthoSum.add(o);
                    }
                    NDArray loss = eigSum.mul(eigScale).add(orthoSum.mul(orthoScale));
                    gc.backward(loss);
                    loss.toType(DataType.FLOAT64, false).getDouble();
                }
                cnn.parameters().get(0).getGradient().toFloatArray();
                if (r >= 0) ms[r] = (System.nanoTime() - t) / 1e6;
            }
        }
        for (NDArray a : attention) a.close();
        Arrays.sort(ms);
        return ms[repeats / 2];
    }

    /** softmax(2 N(0,1)) rows, like the golden timing workload. */
    private List<Graph> randomGraphs(int n) {
        List<Graph> graphs = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(0);
            for (int l = 0; l < layers; l++) {
                try (NDManager s = m.newSubManager()) {
                    float[] values = s.randomNormal(new Shape(heads, n, n)).mul(2).softmax(-1).toFloatArray();
                    graphs.add(Graph.ofFloats("layer" + l, heads, side, side, values));
                }
            }
        }
        return graphs;
    }

    private static int intraOpThreads() {
        try {
            return ai.djl.pytorch.jni.JniUtils.getNumThreads();
        } catch (Throwable t) {
            return -1;
        }
    }
}
