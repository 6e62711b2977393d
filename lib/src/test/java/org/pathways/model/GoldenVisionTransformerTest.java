package org.pathways.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pathways.data.NdData;
import org.pathways.testing.Golden;
import static org.pathways.testing.TapAssert.compare;
import static org.pathways.testing.TapAssert.compareLayers;
import static org.pathways.testing.TapAssert.shape;

/** The DINO-layout ViT against timm on a tiny random checkpoint (golden/models/timm_dino_vit, DINO resampling). */
class GoldenVisionTransformerTest {
    static final VisionTransformer.Config TINY = new VisionTransformer.Config("tiny-dino", 16, 64, 3, 4, 4, 1e-6,
            new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f}, PositionalEmbedding.Mode.DINO);

    @ParameterizedTest
    @ValueSource(strings = {"64x64/dino_interp", "80x112/dino_interp", "32x96/dino_interp", "64x64/timm_resample", "80x112/timm_resample", "32x96/timm_resample"})
    void everyTapMatchesTimm(String sizeAndMethod) {
        String base = "models/timm_dino_vit";
        String size = sizeAndMethod.split("/")[0];
        PositionalEmbedding.Mode mode = sizeAndMethod.endsWith("dino_interp") ? PositionalEmbedding.Mode.DINO : PositionalEmbedding.Mode.TIMM_ANTIALIAS;
        VisionTransformer.Config config = new VisionTransformer.Config("tiny-dino", 16, 64, 3, 4, 4, 1e-6, TINY.mean(), TINY.std(), mode);
        NdData image = Golden.npy(base + "/inputs", "image_" + size);
        try (NDManager m = NDManager.newBaseManager();
             VisionTransformer vit = VisionTransformer.load(m, config, Golden.dir(base).resolve("weights.safetensors"))) {
            Taps taps = new Taps(m, "**");
            NDArray x = m.create(image.asFloats(), shape(image));
            vit.forward(x, taps);
            Map<String, NDArray> got = taps.captured();
            String dir = base + "/" + sizeAndMethod;
            compare(got, "pos_embed", dir, "pos_embed", 2e-5);
            compare(got, "patch_embed", dir, "patch_embed", 1e-4);
            compare(got, "embed", dir, "tokens_in", 1e-4);
            compareLayers(got, "blocks.", dir, "block", 3, true);
            compare(got, "final", dir, "final_norm", 1e-4);
        }
    }


    /** HF ViTMAEModel (no masking): the same ViT with eps 1e-12, HF key names and size-based resampling. */
    @ParameterizedTest
    @ValueSource(strings = {"64x64", "80x112"})
    void maeMatchesTransformers(String size) {
        String base = "models/hf_vitmae";
        VisionTransformer.Config config = new VisionTransformer.Config("tiny-mae", 16, 64, 2, 4, 4, 1e-12, TINY.mean(), TINY.std(), PositionalEmbedding.Mode.SIZE);
        NdData image = Golden.npy(base + "/inputs", "image_" + size);
        try (NDManager m = NDManager.newBaseManager();
             VisionTransformer vit = VisionTransformer.load(m, config, Golden.dir(base + "/hf_model").resolve("model.safetensors"))) {
            Taps taps = new Taps(m, "**");
            vit.forward(m.create(image.asFloats(), shape(image)), taps);
            Map<String, NDArray> got = taps.captured();
            String dir = base + "/" + size;
            compare(got, "pos_embed", dir, "pos_embed", 2e-5);
            compare(got, "embed", dir, "embeddings", 1e-4);
            compareLayers(got, "blocks.", dir, "layer", 2, true);
            compare(got, "final", dir, "last_hidden_state", 1e-4);
        }
    }

    @org.junit.jupiter.api.Test
    void maeSinCosTableIsTheCheckpointsFixedTable() {
        NdData pos = Golden.npy("models/hf_vitmae/64x64", "pos_embed"); // (1, 17, 64): CLS row 0, then the 4 x 4 table
        float[] ours = PositionalEmbedding.sinCos(64, 4, 4);
        double worst = 0;
        for (int i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i] - pos.values()[64 + i]));
        Golden.record("models/hf_vitmae sin-cos table", worst, 1e-6);
        assertTrue(worst <= 1e-6, "max |diff| " + worst);
    }
}
