package org.pathways.fuzz;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.pathways.model.VisionTransformer;

/** A Hugging Face ViT config.json under corruption: wrong types, out-of-range sizes, duplicate keys, NaN, cut text. */
@AddLifecycleHook(FuzzBudget.class)
class ConfigFuzz {
    static final String DINO_VITS16 = "{\"architectures\": [\"ViTModel\"], \"attention_probs_dropout_prob\": 0.0, \"hidden_act\": \"gelu\", "
            + "\"hidden_dropout_prob\": 0.0, \"hidden_size\": 384, \"image_size\": 224, \"initializer_range\": 0.02, \"intermediate_size\": 1536, "
            + "\"layer_norm_eps\": 1e-06, \"model_type\": \"vit\", \"num_attention_heads\": 6, \"num_channels\": 3, \"num_hidden_layers\": 12, "
            + "\"patch_size\": 16, \"qkv_bias\": true, \"torch_dtype\": \"float32\", \"transformers_version\": \"4.26.0\"}";

    static VisionTransformer.Config readVit(Path file) {
        return VisionTransformer.PRESETS.get("dino-vits16").withHuggingFace(file, warning -> {
            if (warning.contains("\n")) throw new AssertionError("a warning of two lines: " + warning);
        });
    }

    /** A model that can be built: positive sizes, heads that divide the width, a positive finite epsilon. */
    static String sane(VisionTransformer.Config c) {
        boolean ok = c.patch() > 0 && c.dim() > 0 && c.depth() > 0 && c.heads() > 0 && c.dim() % c.heads() == 0 && c.hidden() > 0
                && c.layerNormEps() > 0 && Double.isFinite(c.layerNormEps());
        return ok ? null : "accepted a config no model can have: " + c;
    }

    @Provide
    Arbitrary<List<Mutation>> textEdits() {
        return Mutation.text().list().ofMaxSize(3);
    }

    @Provide
    Arbitrary<List<Mutation>> byteEdits() {
        return Mutation.bytes(0, 1, 100, 200, 300, 400, 500).list().ofMaxSize(2);
    }

    @Property
    void vitConfigIsReadOrRefusedInOneLine(@ForAll("textEdits") List<Mutation> textEdits, @ForAll("byteEdits") List<Mutation> byteEdits) {
        byte[] bytes = Mutation.applyAll(Mutation.applyAll(DINO_VITS16.getBytes(StandardCharsets.UTF_8), textEdits), byteEdits);
        Path file = Scratch.write("config.json", bytes);
        try {
            Contract.check("vit-config", file, () -> readVit(file), ConfigFuzz::sane);
        } finally {
            Scratch.delete(file);
        }
    }
}
