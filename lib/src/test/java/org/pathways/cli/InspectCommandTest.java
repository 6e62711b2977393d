package org.pathways.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.data.NdData;
import org.pathways.data.Npy;
import org.pathways.testing.Golden;
import picocli.CommandLine;

/** `inspect` writes taps as .npy with the reference's names and shapes (golden tiny DINO and CLIP, via --config). */
class InspectCommandTest {
    @TempDir
    Path dir;

    private int run(StringWriter err, String... args) {
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    private static void assertSame(Path written, String goldenDir, String goldenFile, double atol) throws Exception {
        NdData got = Npy.read(written);
        NdData expected = Golden.npy(goldenDir, goldenFile);
        assertArrayEquals(expected.shape(), got.shape(), written.toString());
        double worst = 0;
        for (int i = 0; i < got.size(); i++) worst = Math.max(worst, Math.abs(got.values()[i] - expected.values()[i]));
        Golden.record("inspect " + goldenDir + "/" + goldenFile, worst, atol);
        assertTrue(worst <= atol, written + ": max |diff| " + worst);
    }

    @Test
    void dinoLayoutWithAConfigFileAndATensor() throws Exception {
        Path config = dir.resolve("config.json");
        Files.writeString(config, "{\"hidden_size\": 64, \"num_hidden_layers\": 3, \"num_attention_heads\": 4, \"intermediate_size\": 256,"
                + " \"patch_size\": 16, \"layer_norm_eps\": 1e-6, \"hidden_act\": \"gelu\"}");
        Path base = Golden.dir("models/timm_dino_vit");
        Path out = dir.resolve("out");
        StringWriter err = new StringWriter();
        int code = run(err, "inspect", "--backbone", "dino-vits16", "--config", config.toString(), "--weights", base.resolve("weights.safetensors").toString(),
                "--tensor", base.resolve("inputs/image_80x112.npy").toString(), "--taps", "blocks.*.attn.patch_probs,final,pooled", "--out", out.toString());
        assertEquals(0, code, err.toString());
        for (int i = 0; i < 3; i++) assertSame(out.resolve("blocks." + i + ".attn.patch_probs.npy"), "models/timm_dino_vit/80x112/dino_interp", "block" + i + "_patch_probs", 1e-5);
        assertSame(out.resolve("final.npy"), "models/timm_dino_vit/80x112/dino_interp", "final_norm", 1e-4);
        assertTrue(!Files.exists(out.resolve("blocks.0.attn.q.npy")), "only requested taps are written");
        assertArrayEquals(new int[] {1, 64}, Npy.read(out.resolve("pooled.npy")).shape());
        // the same tensor with timm's antialiased resampling matches timm's own run
        Path timm = dir.resolve("timm");
        assertEquals(0, run(new StringWriter(), "inspect", "--backbone", "dino-vits16", "--config", config.toString(), "--weights", base.resolve("weights.safetensors").toString(),
                "--tensor", base.resolve("inputs/image_80x112.npy").toString(), "--taps", "final", "--pos-embed", "timm", "--out", timm.toString()));
        assertSame(timm.resolve("final.npy"), "models/timm_dino_vit/80x112/timm_resample", "final_norm", 1e-4);
    }

    @Test
    void clipImageTower() throws Exception {
        Path model = Golden.dir("models/hf_clip/hf_model");
        Path out = dir.resolve("clip");
        StringWriter err = new StringWriter();
        int code = run(err, "inspect", "--backbone", "clip-vitb16", "--config", model.resolve("config.json").toString(), "--weights", model.resolve("model.safetensors").toString(),
                "--tensor", Golden.dir("models/hf_clip/inputs").resolve("image_32x96.npy").toString(), "--taps", "image_embeds,blocks.2.attn.probs", "--out", out.toString());
        assertEquals(0, code, err.toString());
        assertSame(out.resolve("image_embeds.npy"), "models/hf_clip/vision_32x96", "image_embeds", 1e-4);
        assertSame(out.resolve("blocks.2.attn.probs.npy"), "models/hf_clip/vision_32x96", "layer2_probs", 1e-5);
    }

    @Test
    void badInputIsOneLineAndStatusTwo() throws Exception {
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, "inspect", "--backbone", "dino-vits16", "--weights", dir.resolve("none.safetensors").toString(), "--tensor", "x.npy", "--taps", "final"));
        assertTrue(err.toString().contains("none.safetensors"), err.toString());
        err = new StringWriter();
        assertEquals(2, run(err, "inspect", "--backbone", "vit-huge", "--tensor", "x.npy", "--taps", "final"));
        assertTrue(err.toString().contains("unknown backbone 'vit-huge'"), err.toString());
        err = new StringWriter();
        assertEquals(2, run(err, "inspect", "--backbone", "dino-vits16", "--taps", "final"));
    }
}
