package org.pathways.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.common.InvalidInputException;

/** The result log's bookkeeping, in process. */
class ResultLogTest {
    @TempDir
    Path tmp;

    private static final ResultLog.Table T = new ResultLog.Table("t.csv", "image_id,value");

    private static JsonObject config(int v) {
        JsonObject c = new JsonObject();
        c.addProperty("passes", v);
        return c;
    }

    @Test
    void unfinishedImagesAreDroppedAndTablesSorted() throws Exception {
        Path dir = tmp.resolve("run");
        ResultLog log = ResultLog.open(dir, config(1), List.of(T));
        log.record("b", Map.of("t.csv", List.of("b,1", "b,2")));
        log.record("a", Map.of("t.csv", List.of("a,3")));
        log.skip("c", "c.png: unreadable PNG, truncated");
        Files.writeString(dir.resolve("t.csv"), Files.readString(dir.resolve("t.csv")) + "d,9\nb,");
        Files.writeString(dir.resolve(ResultLog.DONE), Files.readString(dir.resolve(ResultLog.DONE)) + "d");

        ResultLog again = ResultLog.open(dir, config(1), List.of(T));
        assertTrue(again.isDone("a") && again.isDone("b"));
        assertTrue(!again.isDone("c"), "a skipped image is tried again by the next run");
        assertTrue(!again.isDone("d"), "a torn done line does not count");
        again.sortTables();
        assertEquals(List.of("image_id,value", "a,3", "b,1", "b,2"), Files.readAllLines(dir.resolve("t.csv")));
        assertEquals(List.of("image_id,reason"), Files.readAllLines(dir.resolve("skipped.csv")), "its row goes with it");
        assertThrows(IllegalArgumentException.class, () -> again.record("e", Map.of("t.csv", List.of("x,1"))), "a row must belong to its image");
    }

    @Test
    void anotherConfigurationOrAForeignFolderIsRefused() throws Exception {
        Path dir = tmp.resolve("run");
        ResultLog.open(dir, config(1), List.of(T));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ResultLog.open(dir, config(2), List.of(T)));
        assertTrue(e.getMessage().contains("passes: 1 before, 2 now"), e.getMessage());
        Path foreign = tmp.resolve("foreign");
        Files.createDirectories(foreign);
        Files.writeString(foreign.resolve("t.csv"), "mine\n");
        assertThrows(InvalidInputException.class, () -> ResultLog.open(foreign, config(1), List.of(T)));
        assertEquals("mine\n", Files.readString(foreign.resolve("t.csv")), "a user's file is left alone");
    }

    @Test
    void theRunnerSkipsBadImagesRecordsTheRestAndShowsTablesSoFar() throws Exception {
        java.awt.image.BufferedImage pixel = new java.awt.image.BufferedImage(1, 1, java.awt.image.BufferedImage.TYPE_INT_RGB);
        org.pathways.data.LabelledImages data = new org.pathways.data.LabelledImages() {
            public String name() { return "fake"; }
            public String location() { return "memory"; }
            public List<String> ids() { return List.of("i1", "i2", "i3", "i4", "i5"); }
            public List<String> labelNames() { return List.of("background"); }
            public LabelledImage load(String id) {
                if (id.equals("i3")) throw new InvalidInputException("i3.png: unreadable PNG");
                return new LabelledImage(id, pixel, new int[] {0});
            }
        };
        Path dir = tmp.resolve("run");
        ResultLog log = ResultLog.open(dir, config(1), List.of(T));
        List<Integer> seen = new java.util.ArrayList<>();
        java.io.ByteArrayOutputStream progress = new java.io.ByteArrayOutputStream();
        DatasetRunner.Summary s = DatasetRunner.run(data, data.ids(), log, 1,
                () -> sample -> new DatasetRunner.Outcome(Map.of("t.csv", List.of(sample.id() + ",7")), "fine"),
                new java.io.PrintStream(progress, true), 2, () -> seen.add(log.doneCount()));
        assertEquals(4, s.processed());
        assertEquals(1, s.skipped());
        assertEquals(List.of(2, 3), seen, "the interim reader runs every 2 images (i3 skipped: 3 done after 4), not after the last");
        assertEquals(List.of("image_id,value", "i1,7", "i2,7", "i4,7", "i5,7"), Files.readAllLines(dir.resolve("t.csv")));
        String text = progress.toString();
        assertTrue(text.contains("[5/5]") && text.contains("skipped: i3.png: unreadable PNG") && text.contains("ETA"), text);
        assertEquals(List.of("image_id,reason", "i3,i3.png: unreadable PNG"), Files.readAllLines(dir.resolve("skipped.csv")));
        // a second run tries only the skipped image again (still bad: skipped again)
        DatasetRunner.Summary again = DatasetRunner.run(data, data.ids(), ResultLog.open(dir, config(1), List.of(T)), 1,
                () -> sample -> { throw new AssertionError("nothing to recompute"); }, new java.io.PrintStream(progress, true));
        assertEquals(4, again.alreadyDone());
        assertEquals(1, again.skipped());
        assertEquals(List.of("image_id,reason", "i3,i3.png: unreadable PNG"), Files.readAllLines(dir.resolve("skipped.csv")));
    }
}
