package org.pathways.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
    void aBrokenImageIsSkippedAndReported() throws Exception {
        Path data = SampleVoc.write(tmp.resolve("voc"), 2, 1);
        Files.writeString(data.resolve("SegmentationClass/2007_000001.png"), "not a png");
        Path out = tmp.resolve("out");
        Result r = run("run", "per-image", "--data", data.toString(), "--methods", "kmeans-features", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        String skipped = Files.readString(out.resolve("skipped.csv"));
        assertTrue(skipped.contains("2007_000001,") && skipped.contains("2007_000001.png"), skipped);
        assertEquals(2, Files.readAllLines(out.resolve("done.txt")).size());
        assertTrue(Files.readString(out.resolve("per-image.csv")).contains("2007_000002,kmeans-features,"));
        assertTrue(Files.exists(out.resolve("regions/kmeans-features/2007_000002.png")));
    }
}
