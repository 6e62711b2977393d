package org.pathways.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.data.Npy;
import org.pathways.testing.Golden;

/**
 * {@code dataset evaluate} as its contract writes it: two lines, Hungarian first, {@code %.10f}; the numbers against
 * the authors' (golden/eval case A) and a hand-derived case with the 255 ignore value; bad input as one line, exit 2.
 */
class DatasetEvaluateCommandTest {
    @TempDir
    Path dir;

    private static List<String> lines(CliTest.Run[] result, String... args) {
        return CliTest.stdout(result, args).lines().toList();
    }

    private Path ints(String name, int[] shape, int[] values) throws Exception {
        Path f = dir.resolve(name + ".npy");
        Npy.writeInt64(f, shape, values);
        return f;
    }

    /** trace / sum of a golden confusion histogram. */
    private static double accuracy(double[] hist, int n) {
        double right = 0;
        double all = 0;
        for (int i = 0; i < hist.length; i++) {
            all += hist[i];
            if (i / n == i % n) right += hist[i];
        }
        return right / all;
    }

    @Test
    void printsTheAuthorsNumbersOnGoldenCaseA() throws Exception {
        Path golden = Golden.dir("eval");
        Path out = dir.resolve("out");
        CliTest.Run[] r = new CliTest.Run[1];
        List<String> lines = lines(r, "dataset", "evaluate", "--clusters", golden.resolve("A_pred_clusters.npy").toString(),
                "--gt", golden.resolve("A_gt.npy").toString(), "--classes", "6", "--out", out.toString());
        assertEquals(0, r[0].code(), r[0].err());
        assertEquals(2, lines.size(), String.join("\n", lines));
        String number = "(\\d\\.\\d{10})";
        double[] expectedMiou = {0.5587883591651917, 0.6111631989479065};
        String[] rules = {"hungarian", "greedy"};
        for (int i = 0; i < 2; i++) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(rules[i] + " mIoU " + number + " pixel accuracy " + number).matcher(lines.get(i));
            assertTrue(m.matches(), lines.get(i));
            Golden.assertClose("dataset evaluate A " + rules[i] + " printed mIoU", expectedMiou[i], Double.parseDouble(m.group(1)), 1e-6);
            double acc = accuracy(Golden.npy("eval", "A_" + rules[i] + "_hist").values(), 6);
            Golden.assertClose("dataset evaluate A " + rules[i] + " printed pixel accuracy", acc, Double.parseDouble(m.group(2)), 1e-10);
        }
        List<String> iou = Files.readAllLines(out.resolve("iou.csv"));
        assertEquals("class,name,hungarian_iou,greedy_iou", iou.get(0));
        assertTrue(iou.get(1).startsWith("0,class 0,0.41513761"), iou.get(1));
        assertEquals("cluster,hungarian_class,greedy_class", Files.readAllLines(out.resolve("assignment.csv")).get(0));
        assertEquals("4,5,0", Files.readAllLines(out.resolve("assignment.csv")).get(5), "cluster 4: Hungarian class 5, greedy class 0 (golden)");
        for (String f : org.pathways.eval.SemanticReport.FILES) assertTrue(Files.isRegularFile(out.resolve(f)), f);
    }

    @Test
    void ignores255AndUpsamplesByNearest() throws Exception {
        // clusters 1 x 2 -> labels 2 x 4: columns 0,1 come from cluster 0, columns 2,3 from cluster 1 (floor(x * 2 / 4))
        Path c = ints("c", new int[] {1, 1, 2}, new int[] {0, 1});
        Path g = ints("g", new int[] {1, 2, 4}, new int[] {1, 1, 0, 0, 1, 255, 0, 1});
        CliTest.Run[] r = new CliTest.Run[1];
        List<String> lines = lines(r, "dataset", "evaluate", "--clusters", c.toString(), "--gt", g.toString(), "--classes", "2", "--ignore", "255");
        assertEquals(0, r[0].code(), r[0].err());
        // cluster 0 -> class 1 (3 of 3 labelled pixels), cluster 1 -> class 0 (3 of 4): 6 of 7 right;
        // class 0: tp 3, predicted 4, truth 3 -> 3/4; class 1: tp 3, predicted 3, truth 4 -> 3/4
        assertEquals(List.of("hungarian mIoU 0.7500000000 pixel accuracy 0.8571428571", "greedy mIoU 0.7500000000 pixel accuracy 0.8571428571"), lines);
    }

    /**
     * A 2 x 2 cluster grid whose nearest upsampling puts the border at x = 20 of 40, while the colours (and labels) change
     * at x = 17: 3 of 40 columns wrong without the CRF; its bilateral kernel moves the border to the colour edge.
     */
    @Test
    void theCrfMovesABorderToTheColourEdge() throws Exception {
        int side = 40;
        int edge = 17;
        Path c = ints("c", new int[] {1, 2, 2}, new int[] {0, 1, 0, 1});
        int[] labels = new int[side * side];
        double[] rgb = new double[side * side * 3];
        for (int p = 0; p < side * side; p++) {
            boolean left = p % side < edge;
            labels[p] = left ? 0 : 1;
            rgb[3 * p] = left ? 220 : 30;
            rgb[3 * p + 2] = left ? 30 : 220;
        }
        Path g = ints("g", new int[] {1, side, side}, labels);
        Path images = dir.resolve("images.npy");
        try (var out = Files.newOutputStream(images)) {
            Npy.writeTo(out, new int[] {1, side, side, 3}, rgb, "u1");
        }
        CliTest.Run[] r = new CliTest.Run[1];
        List<String> plain = lines(r, "dataset", "evaluate", "--clusters", c.toString(), "--gt", g.toString(), "--classes", "2");
        assertEquals(0, r[0].code(), r[0].err());
        assertTrue(plain.get(1).endsWith("pixel accuracy 0.9250000000"), plain.get(1));
        List<String> refined = lines(r, "dataset", "evaluate", "--clusters", c.toString(), "--gt", g.toString(), "--classes", "2", "--crf", "--images", images.toString());
        assertEquals(0, r[0].code(), r[0].err());
        assertTrue(refined.get(1).endsWith("pixel accuracy 1.0000000000"), refined.get(1));
        CliTest.assertBadInput(CliTest.run("dataset", "evaluate", "--clusters", c.toString(), "--gt", g.toString(), "--classes", "2", "--crf"), "--crf needs --images");
        Path small = dir.resolve("small.npy");
        try (var out = Files.newOutputStream(small)) {
            Npy.writeTo(out, new int[] {1, 20, 20, 3}, new double[20 * 20 * 3], "u1");
        }
        CliTest.assertBadInput(CliTest.run("dataset", "evaluate", "--clusters", c.toString(), "--gt", g.toString(), "--classes", "2", "--crf", "--images", small.toString()),
                "small.npy", "1 x 40 x 40 x 3");
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws Exception {
        Path c = ints("c", new int[] {2, 2, 2}, new int[] {0, 1, 1, 0, 0, 1, 1, 0});
        Path g = ints("g", new int[] {2, 2, 2}, new int[] {0, 1, 1, -1, 0, 1, 1, 0});
        Path oneImage = ints("one", new int[] {1, 2, 2}, new int[] {0, 1, 1, 0});
        Path badLabel = ints("badlabel", new int[] {2, 2, 2}, new int[] {0, 1, 1, 0, 0, 7, 1, 0});
        Path badCluster = ints("badcluster", new int[] {2, 2, 2}, new int[] {0, 1, 1, 0, 0, 2, 1, 0});
        Path floats = dir.resolve("floats.npy");
        Npy.writeFloat32(floats, new int[] {2, 2, 2}, new double[8]);
        CliTest.assertBadInput(CliTest.run("dataset", "evaluate", "--clusters", oneImage.toString(), "--gt", g.toString(), "--classes", "2"), "1 images", "has 2");
        CliTest.assertBadInput(CliTest.run("dataset", "evaluate", "--clusters", c.toString(), "--gt", badLabel.toString(), "--classes", "2"), "label 7", "image 1");
        CliTest.assertBadInput(CliTest.run("dataset", "evaluate", "--clusters", badCluster.toString(), "--gt", g.toString(), "--classes", "2"), "cluster id 2", "image 1");
        CliTest.assertBadInput(CliTest.run("dataset", "evaluate", "--clusters", c.toString(), "--gt", g.toString(), "--classes", "2", "--ignore", "255"), "label -1");
        CliTest.assertBadInput(CliTest.run("dataset", "evaluate", "--clusters", floats.toString(), "--gt", g.toString(), "--classes", "2"), "floats.npy", "not an integer");
        CliTest.assertBadInput(CliTest.run("dataset", "evaluate", "--clusters", c.toString(), "--gt", g.toString(), "--classes", "2", "--ignore", "3"), "--ignore 3");
        CliTest.assertBadInput(CliTest.run("dataset", "evaluate", "--clusters", dir.resolve("none.npy").toString(), "--gt", g.toString(), "--classes", "2"), "none.npy");
    }
}
