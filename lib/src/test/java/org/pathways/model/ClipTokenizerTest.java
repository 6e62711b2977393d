package org.pathways.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tiny CLIP vocabulary built the way OpenAI's is (bytes, bytes + </w>, merges, special tokens). */
class ClipTokenizerTest {
    @TempDir
    Path dir;

    private static final String[][] MERGES = {{"h", "e"}, {"l", "l"}, {"he", "ll"}, {"hell", "o</w>"},
        {"w", "o"}, {"wo", "r"}, {"wor", "l"}, {"worl", "d</w>"}, {"i", "t</w>"}, {"'", "s</w>"}};

    private List<String> vocabulary() {
        List<String> v = new ArrayList<>();
        for (String c : ClipTokenizer.byteToUnicode()) v.add(c);
        for (String c : ClipTokenizer.byteToUnicode()) v.add(c + "</w>");
        for (String[] m : MERGES) v.add(m[0] + m[1]);
        v.add(ClipTokenizer.START);
        v.add(ClipTokenizer.END);
        return v;
    }

    private ClipTokenizer fromFiles() throws Exception {
        JsonObject vocab = new JsonObject();
        List<String> v = vocabulary();
        for (int i = 0; i < v.size(); i++) vocab.addProperty(v.get(i), i);
        Files.writeString(dir.resolve("vocab.json"), vocab.toString());
        StringBuilder merges = new StringBuilder("#version: 0.2\n");
        for (String[] m : MERGES) merges.append(m[0]).append(' ').append(m[1]).append('\n');
        Files.writeString(dir.resolve("merges.txt"), merges.toString());
        return ClipTokenizer.fromFiles(dir.resolve("vocab.json"), dir.resolve("merges.txt"));
    }

    @Test
    void mergesByRankAndMarksWordEnds() throws Exception {
        ClipTokenizer t = fromFiles();
        assertEquals(List.of("hello</w>", ",</w>", "hello</w>", "world</w>", "!</w>"), t.tokens("  Hello,   HELLO world! "));
        assertEquals(List.of("it</w>", "'s</w>", "x</w>"), t.tokens("it's x"));
        assertEquals(List.of("he", "y</w>"), t.tokens("hey")); // "h e" merges; "he y</w>" is not a merge
        List<String> v = vocabulary();
        int[] ids = t.encode("hello world");
        assertArrayEquals(new int[] {v.indexOf(ClipTokenizer.START), v.indexOf("hello</w>"), v.indexOf("world</w>"), v.indexOf(ClipTokenizer.END)}, ids);
    }

    @Test
    void nonAsciiGoesThroughTheByteTable() throws Exception {
        ClipTokenizer t = fromFiles();
        String[] table = ClipTokenizer.byteToUnicode();
        // 'é' is UTF-8 C3 A9: two byte characters, the last one ending the word
        assertEquals(List.of(table[0xC3], table[0xA9] + "</w>"), t.tokens("é"));
        assertEquals(256, java.util.Set.of(table).size(), "the byte table is one-to-one");
    }

    @Test
    void batchesPadWithTheEndMarkerAndMaskIt() throws Exception {
        ClipTokenizer t = fromFiles();
        int[][][] batch = t.batch(List.of("hello", "hello world it's"), 5);
        int end = vocabulary().indexOf(ClipTokenizer.END);
        assertArrayEquals(new int[] {1, 1, 1, 0, 0}, batch[1][0]);
        assertEquals(end, batch[0][0][3]);
        assertArrayEquals(new int[] {1, 1, 1, 1, 1}, batch[1][1]);
        assertEquals(end, batch[0][1][4], "truncated text keeps its end marker");
    }

    @Test
    void tokenizerJsonGivesTheSameTokens() throws Exception {
        JsonObject vocab = new JsonObject();
        List<String> v = vocabulary();
        for (int i = 0; i < v.size(); i++) vocab.addProperty(v.get(i), i);
        JsonArray merges = new JsonArray();
        for (String[] m : MERGES) merges.add(m[0] + " " + m[1]);
        JsonObject model = new JsonObject();
        model.add("vocab", vocab);
        model.add("merges", merges);
        JsonObject root = new JsonObject();
        root.add("model", model);
        Files.writeString(dir.resolve("tokenizer.json"), root.toString());
        assertArrayEquals(fromFiles().encode("Hello, world!"), ClipTokenizer.fromTokenizerJson(dir.resolve("tokenizer.json")).encode("Hello, world!"));
    }
}
