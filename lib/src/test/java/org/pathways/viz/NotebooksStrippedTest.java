package org.pathways.viz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.pathways.testing.Golden;

/**
 * Committed notebooks carry no outputs and no volatile metadata (./pathways notebooks --strip), so diffs show code,
 * and are nbformat 4.5 with a unique id per cell (nbconvert warns about cells without).
 */
class NotebooksStrippedTest {
    @Test
    void everyNotebookIsStripped() throws Exception {
        List<Path> notebooks;
        try (Stream<Path> s = Files.list(Golden.repo().resolve("notebooks"))) {
            notebooks = s.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
        }
        assertFalse(notebooks.isEmpty(), "notebooks/ has notebooks");
        for (Path p : notebooks) {
            JsonObject nb = JsonParser.parseString(Files.readString(p)).getAsJsonObject();
            for (String key : nb.getAsJsonObject("metadata").keySet()) {
                assertTrue(key.equals("kernelspec") || key.equals("language_info"), p + ": volatile notebook metadata '" + key + "'; run ./pathways notebooks --strip");
            }
            assertTrue(nb.get("nbformat").getAsInt() == 4 && nb.get("nbformat_minor").getAsInt() >= 5, p + ": not nbformat 4.5; run ./pathways notebooks --strip");
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (JsonElement c : nb.getAsJsonArray("cells")) {
                JsonObject cell = c.getAsJsonObject();
                assertTrue(cell.has("id") && !cell.get("id").getAsString().isEmpty() && ids.add(cell.get("id").getAsString()),
                        p + ": a cell without a unique id; run ./pathways notebooks --strip");
                assertTrue(cell.getAsJsonObject("metadata").size() == 0, p + ": cell metadata; run ./pathways notebooks --strip");
                if (cell.get("cell_type").getAsString().equals("code")) {
                    assertTrue(cell.getAsJsonArray("outputs").size() == 0, p + ": a cell has outputs; run ./pathways notebooks --strip");
                    assertTrue(cell.get("execution_count").isJsonNull(), p + ": execution count; run ./pathways notebooks --strip");
                }
            }
        }
    }
}
