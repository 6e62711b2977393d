package org.pathways.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.cli.Main;
import org.pathways.testing.CommandLines;
import org.pathways.data.SampleVoc;

/**
 * The batch runner's resume guarantee: a run killed with SIGKILL part-way, with torn and orphan rows left behind,
 * then started again with the same --out, ends with the same tables as a run never interrupted.
 */
class BatchRunResumeTest {
    @TempDir
    Path tmp;

    private List<String> args(Path data, Path out, String steps, String... more) {
        List<String> a = new ArrayList<>(List.of("run", "per-image", "--dataset", "voc", "--data", data.toString(), "--methods", "ours,kmeans-features,tokencut-features",
                "--steps", steps, "--k-max", "4", "--out", out.toString()));
        a.addAll(List.of(more));
        return a;
    }

    /** per-image.csv without the timing column. */
    private static List<String> untimed(Path out) throws Exception {
        List<String> rows = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("per-image.csv"))) rows.add(line.substring(0, line.lastIndexOf(',')));
        return rows;
    }

    @Test
    void aKilledRunResumesToTheSameTable() throws Exception {
        Path data = SampleVoc.write(tmp.resolve("voc"), 4, 3);
        Path reference = tmp.resolve("reference");
        assertEquals(0, CommandLines.run(args(data, reference, "30"), new StringWriter()));

        Path out = tmp.resolve("killed");
        // the child run pauses after recording 2 images (DatasetRunner's test hook), so it is killed at a known point
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true", "-Djava.awt.headless=true", "-Xmx2g",
                "-Dpathways.testing.pauseAfter=2", Main.class.getName()));
        command.addAll(args(data, out, "30"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(tmp.resolve("killed.log").toFile()).start();
        Path done = out.resolve(ResultLog.DONE);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (System.nanoTime() < deadline && p.isAlive() && (!Files.exists(done) || Files.readAllLines(done).size() < 2)) Thread.sleep(50);
        assertTrue(p.isAlive(), "the run pauses after 2 images until it is killed: " + Files.readString(tmp.resolve("killed.log")));
        StringWriter busy = new StringWriter(); // a second run on the folder while the first is alive is refused
        assertEquals(2, CommandLines.run(args(data, out, "30"), busy));
        assertTrue(busy.toString().contains("another Pathways run is writing"), busy.toString());
        p.destroyForcibly(); // SIGKILL: no shutdown hooks, no flushing
        p.waitFor();
        assertEquals(2, Files.readAllLines(done).size(), "killed after 2 of 4 images");

        // what a kill between writes leaves: rows of an image not in done.txt, and a torn last line
        Files.writeString(out.resolve("per-image.csv"), "2007_000004,ours,2,false,0.5,1.0\n2007_0000", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        Files.writeString(out.resolve("label-counts.csv"), "2007_000004,ours,2,0,1,", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        StringWriter err = new StringWriter();
        assertEquals(0, CommandLines.run(args(data, out, "30"), err), err.toString());
        assertEquals(untimed(reference), untimed(out));
        assertEquals(Files.readAllLines(reference.resolve("label-counts.csv")), Files.readAllLines(out.resolve("label-counts.csv")));
        assertEquals(4, Files.readAllLines(done).size());
        for (String f : List.of("table1.csv", "table1.md", "figure4.png")) assertTrue(Files.size(out.resolve(f)) > 0, f);
        String table = Files.readString(out.resolve("table1.md"));
        assertTrue(table.contains("Ours + K-Means") && table.contains("TokenCut"), table);

        // two workers give the same table as one
        Path parallel = tmp.resolve("parallel");
        assertEquals(0, CommandLines.run(args(data, parallel, "30", "--jobs", "2"), new StringWriter()));
        assertEquals(untimed(reference), untimed(parallel));
        assertEquals(Files.readAllLines(reference.resolve("label-counts.csv")), Files.readAllLines(parallel.resolve("label-counts.csv")));

        // the same folder with another configuration is refused, one line
        StringWriter refused = new StringWriter();
        assertEquals(2, CommandLines.run(args(data, out, "31"), refused));
        assertTrue(refused.toString().contains("another configuration") && refused.toString().strip().lines().count() == 1, refused.toString());
    }
}
