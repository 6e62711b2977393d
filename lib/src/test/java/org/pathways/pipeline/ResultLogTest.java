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
import org.pathways.data.InvalidInputException;

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
        assertTrue(again.isDone("a") && again.isDone("b") && again.isDone("c"));
        assertTrue(!again.isDone("d"), "a torn done line does not count");
        again.sortTables();
        assertEquals(List.of("image_id,value", "a,3", "b,1", "b,2"), Files.readAllLines(dir.resolve("t.csv")));
        assertEquals(List.of("image_id,reason", "c,c.png: unreadable PNG; truncated"), Files.readAllLines(dir.resolve("skipped.csv")));
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
}
