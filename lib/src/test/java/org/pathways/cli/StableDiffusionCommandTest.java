package org.pathways.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.data.SampleScene;
import org.pathways.testing.TinyStableDiffusion;

/** {@code segment} and {@code demo} with {@code --backbone sd14} end to end on the tiny golden SD pipeline. */
class StableDiffusionCommandTest {
    @TempDir
    Path dir;

    private static JsonObject summary(Path folder) throws Exception {
        return JsonParser.parseString(Files.readString(folder.resolve("summary.json"))).getAsJsonObject();
    }

    @Test
    void segmentRunsEveryPassOnFreshGraphsAndIsSeeded() throws Exception {
        Path weights = TinyStableDiffusion.pipeline(dir);
        Path img = dir.resolve("scene.png");
        ImageIO.write(SampleScene.planted(3, 48, 40, 8, 2).image(), "png", img.toFile());
        String[] common = {"segment", img.toString(), "--backbone", "sd14", "--weights", weights.toString(), "--steps", "40", "--eigs", "4", "--k-max", "4"};
        CliTest.Run r = CliTest.run(concat(common, "--out", dir.resolve("a").toString()));
        assertEquals(0, r.code(), r.err());
        JsonObject s = summary(dir.resolve("a/scene"));
        assertEquals("sd14", s.get("backbone").getAsString());
        assertTrue(s.get("backboneDescription").getAsString().contains("buffer 5 (float16) reused with p 0.75"), s.get("backboneDescription").getAsString());
        assertEquals(4, s.getAsJsonArray("graphs").size(), "down_blocks.0, mid_block, up_blocks.1 twice");
        assertEquals(16, s.get("featureHeight").getAsInt(), "32 x 32 image -> 16 x 16 latents, the finest attention");
        assertEquals(41, s.get("computedPasses").getAsInt(), "every pass computed");
        assertFalse(s.get("reuseWindowPass").getAsBoolean());
        assertEquals(2, s.get("optimiserUpdates").getAsInt());
        int fresh = s.get("freshGraphSets").getAsInt();
        int reused = s.get("reusedGraphSets").getAsInt();
        assertEquals(41, fresh + reused, "every pass drew a set: fresh " + fresh + ", reused " + reused);
        assertTrue(fresh >= 5 && reused > 0, "the buffer fills (5 sets) and then reuses: fresh " + fresh + ", reused " + reused);
        assertEquals(40, ImageIO.read(dir.resolve("a/scene/regions.png").toFile()).getHeight());

        assertEquals(0, CliTest.run(concat(common, "--out", dir.resolve("b").toString())).code());
        assertArrayEquals(Files.readAllBytes(dir.resolve("a/scene/features.npy")), Files.readAllBytes(dir.resolve("b/scene/features.npy")), "same seed, same features");
        assertEquals(0, CliTest.run(concat(common, "--sd-buffer", "0", "--out", dir.resolve("c").toString())).code());
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(dir.resolve("a/scene/features.npy")), Files.readAllBytes(dir.resolve("c/scene/features.npy"))),
                "no buffer: a fresh UNet run every pass, other graphs");
        assertEquals(0, summary(dir.resolve("c/scene")).get("reusedGraphSets").getAsInt(), "no buffer, no reuse");
        CliTest.Run coarse = CliTest.run(concat(common, "--sd-layers", "<=8", "--out", dir.resolve("d").toString()));
        assertEquals(0, coarse.code(), coarse.err());
        assertEquals(1, summary(dir.resolve("d/scene")).getAsJsonArray("graphs").size());

        CliTest.assertBadInput(CliTest.run("segment", img.toString(), "--backbone", "sd14", "--weights", dir.resolve("none").toString()),
                dir.resolve("none").toString(), "data-scripts/fetch-weights.sh sd14");
        CliTest.assertBadInput(CliTest.run(concat(common, "--sd-reuse", "1.5")), "--sd-reuse");
        CliTest.assertBadInput(CliTest.run(concat(common, "--sd-layers", "small")), "--sd-layers 'small'");
        CliTest.assertBadInput(CliTest.run(concat(common, "--sd-layers", "last:0")), "last:N needs N >= 1");
        CliTest.assertBadInput(CliTest.run(concat(common, "--sd-buffer-dtype", "float64")), "--sd-buffer-dtype 'float64'");
    }

    /** The authors' layer choice (the last N attn1 layers), --graph-top-k and a float32 buffer all run and are recorded. */
    @Test
    void layerChoiceSparseGraphsAndBufferPrecision() throws Exception {
        Path weights = TinyStableDiffusion.pipeline(dir);
        Path img = dir.resolve("scene.png");
        ImageIO.write(SampleScene.planted(3, 48, 40, 8, 2).image(), "png", img.toFile());
        String[] common = {"segment", img.toString(), "--backbone", "sd14", "--weights", weights.toString(), "--steps", "20", "--eigs", "4", "--k-max", "4"};
        CliTest.Run last = CliTest.run(concat(common, "--sd-layers", "last:2", "--out", dir.resolve("last").toString()));
        assertEquals(0, last.code(), last.err());
        JsonObject s = summary(dir.resolve("last/scene"));
        assertEquals(2, s.getAsJsonArray("graphs").size());
        for (var g : s.getAsJsonArray("graphs")) assertTrue(g.toString().contains("up_blocks.1."), "the last two are the last up block's: " + g);
        assertEquals(16, s.get("featureHeight").getAsInt(), "the tiny UNet's last up block attends at 16 x 16");

        CliTest.Run sparse = CliTest.run(concat(common, "--graph-top-k", "6", "--out", dir.resolve("sparse").toString()));
        assertEquals(0, sparse.code(), sparse.err());
        assertEquals(6, summary(dir.resolve("sparse/scene")).get("graphTopK").getAsInt());
        CliTest.Run wide = CliTest.run(concat(common, "--sd-buffer-dtype", "float32", "--out", dir.resolve("wide").toString()));
        assertEquals(0, wide.code(), wide.err());
        assertTrue(summary(dir.resolve("wide/scene")).get("backboneDescription").getAsString().contains("(float32)"));
    }

    @Test
    void demoTakesTheBackbone() throws Exception {
        Path weights = TinyStableDiffusion.pipeline(dir);
        CliTest.Run r = CliTest.run("demo", "--backbone", "sd14", "--weights", weights.toString(), "--steps", "20", "--eigs", "4", "--k-max", "3",
                "--out", dir.resolve("demo").toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("sd14", summary(dir.resolve("demo")).get("backbone").getAsString());
    }

    /** run per-image: ours over the varying passes, the baselines on the first pass's final layer (the last up-block attn1). */
    @Test
    void perImageRunsOursAndTheBaselines() throws Exception {
        Path weights = TinyStableDiffusion.pipeline(dir);
        Path data = org.pathways.data.SampleVoc.write(dir.resolve("voc"), 1, 1);
        Path out = dir.resolve("run");
        CliTest.Run r = CliTest.run("run", "per-image", "--data", data.toString(), "--backbone", "sd14", "--weights", weights.toString(),
                "--methods", "ours,ncut-attention,tokencut-features", "--steps", "20", "--eigs", "4", "--k-max", "3", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        String rows = Files.readString(out.resolve("per-image.csv"));
        for (String method : new String[] {"ours", "ncut-attention", "tokencut-features"}) assertTrue(rows.contains("," + method + ","), rows);
        assertTrue(Files.readString(out.resolve("run.json")).contains("\"sdBuffer\": 5"), "the SD options are part of the run's config");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
