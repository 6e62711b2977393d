package org.pathways.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.data.NdData;
import org.pathways.data.Npy;
import org.pathways.testing.Golden;

/**
 * {@code inspect --backbone sd-unet|sd-vae} on the golden diffusers folders as they are: the written taps against
 * diffusers' (a leading batch dimension of 1 added to the golden captures), and one-line errors.
 */
class InspectDiffusersTest {
    @TempDir
    Path dir;

    /** The golden array (a per-module capture: with a leading 1 added), against what inspect wrote. */
    private static void assertSame(Path written, String golden, double atol) throws Exception {
        assertSame(written, golden, atol, golden.startsWith("unet_attn/"));
    }

    private static void assertSame(Path written, String golden, double atol, boolean addBatch) throws Exception {
        NdData got = Npy.read(written);
        NdData expected = Npy.read(Golden.dir("sd").resolve(golden));
        int[] shape = addBatch ? prepend(expected.shape()) : expected.shape();
        assertArrayEquals(shape, got.shape(), written.toString());
        double worst = 0;
        for (int i = 0; i < got.size(); i++) worst = Math.max(worst, Math.abs(got.values()[i] - expected.values()[i]));
        Golden.record("inspect sd " + golden, worst, atol);
        assertTrue(worst <= atol, written + ": max |diff| " + worst);
    }

    private static int[] prepend(int[] shape) {
        int[] out = new int[shape.length + 1];
        out[0] = 1;
        System.arraycopy(shape, 0, out, 1, shape.length);
        return out;
    }

    @Test
    void unetTapsAsDiffusersNamesThem() throws Exception {
        Path sd = Golden.dir("sd");
        Path out = dir.resolve("unet");
        CliTest.Run r = CliTest.run("inspect", "--backbone", "sd-unet", "--weights", sd.resolve("unet").toString(),
                "--tensor", sd.resolve("unet_io/sample.npy").toString(), "--timestep", "137", "--context", sd.resolve("unet_io/encoder_hidden_states.npy").toString(),
                "--taps", "down_blocks.0.attentions.0.transformer_blocks.0.attn1.probs,mid_block.**.attn2.k,conv_out", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertSame(out.resolve("down_blocks.0.attentions.0.transformer_blocks.0.attn1.probs.npy"), "unet_attn/00_probs.npy", 1e-5);
        assertSame(out.resolve("mid_block.attentions.0.transformer_blocks.0.attn2.k.npy"), "unet_attn/03_k.npy", 2e-5);
        assertSame(out.resolve("conv_out.npy"), "unet_io/unet_out.npy", 5e-6);
    }

    @Test
    void vaeFromTheLegacyKeysToo() throws Exception {
        Path sd = Golden.dir("sd");
        for (String weights : new String[] {"vae", "vae_legacy"}) {
            Path out = dir.resolve(weights);
            CliTest.Run r = CliTest.run("inspect", "--backbone", "sd-vae", "--weights", sd.resolve(weights).toString(),
                    "--tensor", sd.resolve("vae_io/image.npy").toString(), "--taps", "posterior_*", "--out", out.toString());
            assertEquals(0, r.code(), r.err());
            assertSame(out.resolve("posterior_mean.npy"), "vae_io/posterior_mean.npy", 5e-6);
            assertSame(out.resolve("posterior_logvar.npy"), "vae_io/posterior_logvar.npy", 5e-6);
        }
    }

    @Test
    void sdTextEncoderFromIdsWithEitherKeyLayout() throws Exception {
        Path sd = Golden.dir("sd");
        String[][] layouts = {{sd.resolve("text_encoder").toString()}, {sd.resolve("text_encoder/model_tf5_noprefix.safetensors").toString(), sd.resolve("text_encoder/config.json").toString()}};
        for (String[] layout : layouts) {
            Path out = dir.resolve("text" + layout.length);
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("inspect", "--backbone", "sd-text", "--weights", layout[0]));
            if (layout.length > 1) args.addAll(java.util.List.of("--config", layout[1]));
            args.addAll(java.util.List.of("--input-ids", sd.resolve("text_io/input_ids.npy").toString(), "--taps", "text.final,text.pooled,text.blocks.0.out", "--out", out.toString()));
            CliTest.Run r = CliTest.run(args.toArray(new String[0]));
            assertEquals(0, r.code(), r.err());
            assertSame(out.resolve("text.final.npy"), "text_io/last_hidden_state.npy", 5e-6);
            assertSame(out.resolve("text.pooled.npy"), "text_io/pooler_output.npy", 5e-6);
            assertSame(out.resolve("text.blocks.0.out.npy"), "text_io/hidden_states_1.npy", 5e-6);
        }
        CliTest.assertBadInput(CliTest.run("inspect", "--backbone", "dino-vits16", "--text", "a cat", "--taps", "x", "--out", dir.toString()), "text tower");
    }

    @Test
    void badInputIsOneLine() throws Exception {
        Path sd = Golden.dir("sd");
        String sample = sd.resolve("unet_io/sample.npy").toString();
        String context = sd.resolve("unet_io/encoder_hidden_states.npy").toString();
        CliTest.assertBadInput(CliTest.run("inspect", "--backbone", "sd-vae", "--weights", sd.resolve("unet").toString(),
                "--tensor", sd.resolve("vae_io/image.npy").toString(), "--taps", "posterior_mean", "--out", dir.toString()), "unet");
        CliTest.assertBadInput(CliTest.run("inspect", "--backbone", "sd-unet", "--weights", sd.resolve("unet").toString(),
                "--tensor", sample, "--context", context, "--taps", "conv_out", "--out", dir.toString()), "--timestep");
        Path wide = dir.resolve("wide.npy");
        Npy.writeFloat32(wide, new int[] {1, 77, 48}, new double[77 * 48]);
        CliTest.assertBadInput(CliTest.run("inspect", "--backbone", "sd-unet", "--weights", sd.resolve("unet").toString(),
                "--tensor", sample, "--timestep", "137", "--context", wide.toString(), "--taps", "conv_out", "--out", dir.toString()), "48");
        CliTest.assertBadInput(CliTest.run("inspect", "--backbone", "sd-unet", "--weights", dir.resolve("nowhere").toString(),
                "--tensor", sample, "--timestep", "137", "--context", context, "--taps", "conv_out", "--out", dir.toString()), "nowhere");
    }
}
