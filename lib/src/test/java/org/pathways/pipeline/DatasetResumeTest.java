package org.pathways.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.cli.Main;
import org.pathways.testing.CommandLines;

/**
 * The data-set training's resume guarantee: a seeded run killed with SIGKILL after an iteration that no checkpoint
 * holds yet, or stopped with a signal (Ctrl-C's path: the shutdown hook checkpoints), then started again with the same
 * --out, ends with the same feature table, bit for bit, and the same losses as a run never interrupted.
 */
class DatasetResumeTest {
    @TempDir
    Path tmp;

    private List<String> args(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("run", "dataset", "--dataset", "sample-stuff", "--data", tmp.resolve("data").toString(), "--images", "8",
                "--graph", "vv", "--batch", "4", "--channels", "4", "--iterations", "6", "--checkpoint-every", "2", "--max-res", "16", "--lr", "0.05",
                "--k-intra", "10", "--k-inter", "10", "--seed", "3", "--out", out.toString()));
        a.addAll(List.of(more));
        return a;
    }

    private Process child(Path out, String log, String... jvm) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true", "-Djava.awt.headless=true", "-Xmx2g"));
        command.addAll(List.of(jvm));
        command.add(Main.class.getName());
        command.addAll(args(out));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(tmp.resolve(log).toFile()).start();
    }

    private static int checkpointed(Path out) throws Exception {
        Path f = out.resolve(DatasetTraining.CHECKPOINT);
        if (!Files.isRegularFile(f)) return 0;
        return JsonParser.parseString(Files.readString(f)).getAsJsonObject().get("iterations").getAsInt();
    }

    @Test
    void killedAndStoppedRunsEndWithTheSameTable() throws Exception {
        Path reference = tmp.resolve("reference");
        StringWriter err = new StringWriter();
        assertEquals(0, CommandLines.run(args(reference), err), err.toString());
        byte[] features = Files.readAllBytes(reference.resolve(DatasetTraining.FEATURES));
        List<String> losses = Files.readAllLines(reference.resolve(DatasetTraining.LOSS));
        assertEquals(7, losses.size());

        // SIGKILL after iteration 3: the checkpoint holds 2, so iteration 3 is done again on restart
        Path killed = tmp.resolve("killed");
        Process p = child(killed, "killed.log", "-Dpathways.testing.pauseAfterIteration=3");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (System.nanoTime() < deadline && p.isAlive() && !Files.readString(tmp.resolve("killed.log")).contains("paused after iteration 3")) Thread.sleep(50);
        assertTrue(p.isAlive(), "the run pauses after iteration 3 until it is killed: " + Files.readString(tmp.resolve("killed.log")));
        StringWriter busy = new StringWriter(); // a second run on the folder while the first is alive is refused
        assertEquals(2, CommandLines.run(args(killed), busy));
        assertTrue(busy.toString().contains("another Pathways run is writing"), busy.toString());
        p.destroyForcibly();
        p.waitFor();
        assertEquals(2, checkpointed(killed), "killed with iteration 3 not checkpointed");
        err = new StringWriter();
        assertEquals(0, CommandLines.run(args(killed), err), err.toString());
        assertArrayEquals(features, Files.readAllBytes(killed.resolve(DatasetTraining.FEATURES)), "the killed run's table differs");
        assertEquals(losses, Files.readAllLines(killed.resolve(DatasetTraining.LOSS)));

        // SIGTERM (the shutdown path Ctrl-C takes) part-way: the hook lets the iteration end and checkpoints it
        Path stopped = tmp.resolve("stopped");
        Process q = child(stopped, "stopped.log");
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (System.nanoTime() < deadline && q.isAlive() && checkpointed(stopped) < 2) Thread.sleep(20);
        q.destroy();
        assertTrue(q.waitFor(120, TimeUnit.SECONDS));
        String log = Files.readString(tmp.resolve("stopped.log"));
        int at = checkpointed(stopped);
        if (at < 6) assertTrue(log.contains("stopped after iteration " + at + " of 6"), log);
        assertEquals(at + 1, Files.readAllLines(stopped.resolve(DatasetTraining.LOSS)).size(), "loss.csv matches the checkpoint");
        err = new StringWriter();
        assertEquals(0, CommandLines.run(args(stopped), err), err.toString());
        assertArrayEquals(features, Files.readAllBytes(stopped.resolve(DatasetTraining.FEATURES)), "the stopped run's table differs");
        assertEquals(losses, Files.readAllLines(stopped.resolve(DatasetTraining.LOSS)));

        // the same folder with another configuration is refused on one line; more iterations continue it
        StringWriter refused = new StringWriter();
        assertEquals(2, CommandLines.run(args(killed, "--ema", "0.9"), refused));
        assertTrue(refused.toString().contains("another configuration") && refused.toString().strip().lines().count() == 1, refused.toString());
        err = new StringWriter();
        List<String> longer = args(killed);
        longer.set(longer.indexOf("6"), "8");
        assertEquals(0, CommandLines.run(longer, err), err.toString());
        assertEquals(9, Files.readAllLines(killed.resolve(DatasetTraining.LOSS)).size());
    }
}
