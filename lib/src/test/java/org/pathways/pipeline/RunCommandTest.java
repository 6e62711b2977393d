package org.pathways.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.cli.Main;
import org.pathways.data.SampleVoc;
import picocli.CommandLine;

/** `run` refuses bad input with one line and exit status 2, and reports a bad image without stopping. */
class RunCommandTest {
    @TempDir
    Path tmp;

    private record Result(int code, String err) {}

    private static Result run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err, true));
        return new Result(cli.execute(args), err.toString());
    }

    private static void assertOneLine(Result r, String fragment) {
        assertEquals(2, r.code(), r.err());
        String line = r.err().strip();
        assertTrue(line.startsWith("pathways: error:") && !line.contains("\n") && line.contains(fragment), line);
    }

    @Test
    void badArgumentsAreOneLine() throws Exception {
        Path data = SampleVoc.write(tmp.resolve("voc"), 1, 1);
        assertOneLine(run("run", "per-image", "--dataset", "coco", "--out", tmp.resolve("a").toString()), "--dataset 'coco'");
        assertOneLine(run("run", "per-image", "--data", tmp.resolve("nowhere").toString(), "--out", tmp.resolve("b").toString()), "nowhere");
        assertOneLine(run("run", "per-image", "--data", data.toString(), "--methods", "ours,spectral-magic", "--out", tmp.resolve("c").toString()), "spectral-magic");
        assertOneLine(run("run", "per-image", "--data", data.toString(), "--backbone", "vit-huge", "--out", tmp.resolve("d").toString()), "vit-huge");
        assertOneLine(run("run", "open-vocab", "--data", data.toString(), "--weights", tmp.resolve("none.safetensors").toString(),
                "--vocab", tmp.resolve("vocab.json").toString(), "--out", tmp.resolve("e").toString()), "vocab.json");
        assertOneLine(run("run", "open-vocab", "--data", data.toString(), "--backbone", "pixels", "--out", tmp.resolve("f").toString()), "open-vocab runs on clip-vitb16");
        for (String f : new String[] {"a", "b", "c", "d", "e", "f"}) assertFalse(Files.exists(tmp.resolve(f)), "nothing written before the arguments are checked");
    }

    @Test
    void aBrokenImageIsSkippedReportedAndTriedAgainOnResume() throws Exception {
        Path data = SampleVoc.write(tmp.resolve("voc"), 2, 1);
        Path mask = data.resolve("SegmentationClass/2007_000001.png");
        byte[] good = Files.readAllBytes(mask);
        Files.writeString(mask, "not a png");
        Path out = tmp.resolve("out");
        Result r = run("run", "per-image", "--data", data.toString(), "--methods", "kmeans-features", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        String skipped = Files.readString(out.resolve("skipped.csv"));
        assertTrue(skipped.contains("2007_000001,") && skipped.contains("2007_000001.png"), skipped);
        assertEquals(List.of("2007_000002"), Files.readAllLines(out.resolve("done.txt")), "a skipped image is not done");
        assertTrue(Files.readString(out.resolve("per-image.csv")).contains("2007_000002,kmeans-features,"));
        assertTrue(Files.exists(out.resolve("regions/kmeans-features/2007_000002.png")));
        // the file mended, the same run started again does the skipped image and only it
        Files.write(mask, good);
        Result again = run("run", "per-image", "--data", data.toString(), "--methods", "kmeans-features", "--out", out.toString());
        assertEquals(0, again.code(), again.err());
        assertEquals(List.of("2007_000001", "2007_000002"), Files.readAllLines(out.resolve("done.txt")).stream().sorted().toList());
        assertEquals(List.of("image_id,reason"), Files.readAllLines(out.resolve("skipped.csv")));
        assertTrue(Files.readString(out.resolve("per-image.csv")).contains("2007_000001,kmeans-features,"));
    }

    /** A file that cannot be read at all (an I/O error, here /proc/self/mem) is not bad data: the run stops, one line, exit 1. */
    @Test
    void aDiskErrorStopsTheRunInsteadOfSkipping() throws Exception {
        Path data = SampleVoc.write(tmp.resolve("voc"), 2, 1);
        Path jpg = data.resolve("JPEGImages/2007_000001.jpg");
        Files.delete(jpg);
        Files.createSymbolicLink(jpg, Path.of("/proc/self/mem")); // a regular file whose read fails with EIO
        Path out = tmp.resolve("out");
        Result r = run("run", "per-image", "--data", data.toString(), "--methods", "kmeans-features", "--out", out.toString());
        assertEquals(1, r.code(), r.err());
        String last = r.err().strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("pathways: error:") && last.contains("2007_000001.jpg") && last.contains("cannot read"), r.err());
        assertEquals(List.of("image_id,reason"), Files.readAllLines(out.resolve("skipped.csv")), "not recorded as a bad image");
        assertFalse(Files.readAllLines(out.resolve("done.txt")).contains("2007_000001"));
    }
}
