package org.pathways.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pathways.testing.TapAssert.compare;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pathways.common.InvalidInputException;
import org.pathways.testing.Golden;

/**
 * SD's text encoder (a CLIPTextModel run without a padding mask) against transformers 5.18 on the tiny golden model
 * (golden/sd/text_encoder, text_io): both rows (empty prompt, a short prompt), both key layouts.
 */
class GoldenTextEncoderTest {
    private static final String IO = "sd/text_io";
    /** Measured max |diff| 4.8e-7 (final, pooled); the blocks' outputs 1e-6 or less. */
    private static final double TOLERANCE = 5e-6;

    @TempDir
    Path tmp;

    private static long[][] inputIds() {
        int[] flat = Golden.npy(IO, "input_ids").asInts();
        long[][] rows = new long[2][77];
        for (int i = 0; i < flat.length; i++) rows[i / 77][i % 77] = flat[i];
        return rows;
    }

    /** The folder form (config.json beside model.safetensors) and a file with transformers 5.x's unprefixed keys. */
    @ParameterizedTest
    @ValueSource(strings = {"", "model_tf5_noprefix.safetensors"})
    void matchesTransformersWithoutPaddingMask(String file) {
        Path folder = Golden.dir("sd/text_encoder");
        try (NDManager m = NDManager.newBaseManager(); TextEncoder encoder = TextEncoder.load(m, file.isEmpty() ? folder : folder.resolve(file), null)) {
            Taps taps = new Taps(m, "text.embed", "text.blocks.*.out", "text.final", "text.pooled");
            encoder.encode(inputIds(), taps);
            Map<String, NDArray> got = taps.captured();
            compare(got, "text.embed", IO, "hidden_states_0", TOLERANCE);
            compare(got, "text.blocks.0.out", IO, "hidden_states_1", TOLERANCE);
            compare(got, "text.blocks.1.out", IO, "hidden_states_2", TOLERANCE);
            compare(got, "text.final", IO, "last_hidden_state", TOLERANCE);
            compare(got, "text.pooled", IO, "pooler_output", TOLERANCE);
        }
    }

    @Test
    void emptyPromptIsRowZero() {
        try (NDManager m = NDManager.newBaseManager(); TextEncoder encoder = TextEncoder.load(m, Golden.dir("sd/text_encoder"), null)) {
            assertArrayEquals(inputIds()[0], encoder.emptyPromptIds());
            float[] got = encoder.emptyPromptEmbedding(m).toFloatArray();
            double[] expected = Golden.slice(Golden.npy(IO, "last_hidden_state").values(), 0, 77 * 32);
            double[] actual = new double[got.length];
            for (int i = 0; i < got.length; i++) actual[i] = got[i];
            Golden.assertCloseAbs("sd/text_io empty prompt last_hidden_state", expected, actual, TOLERANCE);
        }
    }

    /** Old configs (SD 1.4's) say eos_token_id 2: transformers then pools at the largest id, the end marker. */
    @Test
    void legacyEosIdPoolsAtTheLargestId() throws Exception {
        Path folder = Golden.dir("sd/text_encoder");
        JsonObject config = JsonParser.parseString(Files.readString(folder.resolve("config.json"))).getAsJsonObject();
        config.addProperty("eos_token_id", 2);
        Path legacy = tmp.resolve("config.json");
        Files.writeString(legacy, config.toString());
        try (NDManager m = NDManager.newBaseManager(); TextEncoder encoder = TextEncoder.load(m, folder.resolve("model.safetensors"), legacy)) {
            Taps taps = new Taps(m, "text.pooled");
            encoder.encode(inputIds(), taps);
            compare(taps.captured(), "text.pooled", IO, "pooler_output", TOLERANCE);
        }
    }

    @Test
    void badInputIsRefusedOnOneLine() throws Exception {
        Path folder = Golden.dir("sd/text_encoder");
        try (NDManager m = NDManager.newBaseManager(); TextEncoder encoder = TextEncoder.load(m, folder, null)) {
            Taps taps = new Taps(m, "text.final");
            assertOneLine(assertThrows(InvalidInputException.class, () -> encoder.encode(new long[][] {{998, 1000, 999}}, taps)), "1000");
            assertOneLine(assertThrows(InvalidInputException.class, () -> encoder.encode(new long[][] {new long[78]}, taps)), "78");
            assertOneLine(assertThrows(InvalidInputException.class, () -> encoder.encode(new long[][] {{998, 999}, {998}}, taps)), "row 1");
        }
        Path lonely = tmp.resolve("model.safetensors");
        Files.copy(folder.resolve("model.safetensors"), lonely);
        Path unet = Golden.dir("sd/unet").resolve("diffusion_pytorch_model.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            assertOneLine(assertThrows(InvalidInputException.class, () -> TextEncoder.load(m, lonely, null)), "config.json");
            assertOneLine(assertThrows(InvalidInputException.class, () -> TextEncoder.load(m, unet, folder.resolve("config.json"))), "not a CLIP text encoder");
        }
    }

    /** ClipTokenizer reads SD's vocab.json / merges.txt form; its empty prompt is the encoder's empty-prompt ids. */
    @Test
    void tokenizerGivesTheSameEmptyPrompt() throws Exception {
        JsonObject vocab = new JsonObject();
        String[] bytes = ClipTokenizer.byteToUnicode();
        int id = 0;
        for (String b : bytes) vocab.addProperty(b, id++);
        for (String b : bytes) vocab.addProperty(b + "</w>", id++);
        while (id < 998) vocab.addProperty("filler" + id, id++);
        vocab.addProperty(ClipTokenizer.START, 998); // CLIP's markers are the vocabulary's last two ids
        vocab.addProperty(ClipTokenizer.END, 999);
        Files.writeString(tmp.resolve("vocab.json"), vocab.toString());
        Files.writeString(tmp.resolve("merges.txt"), "#version: 0.2\n");
        ClipTokenizer tokenizer = ClipTokenizer.fromFiles(tmp.resolve("vocab.json"), tmp.resolve("merges.txt"));
        try (NDManager m = NDManager.newBaseManager(); TextEncoder encoder = TextEncoder.load(m, Golden.dir("sd/text_encoder"), null)) {
            assertArrayEquals(encoder.emptyPromptIds(), encoder.promptIds(tokenizer, ""));
            long[] ids = encoder.promptIds(tokenizer, "a".repeat(200)); // one 200-byte word: truncated, the end marker kept
            assertTrue(ids.length == 77 && ids[0] == 998 && ids[76] == 999 && ids[75] != 999);
        }
    }

    private static void assertOneLine(InvalidInputException e, String mentions) {
        assertTrue(e.getMessage().contains(mentions) && !e.getMessage().contains("\n"), e.getMessage());
    }
}
