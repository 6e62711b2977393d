package org.pathways.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.data.NdData;
import org.pathways.testing.Golden;
import org.pathways.testing.TapAssert;

/** The full-size configs through the same code as the tiny golden one, and the linear-projection variant. */
class UnetConfigTest {
    @TempDir
    Path dir;

    /** CompVis/stable-diffusion-v1-4 unet/config.json (the fields that matter), as the library's preset carries it. */
    static final String SD14 = Unet.Config.SD14_JSON;

    static long parameters(Map<String, long[]> shapes) {
        long n = 0;
        for (long[] s : shapes.values()) {
            long k = 1;
            for (long d : s) k *= d;
            n += k;
        }
        return n;
    }

    @Test
    void sd14HasItsParameterCountAndEightHeads() throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, SD14);
        Unet.Config c = Unet.Config.fromJson(file);
        assertArrayEquals(new int[] {8, 8, 8, 8}, c.heads()); // attention_head_dim is the number of heads in SD 1.x
        Map<String, long[]> shapes = Unet.expectedShapes(c);
        assertEquals(686, shapes.size());
        assertEquals(859_520_964L, parameters(shapes)); // SD 1.x UNet: 859.52 M parameters
        assertArrayEquals(new long[] {1280, 2560, 3, 3}, shapes.get("up_blocks.0.resnets.0.conv1.weight"));
        assertArrayEquals(new long[] {320, 960, 3, 3}, shapes.get("up_blocks.3.resnets.0.conv1.weight"));
        assertArrayEquals(new long[] {640, 768}, shapes.get("down_blocks.1.attentions.0.transformer_blocks.0.attn2.to_k.weight"));
    }

    /** use_linear_projection: a Linear on tokens equals a 1x1 conv, so the tiny checkpoint reshaped must give the same output. */
    @Test
    void linearProjectionMatchesTheConvolution() throws Exception {
        Path unetDir = Golden.dir("sd/unet");
        Map<String, SafeTensors.Tensor> tensors = SafeTensors.read(unetDir.resolve("diffusion_pytorch_model.safetensors"));
        Map<String, SafeTensors.Tensor> linear = new LinkedHashMap<>();
        for (SafeTensors.Tensor t : tensors.values()) {
            boolean projection = (t.name().endsWith("proj_in.weight") || t.name().endsWith("proj_out.weight")) && t.shape().length == 4;
            linear.put(t.name(), projection ? new SafeTensors.Tensor(t.name(), t.dtype(), new long[] {t.shape()[0], t.shape()[1]}, t.values()) : t);
        }
        String config = Files.readString(unetDir.resolve("config.json")).replace("\"use_linear_projection\": false", "\"use_linear_projection\": true");
        Files.writeString(dir.resolve("config.json"), config);
        Unet.Config linearConfig = Unet.Config.fromJson(dir.resolve("config.json"));
        NdData sample = Golden.npy("sd/unet_io", "sample");
        NdData context = Golden.npy("sd/unet_io", "encoder_hidden_states");
        try (NDManager m = NDManager.newBaseManager();
             Unet conv = Unet.load(m, unetDir, null);
             Unet lin = Unet.fromTensors(m, linearConfig, linear, "linear copy")) {
            NDArray x = m.create(sample.asFloats(), TapAssert.shape(sample));
            NDArray ctx = m.create(context.asFloats(), TapAssert.shape(context));
            NDArray a = conv.forward(x, 137, ctx, new Taps(m));
            NDArray b = lin.forward(x, 137, ctx, new Taps(m));
            double diff = a.sub(b).abs().max().getFloat();
            Golden.record("sd/unet use_linear_projection vs 1x1 conv", diff, 2e-6);
            assertEquals(0, diff, 2e-6); // measured 1.1e-6 (a matmul instead of a convolution kernel)
        }
    }
}
