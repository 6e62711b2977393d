package org.pathways.cli;

import java.awt.image.BufferedImage;
import java.util.Locale;
import java.util.SplittableRandom;
import org.pathways.crf.ClassGrid;
import org.pathways.crf.DenseCrf;
import org.pathways.eval.FeatureClustering;
import org.pathways.eval.SemanticEvaluation;
import org.pathways.eval.SemanticEvaluation.LabelMap;
import org.pathways.pipeline.ProcessStatus;
import smile.clustering.KMeans;

/**
 * {@code bench --part semantic}: what the evaluation of COCO-Stuff-27 val costs (2175 images, 27 classes, features
 * K = 100 x 32 x 32, labels at the 320 x 320 crop): U S, K-means over every location (2.2 million rows) with the
 * authors' 10 restarts, the two-pass matching and scoring, and the dense CRF. Features and labels are generated
 * (regions of 27 planted classes with noise), so the times are those of the real sizes, not of real data.
 */
final class BenchSemantic {
    static final int CLASSES = 27;
    static final int CHANNELS = 100;
    static final int GRID = 32;
    static final int SIDE = 320;

    private BenchSemantic() {}

    static void run(boolean quick) {
        int images = quick ? 200 : 2175;
        int restarts = quick ? 2 : 10;
        int crfImages = quick ? 3 : 20;
        System.out.printf(Locale.ROOT, "semantic evaluation: %d images (COCO-Stuff-27 val has 2175), K = %d x %d x %d features, labels %d x %d, %d classes; generated data%n",
                images, CHANNELS, GRID, GRID, SIDE, SIDE, CLASSES);
        SplittableRandom random = new SplittableRandom(0);
        int n = GRID * GRID;
        byte[][] truth = new byte[images][];
        float[] values = new float[images * CHANNELS * n];
        for (int i = 0; i < images; i++) {
            int[] grid = regions(random, i);
            for (int p = 0; p < n; p++) {
                int c = grid[p];
                for (int k = 0; k < CHANNELS; k++) {
                    double mean = k % CLASSES == c ? 0.05 : 0.005;
                    values[(i * CHANNELS + k) * n + p] = (float) Math.max(0, mean + 0.01 * random.nextGaussian());
                }
            }
            truth[i] = new byte[SIDE * SIDE];
            for (int y = 0; y < SIDE; y++) for (int x = 0; x < SIDE; x++) truth[i][y * SIDE + x] = (byte) grid[(y * GRID / SIDE) * GRID + x * GRID / SIDE];
        }
        FeatureClustering.Features features = new FeatureClustering.Features(values, images, CHANNELS, GRID, GRID);
        long featureMiB = (long) values.length * 4 >> 20;
        long heapBefore = usedHeapMiB();

        long t0 = System.nanoTime();
        double[][] points = FeatureClustering.project(features, CLASSES).points();
        double projectSeconds = (System.nanoTime() - t0) / 1e9;
        long heapWithPoints = usedHeapMiB();
        long pointsMiB = ((long) points.length * (CLASSES * 8 + 16)) >> 20;

        t0 = System.nanoTime();
        KMeans fit = FeatureClustering.kMeans(points, CLASSES, restarts, 0);
        double kMeansSeconds = (System.nanoTime() - t0) / 1e9;
        long heapAfterKMeans = usedHeapMiB();
        int[][] clusters = new int[images][n];
        for (int i = 0; i < images; i++) System.arraycopy(fit.y, i * n, clusters[i], 0, n);
        points = null;

        SemanticEvaluation.Source source = new SemanticEvaluation.Source() {
            public int size() {
                return images;
            }

            public LabelMap clusters(int i) {
                return new LabelMap(clusters[i], GRID, GRID);
            }

            public LabelMap labels(int i) {
                int[] out = new int[SIDE * SIDE];
                for (int p = 0; p < out.length; p++) out[p] = truth[i][p] & 0xff;
                return new LabelMap(out, SIDE, SIDE);
            }

            public String name(int i) {
                return "image " + i;
            }
        };
        t0 = System.nanoTime();
        SemanticEvaluation.Result r = SemanticEvaluation.evaluate(source, CLASSES, 255);
        double evaluateSeconds = (System.nanoTime() - t0) / 1e9;

        BufferedImage image = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_INT_RGB);
        for (int p = 0; p < SIDE * SIDE; p++) {
            int c = truth[0][p] & 0xff;
            image.setRGB(p % SIDE, p / SIDE, (c * 37 % 256) << 16 | (c * 91 % 256) << 8 | (c * 53 % 256));
        }
        t0 = System.nanoTime();
        for (int i = 0; i < crfImages; i++) DenseCrf.refine(new ClassGrid(clusters[i % images], GRID, GRID, CLASSES), image, DenseCrf.Settings.AUTHORS);
        double crfSeconds = (System.nanoTime() - t0) / 1e9 / crfImages;

        System.out.printf(Locale.ROOT, "  U S (first %d of %d columns): %.1f s%n", CLASSES, CHANNELS, projectSeconds);
        System.out.printf(Locale.ROOT, "  K-means, %d clusters over %d rows, %d restarts: %.1f s (%.1f s per restart)%n", CLASSES, (long) images * n,
                restarts, kMeansSeconds, kMeansSeconds / restarts);
        System.out.printf(Locale.ROOT, "  matching and scoring, both rules, %d x %d labels: %.1f s (greedy mIoU %.3f on the planted classes)%n", SIDE, SIDE,
                evaluateSeconds, r.greedy().meanIou());
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "  dense CRF, %d x %d x %d classes, 10 iterations: %.3f s per image on one core (mean of %d), so %.0f s for %d images x 2 rules "
                + "on one core, about %.0f s on the %d cores run semantic uses (extrapolated)%n",
                SIDE, SIDE, CLASSES, crfSeconds, crfImages, crfSeconds * images * 2, images, crfSeconds * images * 2 / cores, cores);
        System.out.printf(Locale.ROOT, "  memory: features %d MiB (float32); heap %d MiB before U S, %d MiB with the points (%d MiB: %d rows x %d doubles, the one copy), "
                        + "%d MiB after K-means; peak RSS %d MiB%n",
                featureMiB, heapBefore, heapWithPoints, pointsMiB, (long) images * n, CLASSES, heapAfterKMeans, ProcessStatus.field("VmHWM:") / 1024);
        double total = projectSeconds + kMeansSeconds + evaluateSeconds + crfSeconds * images * 2 / cores;
        System.out.printf(Locale.ROOT, "  total for the evaluation with the CRF on %d cores: %.0f s (%.1f min)%n", cores, total, total / 60);
    }

    /** A 32 x 32 map of a few planted classes: horizontal bands with a block, the class ids drawn per image. */
    private static int[] regions(SplittableRandom random, int image) {
        int[] out = new int[GRID * GRID];
        int top = random.nextInt(CLASSES);
        int bottom = random.nextInt(CLASSES);
        int block = random.nextInt(CLASSES);
        int split = 8 + random.nextInt(16);
        int bx = random.nextInt(GRID - 10);
        int by = random.nextInt(GRID - 10);
        for (int y = 0; y < GRID; y++) {
            for (int x = 0; x < GRID; x++) {
                int c = y < split ? top : bottom;
                if (x >= bx && x < bx + 10 && y >= by && y < by + 10) c = block;
                out[y * GRID + x] = c;
            }
        }
        return out;
    }

    private static long usedHeapMiB() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return (rt.totalMemory() - rt.freeMemory()) >> 20;
    }
}
