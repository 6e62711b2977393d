package org.pathways.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.data.CocoStuff;
import org.pathways.data.LabelledImages;
import org.pathways.data.Npy;
import org.pathways.data.SampleStuff;
import org.pathways.pipeline.DatasetFeatures;

/**
 * {@code run semantic} on features planted from the labels themselves, where the outcome is known without our code:
 * one-hot classes at each cell's centre (plus a little noise) make every cluster lie inside one class, so greedy
 * matching predicts each 10 x 10 block of the 320 x 320 crop as its centre's class, whose IoU the test counts by brute
 * force (only the generated set's four textures occur: 23 classes score 0); two channels that are x and y make the
 * coordinate regression exact (MSE 0).
 */
class SemanticCommandTest {
    @TempDir
    Path dir;

    static final int IMAGES = 8;
    static final int SIDE = 32;

    /** images x (27 + 2) x 32 x 32: one-hot of the label at each cell's centre, noise, x and y. */
    private Path plantedFeatures(LabelledImages set, List<String> ids) throws Exception {
        int[][] truth = DatasetFeatures.gridLabels(set, ids, 320);
        int k = 27 + 2;
        int n = SIDE * SIDE;
        float[] v = new float[IMAGES * k * n];
        Random random = new Random(1);
        for (int i = 0; i < IMAGES; i++) {
            for (int p = 0; p < n; p++) {
                for (int c = 0; c < 27; c++) v[(i * k + c) * n + p] = (float) ((truth[i][p] == c ? 1 : 0) + 0.01 * random.nextGaussian());
                v[(i * k + 27) * n + p] = 0.002f * (p % SIDE);
                v[(i * k + 28) * n + p] = 0.002f * (p / SIDE);
            }
        }
        Path file = dir.resolve("planted").resolve("features.npy");
        Files.createDirectories(file.getParent());
        Npy.writeFloat32(file, new int[] {IMAGES, k, SIDE, SIDE}, v);
        Files.writeString(file.resolveSibling("images.txt"), String.join("\n", ids) + "\n");
        return file;
    }

    /** mIoU over 27 classes and pixel accuracy of predicting each 10 x 10 block of the crop as its centre pixel's label. */
    private static double[] blockPrediction(LabelledImages set, List<String> ids) {
        long[] tp = new long[27];
        long[] predicted = new long[27];
        long[] truth = new long[27];
        long right = 0;
        long all = 0;
        for (String id : ids) {
            LabelledImages.LabelledImage li = set.load(id);
            int[] crop = org.pathways.data.Images.squareCropLabels(li.labels(), li.height(), li.width(), 320);
            for (int y = 0; y < 320; y++) {
                for (int x = 0; x < 320; x++) {
                    int t = crop[y * 320 + x];
                    if (t == 255) continue;
                    int p = crop[(y / 10 * 10 + 5) * 320 + x / 10 * 10 + 5];
                    predicted[p]++;
                    truth[t]++;
                    all++;
                    if (p == t) {
                        tp[t]++;
                        right++;
                    }
                }
            }
        }
        double miou = 0;
        for (int c = 0; c < 27; c++) miou += tp[c] / (predicted[c] + truth[c] - tp[c] + 1e-10) / 27;
        return new double[] {miou, (double) right / all};
    }

    private static String row(Path csv, String method) throws Exception {
        return Files.readAllLines(csv).stream().filter(l -> l.startsWith(method + ",")).findFirst().orElseThrow(() -> new AssertionError(method + " not in " + csv));
    }

    @Test
    void plantedFeaturesScoreWhatTheLabelsAllow() throws Exception {
        Path data = dir.resolve("data");
        LabelledImages set = CocoStuff.open(SampleStuff.write(data, IMAGES, 0));
        Path features = plantedFeatures(set, set.ids());
        Path out = dir.resolve("out");
        CliTest.Run r = CliTest.run("run", "semantic", "--dataset", "sample-stuff", "--data", data.toString(), "--images", String.valueOf(IMAGES),
                "--features", "planted=" + features, "--restarts", "2", "--crf", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        double[] expected = blockPrediction(set, set.ids());
        String[] t2 = row(out.resolve("table2.csv"), "planted").split(",");
        assertEquals("ours", t2[1]);
        assertEquals(expected[0], Double.parseDouble(t2[2]), 1e-4, "greedy mIoU");
        List<String> scores = Files.readAllLines(out.resolve("planted").resolve("semantic").resolve("scores.csv"));
        assertEquals(expected[1], Double.parseDouble(scores.get(2).split(",")[2]), 1e-9, "greedy pixel accuracy: " + scores);
        assertTrue(expected[1] > 0.95 && expected[0] < 4.0 / 27, "the blocks miss only the moved borders");
        String[] t4 = row(out.resolve("table4.csv"), "planted").split(",");
        assertEquals(0.0, Double.parseDouble(t4[2]), 1e-6, "coordinate MSE of features holding x and y");
        double crf = Double.parseDouble(row(out.resolve("table2.csv"), "planted+CRF").split(",")[2]);
        assertTrue(crf > 0 && crf <= 4.0 / 27, "the CRF row, at most what 4 classes of 27 allow: " + crf);
        assertTrue(row(out.resolve("table4.csv"), "predicting the mean coordinate").contains("85.25"));
        assertTrue(row(out.resolve("table2.csv"), "Ours (V-V graph)").contains("paper,0.254"), "the paper's figure beside ours");
        assertTrue(Files.readString(out.resolve("table2.md")).contains("these numbers mean nothing"));
        for (String f : List.of("clusters.png", "eigenvectors.png", "regression-error.png", "regression.csv")) {
            assertTrue(Files.isRegularFile(out.resolve("planted").resolve(f)), f);
        }
        assertTrue(Files.isRegularFile(out.resolve("spatial-split.png")));

        // the same command again reuses what was scored and writes the same tables
        String table2 = Files.readString(out.resolve("table2.csv"));
        Path summary = out.resolve("planted").resolve("summary.json");
        java.nio.file.attribute.FileTime written = Files.getLastModifiedTime(summary);
        Files.delete(out.resolve("planted").resolve("clusters.png"));
        CliTest.Run again = CliTest.run("run", "semantic", "--dataset", "sample-stuff", "--data", data.toString(), "--images", String.valueOf(IMAGES),
                "--features", "planted=" + features, "--restarts", "2", "--crf", "--out", out.toString());
        assertEquals(0, again.code(), again.err());
        assertEquals(written, Files.getLastModifiedTime(summary), "not scored again");
        assertTrue(Files.notExists(out.resolve("planted").resolve("clusters.png")), "not drawn again");
        assertEquals(table2, Files.readString(out.resolve("table2.csv")));
    }

    @Test
    void badInputIsOneLine() throws Exception {
        Path data = dir.resolve("data");
        LabelledImages set = CocoStuff.open(SampleStuff.write(data, IMAGES, 0));
        Path features = plantedFeatures(set, set.ids());
        String d = data.toString();
        CliTest.assertBadInput(CliTest.run("run", "semantic", "--dataset", "sample-stuff", "--data", d), "--features", "--backbone");
        CliTest.assertBadInput(CliTest.run("run", "semantic", "--dataset", "sample-stuff", "--data", d, "--images", "4", "--features", features.toString()),
                "images.txt", "lists 8 images");
        Files.delete(features.resolveSibling("images.txt"));
        CliTest.assertBadInput(CliTest.run("run", "semantic", "--dataset", "sample-stuff", "--data", d, "--images", "4", "--features", features.toString()),
                "features for 8 images", "has 4");
        CliTest.assertBadInput(CliTest.run("run", "semantic", "--dataset", "images", "--data", d, "--features", features.toString()), "no labels");
        CliTest.assertBadInput(CliTest.run("run", "semantic", "--dataset", "sample-stuff", "--data", d, "--features", dir.resolve("nope.npy").toString()), "nope.npy");
    }
}
