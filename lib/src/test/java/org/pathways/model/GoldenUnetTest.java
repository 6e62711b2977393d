package org.pathways.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pathways.data.NdData;
import org.pathways.testing.Golden;
import org.pathways.testing.TapAssert;

/**
 * The SD-1.x UNet against diffusers' UNet2DConditionModel on the tiny random checkpoint of golden/sd (README there):
 * every attention capture (x, q, k, v, probs, out of all 8 modules), every block output and the UNet output.
 *
 * <p>Measured max |diff| (CPU, float32): attention x 6.6e-6, q 9.6e-6, k 9.1e-6, v 3.2e-6 (cross-attention k, v: 0),
 * probs 5.1e-6 (up_blocks.1 attn2; 1.1e-6 in down_blocks.0), out 5.3e-6; time_proj 3.0e-8, time_embedding 6.0e-8;
 * conv_in 0, down blocks 1.1e-6, mid_block 3.5e-6, up blocks 2.7e-6, conv_norm_out 5.2e-6, conv_out 1.7e-6; the
 * returned output vs unet_out (diffusers' SDPA path) 1.4e-6. Tolerances: 1e-5 on probs, 2e-5 on x/q/k/v/out, 1e-6 on
 * the time embeddings, 1.5e-5 on block outputs, 5e-6 on the output.
 */
class GoldenUnetTest {
    static final String IO = "sd/unet_io";

    /** Compares a tap (1, ...) with a golden array (...) or (1, ...): the golden shape with a leading batch dim of 1. */
    static void compare(Map<String, NDArray> got, String tap, String dir, String file, double atol) {
        NdData expected = Golden.npy(dir, file);
        NDArray actual = got.get(tap);
        assertTrue(actual != null, "tap " + tap + " was not captured");
        long[] want = TapAssert.shape(expected).getShape();
        if (want.length == 0 || want[0] != 1 || want.length < actual.getShape().dimension()) {
            long[] batched = new long[want.length + 1];
            batched[0] = 1;
            System.arraycopy(want, 0, batched, 1, want.length);
            want = batched;
        }
        assertArrayEquals(want, actual.getShape().getShape(), tap + " shape");
        float[] a = actual.toFloatArray();
        double[] mine = new double[a.length];
        for (int i = 0; i < a.length; i++) mine[i] = a[i];
        Golden.assertCloseAbs("golden/" + dir + "/" + file + " vs " + tap, expected.values(), mine, atol);
    }

    @Test
    void everyAttentionAndBlockMatchesDiffusers() throws Exception {
        NdData sample = Golden.npy(IO, "sample");
        NdData context = Golden.npy(IO, "encoder_hidden_states");
        int timestep = (int) Golden.npy(IO, "timestep").values()[0];
        try (NDManager m = NDManager.newBaseManager(); Unet unet = Unet.load(m, Golden.dir("sd/unet"), null)) {
            Taps taps = new Taps(m, "**");
            NDArray out = unet.forward(m.create(sample.asFloats(), TapAssert.shape(sample)), timestep,
                    m.create(context.asFloats(), TapAssert.shape(context)), taps);
            Map<String, NDArray> got = taps.captured();

            JsonObject order = JsonParser.parseString(Files.readString(Golden.dir("sd/unet_attn").resolve("forward_order.json"))).getAsJsonObject();
            int modules = 0;
            for (JsonElement e : order.getAsJsonArray("modules")) {
                JsonObject module = e.getAsJsonObject();
                String name = module.get("module").getAsString();
                for (Map.Entry<String, JsonElement> f : module.getAsJsonObject("files").entrySet()) {
                    String file = f.getValue().getAsJsonObject().get("file").getAsString().replace(".npy", "");
                    compare(got, name + "." + f.getKey(), "sd/unet_attn", file, f.getKey().equals("probs") ? 1e-5 : 2e-5);
                }
                modules++;
            }
            assertTrue(modules == 8, modules + " attention modules in forward_order.json");

            String[] blocks = {"time_proj", "time_embedding", "conv_in", "down_blocks.0", "down_blocks.1", "mid_block", "up_blocks.0",
                    "up_blocks.1", "conv_norm_out", "conv_out"};
            for (int i = 0; i < blocks.length; i++) {
                compare(got, blocks[i], IO + "/intermediates", String.format("%02d_%s", i, blocks[i]), i < 2 ? 1e-6 : 1.5e-5);
            }
            compare(Map.of("output", out), "output", IO, "unet_out", 5e-6);
        }
    }

    /** Latents of other shapes: non-square, and odd sizes (the up path resamples to each skip's size, as diffusers does). */
    @Test
    void nonSquareAndOddLatentsRun() {
        NdData context = Golden.npy(IO, "encoder_hidden_states");
        try (NDManager m = NDManager.newBaseManager(); Unet unet = Unet.load(m, Golden.dir("sd/unet").resolve("diffusion_pytorch_model.safetensors"), null)) {
            for (long[] size : new long[][] {{12, 20}, {7, 10}}) {
                NDArray sample = m.randomNormal(new Shape(1, 4, size[0], size[1]));
                Taps taps = new Taps(m, "down_blocks.0", "up_blocks.0", "**.attn1.probs");
                NDArray out = unet.forward(sample, 137, m.create(context.asFloats(), TapAssert.shape(context)), taps);
                assertArrayEquals(new long[] {1, 4, size[0], size[1]}, out.getShape().getShape());
                long half = (size[0] + 1) / 2 * ((size[1] + 1) / 2);
                assertArrayEquals(new long[] {1, 2, half, half}, taps.captured().get("mid_block.attentions.0.transformer_blocks.0.attn1.probs").getShape().getShape());
                assertArrayEquals(new long[] {1, 32, (size[0] + 1) / 2, (size[1] + 1) / 2}, taps.captured().get("down_blocks.0").getShape().getShape());
                assertArrayEquals(new long[] {1, 64, size[0], size[1]}, taps.captured().get("up_blocks.0").getShape().getShape());
                assertTrue(Float.isFinite(out.sum().getFloat()));
            }
        }
    }
}
