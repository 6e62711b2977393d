package org.pathways.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.data.NdData;
import org.pathways.data.Npy;
import org.pathways.eval.instances.PlantedInstances;

/** {@code pathways instances}: its files on a planted feature map, and one line with exit status 2 for bad input. */
class InstancesCommandTest {
    @TempDir
    Path dir;

    private Path planted(PlantedInstances p) throws Exception {
        Path file = dir.resolve("features.npy");
        Npy.writeFloat32(file, new int[] {p.channels(), p.height(), p.width()}, p.features());
        return file;
    }

    @Test
    void writesMasksScoresPictureAndSummary() throws Exception {
        PlantedInstances p = PlantedInstances.make(10, 24, 26, 0.4, 2);
        Path features = planted(p);
        Path out = dir.resolve("out");
        String[] args = {"instances", "--features", features.toString(), "--out", out.toString()};
        CliTest.Run[] run = new CliTest.Run[1];
        String stdout = CliTest.stdout(run, args);
        assertEquals(0, run[0].code(), run[0].err());
        NdData masks = Npy.read(out.resolve("masks.npy"));
        NdData scores = Npy.read(out.resolve("scores.npy"));
        int m = scores.shape()[0];
        assertTrue(m >= 3, m + " masks");
        assertArrayEquals(new int[] {24, 26, m}, masks.shape());
        assertEquals("f4", masks.dtype());
        assertEquals("f8", scores.dtype());
        for (double v : masks.values()) assertTrue(v == 0 || v == 1);
        for (int i = 0; i < m; i++) {
            assertTrue(scores.values()[i] > 0);
            if (i > 0) assertTrue(scores.values()[i] <= scores.values()[i - 1], "best first");
        }
        java.util.List<boolean[]> list = new java.util.ArrayList<>();
        for (int i = 0; i < m; i++) {
            boolean[] mask = new boolean[24 * 26];
            for (int q = 0; q < mask.length; q++) mask[q] = masks.values()[q * m + i] == 1;
            list.add(mask);
        }
        for (double iou : p.bestIou(list)) assertTrue(iou > 0.8, "IoU " + iou);
        assertTrue(ImageIO.read(out.resolve("proposals.png").toFile()).getWidth() > 100);
        JsonObject summary = JsonParser.parseString(Files.readString(out.resolve("summary.json"))).getAsJsonObject();
        assertEquals(m, summary.get("masks").getAsInt());
        assertEquals("authors", summary.get("variant").getAsString());
        assertEquals(9, summary.get("kMax").getAsInt());
        assertTrue(stdout.contains(m + " masks"), stdout);

        // ours may be rewritten; with --fixed and options
        CliTest.Run again = CliTest.run("instances", "--features", features.toString(), "--out", out.toString(), "--fixed",
                "--max-masks", "2", "--k-max", "10", "--min-score", "-Infinity", "--seed", "3");
        assertEquals(0, again.code(), again.err());
        assertEquals(2, Npy.read(out.resolve("scores.npy")).shape()[0]);
        summary = JsonParser.parseString(Files.readString(out.resolve("summary.json"))).getAsJsonObject();
        assertEquals("fixed", summary.get("variant").getAsString());
        assertEquals(10, summary.get("kMax").getAsInt());
    }

    @Test
    void badInputIsOneLine() throws Exception {
        Path features = planted(PlantedInstances.make(4, 10, 10, 0.4, 1));
        Path out = dir.resolve("out");
        CliTest.assertBadInput(CliTest.run("instances", "--features", dir.resolve("nope.npy").toString(), "--out", out.toString()), "nope.npy", "no such file");
        Path flat = dir.resolve("flat.npy");
        Npy.writeFloat32(flat, new int[] {10, 10}, new double[100]);
        CliTest.assertBadInput(CliTest.run("instances", "--features", flat.toString(), "--out", out.toString()), "flat.npy", "K x h x w");
        Path nan = dir.resolve("nan.npy");
        double[] v = new double[4 * 10 * 10];
        v[7] = Double.NaN;
        Npy.writeFloat32(nan, new int[] {4, 10, 10}, v);
        CliTest.assertBadInput(CliTest.run("instances", "--features", nan.toString(), "--out", out.toString()), "nan.npy", "NaN");
        Path garbage = Files.writeString(dir.resolve("garbage.npy"), "not numpy");
        CliTest.assertBadInput(CliTest.run("instances", "--features", garbage.toString(), "--out", out.toString()), "garbage.npy");
        Path tiny = dir.resolve("tiny.npy");
        Npy.writeFloat32(tiny, new int[] {3, 2, 2}, new double[12]);
        CliTest.assertBadInput(CliTest.run("instances", "--features", tiny.toString(), "--out", out.toString()), "tiny.npy", "--k-max 9");
        CliTest.assertBadInput(CliTest.run("instances", "--features", features.toString(), "--out", out.toString(), "--max-masks", "0"), "--max-masks 0");
        CliTest.assertBadInput(CliTest.run("instances", "--features", features.toString(), "--out", out.toString(), "--k-max", "1"), "--k-max 1");
        CliTest.assertBadInput(CliTest.run("instances", "--features", features.toString()), "--out");
        CliTest.assertBadInput(CliTest.run("instances", "--features", features.toString(), "--out", out.toString(), "--min-score", "high"), "--min-score", "high");
        assertTrue(!Files.exists(out.resolve("masks.npy")), "nothing written for bad input");
    }

    @Test
    void refusesToOverwriteFilesItDidNotWrite() throws Exception {
        Path features = planted(PlantedInstances.make(4, 12, 12, 0.4, 1));
        Path out = Files.createDirectories(dir.resolve("mine"));
        Files.writeString(out.resolve("masks.npy"), "precious");
        CliTest.assertBadInput(CliTest.run("instances", "--features", features.toString(), "--out", out.toString()), "masks.npy", "--force");
        assertEquals("precious", Files.readString(out.resolve("masks.npy")));
        CliTest.Run forced = CliTest.run("instances", "--features", features.toString(), "--out", out.toString(), "--force");
        assertEquals(0, forced.code(), forced.err());
        assertEquals(12, Npy.read(out.resolve("masks.npy")).shape()[0]);
    }
}
