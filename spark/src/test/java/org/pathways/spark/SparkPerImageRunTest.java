package org.pathways.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.data.SampleVoc;
import org.pathways.pipeline.ResultLog;

/**
 * {@code run per-image --spark} against the local runner on a generated VOC-layout set with one undecodable image:
 * the same per-image.csv, label-counts.csv, skipped.csv, Table 1 and region pictures (timings aside), plus Parquet;
 * a failed task on plain {@code local[2]} stops the run and records nothing of it; on {@code local[2,3]} it is
 * retried and counted once; a driver killed with SIGKILL resumes to the same tables.
 */
class SparkPerImageRunTest {
    @TempDir
    static Path tmp;

    static Path data;
    static Path reference;
    static final String BAD = "2007_000004";

    static List<String> args(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("run", "per-image", "--dataset", "voc", "--data", data.toString(), "--methods", "ours,kmeans-features,tokencut-features",
                "--steps", "10", "--k-max", "4", "--out", out.toString()));
        a.addAll(List.of(more));
        return a;
    }

    @BeforeAll
    static void localReference() throws Exception {
        data = SampleVoc.write(tmp.resolve("voc"), 4, 3);
        Files.writeString(data.resolve("JPEGImages/" + BAD + ".jpg"), "not a JPEG"); // a bad image: skipped, not fatal
        reference = tmp.resolve("local");
        StringWriter err = new StringWriter();
        assertEquals(0, SharedSpark.run(args(reference), err), err.toString());
        SharedSpark.session();
    }

    /** The run's files equal the local runner's: rows (timings aside), counts, skipped images, table, pictures. */
    static void assertSameAsLocal(Path out) throws Exception {
        assertEquals(SharedSpark.untimed(reference.resolve("per-image.csv")), SharedSpark.untimed(out.resolve("per-image.csv")));
        assertEquals(Files.readAllLines(reference.resolve("label-counts.csv")), Files.readAllLines(out.resolve("label-counts.csv")));
        assertEquals(Files.readAllLines(reference.resolve("skipped.csv")), Files.readAllLines(out.resolve("skipped.csv")));
        assertEquals(new HashSet<>(Files.readAllLines(reference.resolve(ResultLog.DONE))), new HashSet<>(Files.readAllLines(out.resolve(ResultLog.DONE))));
        assertEquals(withoutSeconds(reference.resolve("table1.csv")), withoutSeconds(out.resolve("table1.csv")));
        assertEquals(SharedSpark.filesUnder(reference.resolve("regions")), SharedSpark.filesUnder(out.resolve("regions")));
    }

    /** table1.csv without its "s per image" column. */
    private static List<String> withoutSeconds(Path table) throws Exception {
        List<String> lines = Files.readAllLines(table);
        int column = List.of(lines.get(0).split(",", -1)).indexOf("s per image");
        assertTrue(column >= 0, lines.get(0));
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            List<String> cells = new ArrayList<>(List.of(line.split(",", -1)));
            cells.remove(column);
            out.add(String.join(",", cells));
        }
        return out;
    }

    @Test
    void local2GivesTheLocalRunnersTablesAndParquet() throws Exception {
        Path out = tmp.resolve("spark");
        StringWriter err = new StringWriter();
        assertEquals(0, SharedSpark.run(args(out, "--spark", SharedSpark.MASTER), err), err.toString());
        assertSameAsLocal(out);
        assertEquals(List.of("image_id,reason"), Files.readAllLines(out.resolve("skipped.csv")).subList(0, 1));
        assertTrue(Files.readString(out.resolve("skipped.csv")).contains(BAD + ","), "the bad image is recorded as skipped");

        Dataset<Row> rows = SharedSpark.session().read().parquet(out.resolve("per-image.parquet").toString());
        assertEquals(Files.readAllLines(out.resolve("per-image.csv")).size() - 1, rows.count());
        assertEquals(DataTypes.DoubleType, rows.schema().apply("miou").dataType());
        assertEquals(DataTypes.LongType, rows.schema().apply("k").dataType());
        assertEquals(DataTypes.BooleanType, rows.schema().apply("selected").dataType());
        Row first = rows.orderBy("image_id", "method", "k").first();
        String firstCsv = Files.readAllLines(out.resolve("per-image.csv")).stream().skip(1).sorted().findFirst().orElseThrow();
        assertTrue(firstCsv.startsWith(first.getString(0) + "," + first.getString(1) + "," + first.getLong(2) + ","), first + " vs " + firstCsv);
        assertEquals(Files.readAllLines(out.resolve("label-counts.csv")).size() - 1,
                SharedSpark.session().read().parquet(out.resolve("label-counts.parquet").toString()).count());

        StringWriter again = new StringWriter(); // a second run on the finished folder has nothing to do
        assertEquals(0, SharedSpark.run(args(out, "--spark", SharedSpark.MASTER), again), again.toString());
        assertSameAsLocal(out);
    }

    @Test
    void aFailedTaskOnPlainLocalStopsTheRunWithoutRecordingIt() throws Exception {
        Path out = tmp.resolve("fails");
        System.setProperty(ImageTask.FAULT, "2007_000002"); // this JVM is the executor of local[N]
        StringWriter err = new StringWriter();
        try {
            assertNotEquals(0, SharedSpark.run(args(out, "--spark", SharedSpark.MASTER), err));
        } finally {
            System.clearProperty(ImageTask.FAULT);
        }
        assertTrue(err.toString().contains("injected fault after computing 2007_000002"), err.toString());
        assertFalse(Files.readAllLines(out.resolve(ResultLog.DONE)).contains("2007_000002"), "computed, but its task failed: not recorded");
        assertFalse(Files.readString(out.resolve("per-image.csv")).contains("2007_000002,"));

        StringWriter resumed = new StringWriter(); // the next run does what is left
        assertEquals(0, SharedSpark.run(args(out, "--spark", SharedSpark.MASTER), resumed), resumed.toString());
        assertSameAsLocal(out);
    }

    @Test
    void aRetriedTaskIsCountedOnce() throws Exception {
        Path out = tmp.resolve("retried");
        Path log = tmp.resolve("retried.log");
        Process p = SharedSpark.start(List.of("-D" + ImageTask.FAULT + "=2007_000003"), args(out, "--spark", "local[2,3]"), log);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the run ends");
        String text = Files.readString(log);
        assertEquals(0, p.exitValue(), text);
        assertTrue(text.contains("injected fault after computing 2007_000003"), "the first attempt failed after computing its image: " + text);
        assertSameAsLocal(out);
        long rows = Files.readAllLines(out.resolve(ResultLog.DONE)).stream().filter(l -> l.equals("2007_000003")).count();
        assertEquals(1, rows, "done once");
    }

    @Test
    void aKilledDriverResumesToTheSameTables() throws Exception {
        Path out = tmp.resolve("killed");
        Path log = tmp.resolve("killed.log");
        // the driver pauses after recording its first image (the recorder's test hook), so it is killed at a known point
        Process p = SharedSpark.start(List.of("-Dpathways.testing.pauseAfter=1"), args(out, "--spark", SharedSpark.MASTER), log);
        Path done = out.resolve(ResultLog.DONE);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (System.nanoTime() < deadline && p.isAlive() && (!Files.exists(done) || Files.readAllLines(done).isEmpty())) Thread.sleep(50);
        assertTrue(p.isAlive(), "the driver pauses after 1 image until it is killed: " + Files.readString(log));
        StringWriter busy = new StringWriter(); // a second driver on the folder while the first lives is refused
        assertEquals(2, SharedSpark.run(args(out, "--spark", SharedSpark.MASTER), busy));
        assertTrue(busy.toString().contains("another Pathways run is writing"), busy.toString());
        p.destroyForcibly(); // SIGKILL: the driver and its local executors die at once
        p.waitFor();
        assertEquals(1, Files.readAllLines(done).size(), "killed after 1 image");
        // what a kill between writes leaves: rows of an image not in done.txt, and a torn last line
        Files.writeString(out.resolve("per-image.csv"), "2007_000003,ours,2,false,0.5,1.0\n2007_0000", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        StringWriter err = new StringWriter();
        assertEquals(0, SharedSpark.run(args(out, "--spark", SharedSpark.MASTER), err), err.toString());
        assertSameAsLocal(out);
    }
}
