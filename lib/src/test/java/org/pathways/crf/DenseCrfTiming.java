package org.pathways.crf;

import java.awt.image.BufferedImage;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Supplier;
import org.pathways.data.Images;

/**
 * Times the authors' evaluation case on one thread: a 320 x 320 image, a 32 x 32 map of 27 classes, 10 mean-field
 * iterations. The image is a COCO photograph from ../shared/images when there is one (short side 320, centre crop),
 * else a noisy synthetic scene. Two class maps: the 32 x 32 thumbnail's colours quantised into 3 x 3 x 3 bins (the
 * classes it happens to contain), and the same map with all 27 classes planted (no two classes share a channel).
 * Reports the thread's CPU time, which other processes on a shared machine do not inflate, beside wall time.
 * Run from the repository root: {@code java -cp lib/target/classes:lib/target/test-classes org.pathways.crf.DenseCrfTiming [image]}.
 */
public final class DenseCrfTiming {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private DenseCrfTiming() {}

    public static void main(String[] args) {
        BufferedImage image = image(args);
        BufferedImage thumb = Images.resize(image, 32, 32, true);
        int[] labels = new int[32 * 32];
        for (int i = 0; i < labels.length; i++) {
            int rgb = thumb.getRGB(i % 32, i / 32);
            labels[i] = 9 * (((rgb >> 16) & 0xff) / 86) + 3 * (((rgb >> 8) & 0xff) / 86) + (rgb & 0xff) / 86;
        }
        ClassGrid quantised = new ClassGrid(labels, 32, 32, 27);
        int[] planted = labels.clone();
        for (int c = 0; c < 27; c++) planted[c * 37] = c;
        ClassGrid everyClass = new ClassGrid(planted, 32, 32, 27);
        BgrImage bgr = BgrImage.of(image);
        DenseCrf.Settings settings = DenseCrf.Settings.AUTHORS;
        int n = bgr.height() * bgr.width();
        System.out.printf("dense CRF, %d x %d pixels, 27 classes, %d iterations, one thread (%s)%n", bgr.height(), bgr.width(),
                settings.iterations(), args.length > 0 || Files.isDirectory(coco()) ? "COCO photograph" : "synthetic scene");
        PermutohedralLattice[] lattices = new PermutohedralLattice[2];
        report("both lattices built", () -> {
            lattices[0] = PermutohedralLattice.build(DenseCrf.positionFeatures(bgr, settings.gaussianSxy()), 2, n);
            lattices[1] = PermutohedralLattice.build(DenseCrf.bilateralFeatures(bgr, settings), 5, n);
            return null;
        });
        System.out.printf("lattice vertices: Gaussian %d, bilateral %d%n", lattices[0].vertexCount(), lattices[1].vertexCount());
        float[] values = new float[n * 27];
        Arrays.fill(values, 1f / 27);
        report("27 channels through both lattices once", () -> {
            lattices[0].filter(values, values, 27);
            lattices[1].filter(values, values, 27);
            return null;
        });
        report("refine, " + distinct(quantised) + " classes present", () -> DenseCrf.refine(quantised, image, settings));
        report("refine, all 27 classes present", () -> DenseCrf.refine(everyClass, image, settings));
    }

    private static int distinct(ClassGrid grid) {
        return (int) Arrays.stream(grid.labels()).distinct().count();
    }

    /**
     * Runs a task 9 times; prints the fastest and the median CPU time of the last 7 (the fastest is the least
     * disturbed by other work on a shared machine) and the median wall time.
     */
    private static void report(String what, Supplier<Object> task) {
        int runs = 9;
        double[] cpu = new double[runs];
        double[] wall = new double[runs];
        for (int run = 0; run < runs; run++) {
            long c0 = THREADS.getCurrentThreadCpuTime();
            long w0 = System.nanoTime();
            task.get();
            wall[run] = (System.nanoTime() - w0) / 1e6;
            cpu[run] = (THREADS.getCurrentThreadCpuTime() - c0) / 1e6;
        }
        double[] warm = Arrays.copyOfRange(cpu, 2, runs);
        System.out.printf("%s: fastest %.0f ms CPU, median %.0f ms CPU, %.0f ms wall (CPU per run %s)%n", what, Arrays.stream(warm).min().orElseThrow(),
                median(warm), median(Arrays.copyOfRange(wall, 2, runs)), Arrays.toString(Arrays.stream(cpu).mapToLong(Math::round).toArray()));
    }

    private static Path coco() {
        return Path.of("..", "shared", "images", "coco-val2017");
    }

    private static BufferedImage image(String[] args) {
        Path file = null;
        if (args.length > 0) file = Path.of(args[0]);
        else if (Files.isDirectory(coco())) file = coco().resolve("000000000139.jpg");
        if (file != null && Files.exists(file)) return Images.squareCrop(Images.read(file), 320);
        CrfScenes.Scene scene = CrfScenes.regions(320, 6, 1);
        BufferedImage out = new BufferedImage(320, 320, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < 320 * 320; i++) {
            int b = scene.image().channel(i, 0);
            int g = scene.image().channel(i, 1);
            int r = scene.image().channel(i, 2);
            out.setRGB(i % 320, i / 320, (r << 16) | (g << 8) | b);
        }
        return out;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
