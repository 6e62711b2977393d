package org.pathways.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pathways.data.NdData;
import org.pathways.testing.Golden;
import static org.pathways.testing.TapAssert.compare;
import static org.pathways.testing.TapAssert.shape;

/** The DINO-layout ViT against timm on a tiny random checkpoint (golden/models/timm_dino_vit, DINO resampling). */
class GoldenVisionTransformerTest {
    static final VisionTransformer.Config TINY = new VisionTransformer.Config("tiny-dino", 16, 64, 3, 4, 4, 1e-6,
            new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f}, PositionalEmbedding.Mode.DINO);

    @ParameterizedTest
    @ValueSource(strings = {"64x64", "80x112", "32x96"})
    void everyTapMatchesTimm(String size) {
        String base = "models/timm_dino_vit";
        NdData image = Golden.npy(base + "/inputs", "image_" + size);
        try (NDManager m = NDManager.newBaseManager();
             VisionTransformer vit = VisionTransformer.load(m, TINY, Golden.dir(base).resolve("weights.safetensors"))) {
            Taps taps = new Taps(m, "**");
            NDArray x = m.create(image.asFloats(), shape(image));
            vit.forward(x, taps);
            Map<String, NDArray> got = taps.captured();
            String dir = base + "/" + size + "/dino_interp";
            compare(got, "pos_embed", dir, "pos_embed", 2e-5);
            compare(got, "patch_embed", dir, "patch_embed", 1e-4);
            compare(got, "embed", dir, "tokens_in", 1e-4);
            for (int i = 0; i < 3; i++) {
                for (String t : new String[] {"q", "k", "v", "logits"}) compare(got, "blocks." + i + ".attn." + t, dir, "block" + i + "_" + t, 1e-4);
                compare(got, "blocks." + i + ".attn.probs", dir, "block" + i + "_probs", 1e-5);
                compare(got, "blocks." + i + ".attn.patch_probs", dir, "block" + i + "_patch_probs", 1e-5);
                compare(got, "blocks." + i + ".out", dir, "block" + i + "_out", 1e-4);
            }
            compare(got, "final", dir, "final_norm", 1e-4);
        }
    }


    @ParameterizedTest
    @ValueSource(strings = {"blocks.*.attn.patch_probs"})
    void onlyRequestedTapsAreKept(String pattern) {
        try (NDManager m = NDManager.newBaseManager();
             VisionTransformer vit = VisionTransformer.load(m, TINY, Golden.dir("models/timm_dino_vit").resolve("weights.safetensors"))) {
            Taps taps = new Taps(m, pattern);
            vit.forward(m.randomUniform(0, 1, new Shape(1, 3, 48, 64)), taps);
            assertEquals(java.util.List.of("blocks.0.attn.patch_probs", "blocks.1.attn.patch_probs", "blocks.2.attn.patch_probs"),
                    new java.util.ArrayList<>(taps.captured().keySet()));
            float[] probs = taps.captured().get("blocks.0.attn.patch_probs").toFloatArray();
            int n = 12;
            for (int row = 0; row < 4 * n; row++) {
                double s = 0;
                for (int j = 0; j < n; j++) s += probs[row * n + j];
                assertEquals(1.0, s, 1e-5, "attention rows sum to 1");
            }
        }
    }
}
