package org.pathways.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.pathways.affinity.KnnGraph;
import org.pathways.affinity.SparseGraph;
import org.pathways.data.SampleScene;
import org.pathways.model.AttentionTaps;
import org.pathways.model.Backbone;
import org.pathways.model.Backbones;
import org.pathways.model.SafeTensors;
import org.pathways.model.VisionTransformer;
import org.pathways.model.VitBackbone;
import org.pathways.pipeline.ProcessStatus;
import org.pathways.pipeline.TapCache;
import org.pathways.spectral.DatasetObjective;
import org.pathways.spectral.FeatureTable;

/**
 * {@code bench --part dataset}: what the data-set training costs per mini-batch. DINO ViT-S/16 with random weights at
 * the authors' 480 x 480 (30 x 30 patches, 12 layers, heads concatenated: 384-d queries and keys), the Q-K graph with
 * the paper's settings (50 + 50 neighbours, threshold 0.1), K = 100, 5 solver steps. Each batch size runs in a fresh
 * JVM, so that its peak RSS is its own.
 */
final class BenchDataset {
    private BenchDataset() {}

    /** One measurement, as a child process prints it on one line. */
    record Measure(int batch, double tapSecondsPerImage, double tapMegabytesPerImage, double graphSeconds, double iterationSeconds,
                   double entriesPerRow, long rssBeforeMiB, long peakMiB) {
        String line() {
            return String.format(Locale.ROOT, "measure %d %.4f %.4f %.3f %.3f %.2f %d %d", batch, tapSecondsPerImage, tapMegabytesPerImage, graphSeconds,
                    iterationSeconds, entriesPerRow, rssBeforeMiB, peakMiB);
        }

        static Measure parse(String line) {
            String[] f = line.trim().split(" ");
            return new Measure(Integer.parseInt(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]), Double.parseDouble(f[4]),
                    Double.parseDouble(f[5]), Double.parseDouble(f[6]), Long.parseLong(f[7]), Long.parseLong(f[8]));
        }
    }

    static final int CHANNELS = 100;
    static final int SOLVER_STEPS = 5;
    static final int COCO_STUFF_IMAGES = 2175;
    static final int PAPER_ITERATIONS = 2100;

    /** The parent: one child per batch size, then the table and the growth law. */
    static void run(boolean quick) throws Exception {
        int[] batches = quick ? new int[] {2, 4} : new int[] {8, 20, 40};
        Path weights = Files.createTempFile("pathways-bench-vits16", ".safetensors");
        try {
            VisionTransformer.Config s16 = VisionTransformer.PRESETS.get("dino-vits16");
            SafeTensors.writeFloat32(weights, VisionTransformer.randomWeights(s16, 14, 0));
            System.out.println("data-set training, one mini-batch: DINO ViT-S/16 (random weights) at 480x480 = 30x30 patches, 12 layers, Q-K graphs with heads "
                    + "concatenated (384-d), k-intra 50 + k-inter 50, threshold 0.1, K = " + CHANNELS + ", " + SOLVER_STEPS + " solver steps; each B in its own JVM");
            List<Measure> measures = new ArrayList<>();
            for (int b : batches) {
                Measure m = child(b, weights);
                measures.add(m);
                System.out.printf(Locale.ROOT, "  B = %2d: graphs %7.1f s, solver %6.1f s (one iteration %7.1f s), %.0f entries per row, RSS before graphs %d MiB, peak %d MiB%n",
                        b, m.graphSeconds(), m.iterationSeconds(), m.graphSeconds() + m.iterationSeconds(), m.entriesPerRow(), m.rssBeforeMiB(), m.peakMiB());
            }
            Measure small = measures.get(0);
            Measure big = measures.get(measures.size() - 1);
            double ratio = (double) big.batch() / small.batch();
            double graphExponent = Math.log(big.graphSeconds() / small.graphSeconds()) / Math.log(ratio);
            double solverExponent = Math.log(big.iterationSeconds() / small.iterationSeconds()) / Math.log(ratio);
            double mibPerImage = (double) (big.peakMiB() - small.peakMiB()) / (big.batch() - small.batch());
            System.out.printf(Locale.ROOT, "growth from B = %d to %d: graph time ~ B^%.2f (the similarities are B^2), solver time ~ B^%.2f, peak RSS %+.0f MiB per image of the batch%n",
                    small.batch(), big.batch(), graphExponent, solverExponent, mibPerImage);
            double tapSeconds = big.tapSecondsPerImage() * COCO_STUFF_IMAGES;
            double perIteration = big.graphSeconds() + big.iterationSeconds();
            double tableGiB = (double) COCO_STUFF_IMAGES * CHANNELS * 32 * 32 * 4 * 4 / (1L << 30);
            System.out.printf(Locale.ROOT, "COCO-Stuff-27 (%d images) on this machine at B = %d: taps %.1f h once (%.1f GB of Q and K in float16, %.2f MB per image), "
                            + "then %.1f s per iteration, so %d iterations take %.1f h (%.0f epochs); the feature table (logits, EMA, two AdamW moments) holds %.1f GiB%n",
                    COCO_STUFF_IMAGES, big.batch(), tapSeconds / 3600, big.tapMegabytesPerImage() * COCO_STUFF_IMAGES / 1000, big.tapMegabytesPerImage(),
                    perIteration, PAPER_ITERATIONS, perIteration * PAPER_ITERATIONS / 3600, (double) PAPER_ITERATIONS * big.batch() / COCO_STUFF_IMAGES, tableGiB);
        } finally {
            Files.deleteIfExists(weights);
        }
    }

    private static Measure child(int batch, Path weights) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                "-Dai.djl.offline=true", "-Djava.awt.headless=true", "-Xmx8g", Main.class.getName(), "bench", "--part", "dataset-batch",
                "--dataset-batch", String.valueOf(batch), "--dataset-weights", weights.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        for (String line : out.split("\n")) if (line.startsWith("measure ")) return Measure.parse(line);
        throw new IOException("the B = " + batch + " measurement failed (exit " + code + "): " + out.strip().lines().reduce((a, b) -> b).orElse(""));
    }

    /** The child: taps of B distinct scenes, the graphs of every layer, one iteration; prints one "measure" line. */
    static void measure(int batch, Path weights) throws Exception {
        KnnGraph.Settings knn = KnnGraph.Settings.paper();
        List<AttentionTaps> taps = new ArrayList<>();
        Path cacheDir = Files.createTempDirectory("pathways-bench-taps");
        long tapBytes = 0;
        double tapSeconds;
        try (Backbone vit = Backbones.create("dino-vits16", weights, VitBackbone.Resize.AUTHORS)) {
            TapCache cache = new TapCache(cacheDir, true);
            long t = System.nanoTime();
            for (int b = 0; b < batch; b++) {
                BufferedImage image = SampleScene.landscape(480, 480, 6, b + 1).image();
                AttentionTaps a = vit.attentionTaps(image, true, false);
                cache.put("b" + b, a);
                tapBytes += Files.size(cache.file("b" + b));
                taps.add(cache.get("b" + b));
            }
            tapSeconds = (System.nanoTime() - t) / 1e9 / batch;
        } finally {
            try (var files = Files.list(cacheDir)) {
                for (Path f : files.toList()) Files.deleteIfExists(f);
            }
            Files.deleteIfExists(cacheDir);
        }
        System.gc();
        long before = ProcessStatus.residentMiB();
        long t = System.nanoTime();
        List<SparseGraph> graphs = new ArrayList<>();
        long entries = 0;
        long rows = 0;
        int layers = taps.get(0).layers().size();
        for (int l = 0; l < layers; l++) {
            AttentionTaps.Layer first = taps.get(0).layers().get(l).concatenated();
            int per = first.nodes() * first.qkDim();
            float[] q = new float[batch * per];
            float[] k = new float[batch * per];
            for (int b = 0; b < batch; b++) {
                AttentionTaps.Layer layer = taps.get(b).layers().get(l).concatenated();
                System.arraycopy(layer.q(), 0, q, b * per, per);
                System.arraycopy(layer.k(), 0, k, b * per, per);
            }
            SparseGraph g = KnnGraph.build(first.name(), q, k, batch, 1, first.height(), first.width(), first.qkDim(), knn);
            entries += g.entries(0);
            rows += g.nodes();
            graphs.add(g);
        }
        double graphSeconds = (System.nanoTime() - t) / 1e9;
        taps.clear();
        double iterationSeconds;
        try (NDManager manager = NDManager.newBaseManager();
             FeatureTable table = FeatureTable.create(manager, batch, CHANNELS, 0)) {
            int[] all = new int[batch];
            for (int b = 0; b < batch; b++) all[b] = b;
            long s = System.nanoTime();
            try (DatasetObjective objective = new DatasetObjective(manager, graphs, CHANNELS, DataType.FLOAT32)) {
                graphs.clear();
                table.solve(objective, all, SOLVER_STEPS, FeatureTable.AdamW.authors());
            }
            table.updateEma(0.99);
            iterationSeconds = (System.nanoTime() - s) / 1e9;
        }
        System.out.println(new Measure(batch, tapSeconds, tapBytes / 1e6 / batch, graphSeconds, iterationSeconds, (double) entries / rows, before,
                ProcessStatus.field("VmHWM:") / 1024).line());
    }
}
