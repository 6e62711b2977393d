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
import org.pathways.data.SampleCoco;
import org.pathways.testing.CommandLines;

/**
 * {@code run instances} killed with SIGKILL part-way (a torn row and an orphan row left behind), then started again
 * on the same folder: the same detections, COCO results and Table 7 as a run never interrupted.
 */
class InstanceRunResumeTest {
    @TempDir
    Path tmp;

    private static List<String> args(Path data, Path out) {
        return List.of("run", "instances", "--dataset", "sample-coco", "--data", data.toString(), "--methods", "ours,tokencut", "--steps", "20",
                "--eigs", "6", "--k-max", "4", "--instance-k-max", "4", "--limit", "3", "--out", out.toString());
    }

    /** mask-counts.csv without the seconds column. */
    private static List<String> untimed(Path out) throws Exception {
        List<String> rows = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve(InstanceSegmentation.COUNTS.file()))) rows.add(line.substring(0, line.lastIndexOf(',')));
        return rows;
    }

    @Test
    void aKilledRunResumesToTheSameResults() throws Exception {
        Path data = SampleCoco.write(tmp.resolve("coco"), 3, 1);
        Path reference = tmp.resolve("reference");
        StringWriter first = new StringWriter();
        assertEquals(0, CommandLines.run(args(data, reference), first), first.toString());

        Path out = tmp.resolve("killed");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true", "-Djava.awt.headless=true", "-Xmx2g",
                "-Dpathways.testing.pauseAfter=1", Main.class.getName()));
        command.addAll(args(data, out));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(tmp.resolve("killed.log").toFile()).start();
        Path done = out.resolve(ResultLog.DONE);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (System.nanoTime() < deadline && p.isAlive() && (!Files.exists(done) || Files.readAllLines(done).isEmpty())) Thread.sleep(50);
        assertTrue(p.isAlive(), "the run pauses after 1 image until it is killed: " + Files.readString(tmp.resolve("killed.log")));
        p.destroyForcibly();
        p.waitFor();
        assertEquals(1, Files.readAllLines(done).size(), "killed after 1 of 3 images");
        Files.writeString(out.resolve(InstanceSegmentation.DETECTIONS.file()), "3,ours,0,0.5,38,50,abc\n2,our", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        StringWriter err = new StringWriter();
        assertEquals(0, CommandLines.run(args(data, out), err), err.toString());
        assertEquals(Files.readAllLines(reference.resolve(InstanceSegmentation.DETECTIONS.file())), Files.readAllLines(out.resolve(InstanceSegmentation.DETECTIONS.file())));
        assertEquals(untimed(reference), untimed(out));
        for (String f : List.of("results-ours.json", "results-tokencut.json", InstanceTable.TABLE_CSV)) {
            assertEquals(Files.readString(reference.resolve(f)), Files.readString(out.resolve(f)), f);
        }
        assertEquals(3, Files.readAllLines(done).size());
    }
}
