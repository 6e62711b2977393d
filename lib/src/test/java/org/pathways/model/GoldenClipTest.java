package org.pathways.model;


import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pathways.data.NdData;
import org.pathways.testing.Golden;
import static org.pathways.testing.TapAssert.compare;
import static org.pathways.testing.TapAssert.compareLayers;
import static org.pathways.testing.TapAssert.shape;

/** CLIP image and text towers against Hugging Face transformers on a tiny random CLIPModel (golden/models/hf_clip). */
class GoldenClipTest {
    private static final String BASE = "models/hf_clip";

    private static Clip load(NDManager m) {
        Path model = Golden.dir(BASE + "/hf_model");
        return Clip.load(m, Clip.Config.fromHuggingFace("tiny-clip", model.resolve("config.json")), model.resolve("model.safetensors"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"64x64", "80x112", "32x96"})
    void imageTowerMatchesTransformers(String size) {
        NdData image = Golden.npy(BASE + "/inputs", "image_" + size);
        try (NDManager m = NDManager.newBaseManager(); Clip clip = load(m)) {
            Taps taps = new Taps(m, "**");
            clip.encodeImage(m.create(image.asFloats(), shape(image)), taps);
            Map<String, NDArray> got = taps.captured();
            String dir = BASE + "/vision_" + size;
            compare(got, "pos_embed", dir, "pos_embed", 2e-5);
            compare(got, "embed", dir, "embeddings", 1e-4);
            compare(got, "pre_norm", dir, "pre_layrnorm_out", 1e-4);
            compareLayers(got, "blocks.", dir, "layer", 3, true);
            compare(got, "final", dir, "last_hidden_state", 1e-4);
            compare(got, "pooled", dir, "pooler_output", 1e-4);
            compare(got, "image_embeds", dir, "image_embeds", 1e-4);
        }
    }

    @Test
    void textTowerMatchesTransformers() {
        int[] ids = Golden.npy(BASE + "/inputs", "text_input_ids").asInts();
        int[] mask = Golden.npy(BASE + "/inputs", "text_attention_mask").asInts();
        int[][] idRows = {java.util.Arrays.copyOfRange(ids, 0, 6), java.util.Arrays.copyOfRange(ids, 6, 12)};
        int[][] maskRows = {java.util.Arrays.copyOfRange(mask, 0, 6), java.util.Arrays.copyOfRange(mask, 6, 12)};
        try (NDManager m = NDManager.newBaseManager(); Clip clip = load(m)) {
            Taps taps = new Taps(m, "**");
            clip.encodeText(idRows, maskRows, taps);
            Map<String, NDArray> got = taps.captured();
            String dir = BASE + "/text";
            compare(got, "text.embed", dir, "embeddings", 1e-4);
            compareLayers(got, "text.blocks.", dir, "layer", 2, false);
            compare(got, "text.final", dir, "last_hidden_state", 1e-4);
            compare(got, "text.pooled", dir, "pooler_output", 1e-4);
            compare(got, "text_embeds", dir, "text_embeds", 1e-4);
            double scale = clip.logitScale();
            Golden.assertClose("hf_clip logit_scale", Math.exp(Golden.npy(BASE, "logit_scale").values()[0]), scale, 1e-5);
        }
    }

}
