package org.pathways.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.pathways.common.InvalidInputException;

/**
 * CLIP (Hugging Face {@code CLIPModel} layout): the image tower and the text tower with their projections into the
 * joint space, read top to bottom.
 *
 * <p>Image tower: [class_embedding; conv patches (no bias)] + position embeddings (resampled by target size, bicubic,
 * no antialias, as transformers does) -> {@code pre_layrnorm} -> pre-norm blocks with separate q/k/v projections
 * and quick_gelu -> last hidden state (not post-normed) -> {@code post_layernorm} of the CLS token (pooled) ->
 * visual projection (image_embeds). Taps: {@code embed}, {@code pos_embed}, {@code pre_norm},
 * {@code blocks.i.attn.q|k|v|logits|probs|patch_probs}, {@code blocks.i.out}, {@code final}, {@code pooled},
 * {@code image_embeds}, and MaskCLIP's dense features {@link #DENSE_EMBEDS} and {@link #DENSE_EMBEDS_VALUE_ONLY}.
 *
 * <p>Text tower: {@link TextEncoder} run with the padding mask (causal and padding-masked blocks -> final layer
 * norm -> the end marker's state, pooled), then the text projection. Taps: {@code text.embed},
 * {@code text.blocks.i.attn.*}, {@code text.blocks.i.out}, {@code text.final}, {@code text.pooled},
 * {@code text_embeds}.
 */
public final class Clip implements ImageTower {

    /**
     * Tap: MaskCLIP's dense features (Zhou et al., ECCV 2022; the paper's App. D.1 takes its pixel features "similar
     * to MaskCLIP"), (1, h*w, projectionDim), CLS dropped. MaskCLIP runs the last block with the attention replaced
     * by the identity (mmseg/models/backbones/vit.py, TransformerEncoderLayer.forward with return_qkv, at commit
     * 245d31f of github.com/chongzhou96/MaskCLIP): v = out_proj(v_proj(ln1(x))); v = v + x; v = v + mlp(ln2(v)); then the
     * final norm (post_layernorm) and the visual projection (its MaskClipHead's 1x1 {@code proj}).
     */
    public static final String DENSE_EMBEDS = "dense_embeds";

    /**
     * Tap: the value-only variant, (1, h*w, projectionDim): post_layernorm(out_proj(v_proj(ln1(x)))) through the visual
     * projection, without MaskCLIP's residual and MLP (what Pathways used before it followed MaskCLIP's chain).
     */
    public static final String DENSE_EMBEDS_VALUE_ONLY = "dense_embeds_value_only";

    /** One tower's sizes. */
    public record Tower(int dim, int depth, int heads, int hidden, double layerNormEps) {}

    /** Both towers; {@code eosTokenId} pools the text (see {@link TextEncoder}: the first position holding it; 2 = the largest id). */
    public record Config(String name, int patch, int imageSize, Tower vision, Tower text, int vocab, int maxPositions,
                         int eosTokenId, int projectionDim) {
        public static Config fromHuggingFace(String name, Path configJson) {
            try {
                JsonObject c = org.pathways.common.JsonFiles.readObject(configJson);
                JsonObject v = c.getAsJsonObject("vision_config");
                JsonObject t = c.getAsJsonObject("text_config");
                if (v == null || t == null) throw new InvalidInputException(configJson + ": not a CLIP config (no vision_config / text_config)");
                return new Config(name, v.get("patch_size").getAsInt(), v.get("image_size").getAsInt(), tower(v), tower(t),
                        t.get("vocab_size").getAsInt(), t.get("max_position_embeddings").getAsInt(), t.get("eos_token_id").getAsInt(),
                        c.get("projection_dim").getAsInt());
            } catch (RuntimeException e) {
                if (e instanceof InvalidInputException ie) throw ie;
                throw new InvalidInputException(configJson + ": unreadable CLIP config (" + e.getMessage() + ")", e);
            }
        }

        /** The text tower's part of this config. */
        public TextEncoder.Config textEncoder() {
            return new TextEncoder.Config(text, vocab, maxPositions, eosTokenId);
        }

        static Tower tower(JsonObject o) {
            if (o.has("hidden_act") && !o.get("hidden_act").getAsString().equals("quick_gelu")) {
                throw new InvalidInputException("CLIP config: hidden_act " + o.get("hidden_act") + " is not supported (quick_gelu)");
            }
            return new Tower(o.get("hidden_size").getAsInt(), o.get("num_hidden_layers").getAsInt(), o.get("num_attention_heads").getAsInt(),
                    o.get("intermediate_size").getAsInt(), o.has("layer_norm_eps") ? o.get("layer_norm_eps").getAsDouble() : 1e-5);
        }
    }

    /** openai/clip-vit-base-patch16. EOS 49407 (the largest id, so first-EOS and argmax pooling agree). */
    public static final Config CLIP_VITB16 = new Config("clip-vitb16", 16, 224, new Tower(768, 12, 12, 3072, 1e-5),
            new Tower(512, 12, 8, 2048, 1e-5), 49408, 77, 49407, 512);

    public static final float[] MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    public static final float[] STD = {0.26862954f, 0.26130258f, 0.27577711f};

    private final Config config;
    private final NDManager manager;
    private final Map<String, NDArray> weights = new HashMap<>();
    private final TextEncoder text; // shares this model's weights and manager
    private final int grid;

    private Clip(Config config, NDManager manager) {
        this.config = config;
        this.manager = manager;
        this.text = new TextEncoder(config.textEncoder(), manager, weights);
        this.grid = config.imageSize() / config.patch();
    }

    /** Loads a Hugging Face CLIPModel checkpoint, checking every key the towers use and its shape. */
    public static Clip load(NDManager parent, Config config, Path file) {
        Map<String, SafeTensors.Tensor> raw = SafeTensors.read(file);
        Clip clip = new Clip(config, parent.newSubManager());
        try {
            clip.weights.putAll(SafeTensors.checked(raw, expectedShapes(config), clip.manager, file, config.name() + " (Hugging Face CLIPModel layout)"));
        } catch (RuntimeException e) {
            clip.close();
            throw e;
        }
        return clip;
    }

    static Map<String, long[]> expectedShapes(Config c) {
        Map<String, long[]> s = new java.util.LinkedHashMap<>();
        long vd = c.vision().dim();
        long td = c.text().dim();
        long tokens = 1 + (long) (c.imageSize() / c.patch()) * (c.imageSize() / c.patch());
        s.put("vision_model.embeddings.class_embedding", new long[] {vd});
        s.put("vision_model.embeddings.patch_embedding.weight", new long[] {vd, 3, c.patch(), c.patch()});
        s.put("vision_model.embeddings.position_embedding.weight", new long[] {tokens, vd});
        norm(s, "vision_model.pre_layrnorm", vd);
        blockShapes(s, "vision_model.encoder.layers.", c.vision());
        norm(s, "vision_model.post_layernorm", vd);
        s.put("visual_projection.weight", new long[] {c.projectionDim(), vd});
        s.putAll(TextEncoder.expectedShapes(c.textEncoder()));
        s.put("text_projection.weight", new long[] {c.projectionDim(), td});
        s.put("logit_scale", new long[] {});
        return s;
    }

    private static void norm(Map<String, long[]> s, String name, long d) {
        s.put(name + ".weight", new long[] {d});
        s.put(name + ".bias", new long[] {d});
    }

    /** The weights of a tower's pre-norm blocks (shared with {@link TextEncoder}). */
    static void blockShapes(Map<String, long[]> s, String prefix, Tower t) {
        long d = t.dim();
        for (int i = 0; i < t.depth(); i++) {
            String b = prefix + i + ".";
            for (String p : new String[] {"q_proj", "k_proj", "v_proj", "out_proj"}) {
                s.put(b + "self_attn." + p + ".weight", new long[] {d, d});
                s.put(b + "self_attn." + p + ".bias", new long[] {d});
            }
            norm(s, b + "layer_norm1", d);
            norm(s, b + "layer_norm2", d);
            s.put(b + "mlp.fc1.weight", new long[] {t.hidden(), d});
            s.put(b + "mlp.fc1.bias", new long[] {t.hidden()});
            s.put(b + "mlp.fc2.weight", new long[] {d, t.hidden()});
            s.put(b + "mlp.fc2.bias", new long[] {d});
        }
    }

    public Config config() {
        return config;
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public int patch() {
        return config.patch();
    }

    @Override
    public int depth() {
        return config.vision().depth();
    }

    /** The image tower, as {@link ImageTower}: {@link #encodeImage}. */
    @Override
    public void forward(NDArray image, Taps taps) {
        encodeImage(image, taps);
    }

    /** CLIP's logit scale, exp(logit_scale). */
    public double logitScale() {
        return Math.exp(weights.get("logit_scale").toType(DataType.FLOAT64, false).getDouble());
    }

    /** Text embeddings (CLIP's text_embeds, not normalised) of each text, one row per text, in batches of 64. */
    public double[][] embedTexts(ClipTokenizer tokenizer, List<String> texts) {
        double[][] out = new double[texts.size()][];
        for (int start = 0; start < texts.size(); start += 64) {
            List<String> batch = texts.subList(start, Math.min(texts.size(), start + 64));
            int[][][] packed = tokenizer.batchToLongest(batch, config.maxPositions()); // a truncated text keeps its end marker
            int[][] ids = packed[0];
            int[][] mask = packed[1];
            try (NDManager scope = manager.newSubManager()) {
                Taps taps = new Taps(scope, "text_embeds");
                encodeText(ids, mask, taps);
                NDArray e = taps.captured().get("text_embeds");
                int d = (int) e.getShape().get(1);
                float[] values = e.toFloatArray();
                for (int b = 0; b < ids.length; b++) {
                    out[start + b] = new double[d];
                    for (int c = 0; c < d; c++) out[start + b][c] = values[b * d + c];
                }
            }
        }
        return out;
    }

    /**
     * Random weights with the real Hugging Face key names (tests and the offline notebooks): N(0, 0.02) matrices,
     * zero biases, unit LayerNorm, logit scale ln(100) as in the released model.
     */
    public static Map<String, SafeTensors.Tensor> randomWeights(Config config, long seed) {
        Map<String, SafeTensors.Tensor> out = SafeTensors.random(expectedShapes(config), seed);
        out.put("logit_scale", new SafeTensors.Tensor("logit_scale", "F32", new long[] {}, new float[] {(float) Math.log(100)}));
        return out;
    }

    /** A Hugging Face {@code config.json} for a config, as {@link Config#fromHuggingFace} reads it. */
    public static String huggingFaceConfig(Config c) {
        JsonObject root = new JsonObject();
        root.addProperty("projection_dim", c.projectionDim());
        JsonObject v = towerJson(c.vision());
        v.addProperty("patch_size", c.patch());
        v.addProperty("image_size", c.imageSize());
        JsonObject t = towerJson(c.text());
        t.addProperty("vocab_size", c.vocab());
        t.addProperty("max_position_embeddings", c.maxPositions());
        t.addProperty("eos_token_id", c.eosTokenId());
        root.add("vision_config", v);
        root.add("text_config", t);
        return root.toString();
    }

    private static JsonObject towerJson(Tower t) {
        JsonObject o = new JsonObject();
        o.addProperty("hidden_size", t.dim());
        o.addProperty("num_hidden_layers", t.depth());
        o.addProperty("num_attention_heads", t.heads());
        o.addProperty("intermediate_size", t.hidden());
        o.addProperty("layer_norm_eps", t.layerNormEps());
        o.addProperty("hidden_act", "quick_gelu");
        return o;
    }

    /** Image tower on a normalised (1, 3, H, W) image, H and W multiples of the patch size. */
    public void encodeImage(NDArray image, Taps taps) {
        Shape s = image.getShape();
        int p = config.patch();
        if (s.dimension() != 4 || s.get(0) != 1 || s.get(1) != 3 || s.get(2) % p != 0 || s.get(3) % p != 0) {
            throw new InvalidInputException("image tensor must be (1, 3, H, W) with H and W multiples of " + p + ", got " + s);
        }
        int h0 = (int) s.get(2) / p;
        int w0 = (int) s.get(3) / p;
        int d = config.vision().dim();
        try (NDManager scope = manager.newSubManager()) {
            scope.tempAttachAll(weights.values().toArray(new NDArray[0])); // ops on weights land in this pass
            scope.tempAttachAll(image);
            NDArray patches = Conv2d.conv2d(image, weights.get("vision_model.embeddings.patch_embedding.weight"), null,
                    new Shape(p, p), new Shape(0, 0), new Shape(1, 1), 1).singletonOrThrow()
                    .reshape(1, d, (long) h0 * w0).transpose(0, 2, 1);
            NDArray pos = positionEmbeddings(scope, h0, w0);
            taps.offer("pos_embed", pos);
            NDArray x = weights.get("vision_model.embeddings.class_embedding").reshape(1, 1, d).concat(patches, 1).add(pos);
            taps.offer("embed", x);
            x = Layers.layerNorm(weights, x, "vision_model.pre_layrnorm", config.vision().layerNormEps());
            taps.offer("pre_norm", x);
            int last = config.vision().depth() - 1;
            x = blocks(weights, scope, x, "vision_model.encoder.layers.", "blocks.", config.vision(), null, taps, 0, last);
            NDArray lastInput = x; // the tokens entering the last block, for MaskCLIP's dense features
            x = blocks(weights, scope, x, "vision_model.encoder.layers.", "blocks.", config.vision(), null, taps, last, last + 1);
            taps.offer("final", x);
            if (taps.wants(DENSE_EMBEDS) || taps.wants(DENSE_EMBEDS_VALUE_ONLY)) denseEmbeddings(lastInput, taps);
            NDArray pooled = Layers.layerNorm(weights, x.get(":, 0, :"), "vision_model.post_layernorm", config.vision().layerNormEps());
            taps.offer("pooled", pooled);
            taps.offer("image_embeds", Layers.linear(weights, pooled, "visual_projection"));
            taps.keepAll();
        }
    }

    /**
     * Text tower on token ids (B, L) with an attention mask (1 = token, 0 = padding), as transformers' CLIPModel with
     * an attention_mask; pooled at the end marker (see {@link TextEncoder}), then projected.
     */
    public void encodeText(int[][] ids, int[][] attentionMask, Taps taps) {
        long[][] wide = new long[ids.length][];
        for (int b = 0; b < ids.length; b++) wide[b] = java.util.Arrays.stream(ids[b]).asLongStream().toArray();
        try (NDManager scope = manager.newSubManager()) {
            scope.tempAttachAll(weights.values().toArray(new NDArray[0]));
            NDArray pooled = text.forward(scope, wide, attentionMask, taps);
            taps.offer("text_embeds", Layers.linear(weights, pooled, "text_projection"));
            taps.keepAll();
        }
    }

    /** MaskCLIP's chain and the value-only variant from the tokens entering the last block (see the taps' comments). */
    private void denseEmbeddings(NDArray lastInput, Taps taps) {
        String w = "vision_model.encoder.layers." + (config.vision().depth() - 1) + ".";
        double eps = config.vision().layerNormEps();
        NDArray values = Layers.linear(weights, Layers.linear(weights, Layers.layerNorm(weights, lastInput, w + "layer_norm1", eps), w + "self_attn.v_proj"),
                w + "self_attn.out_proj");                                                     // out_proj(v_proj(ln1(x)))
        if (taps.wants(DENSE_EMBEDS)) {
            NDArray v = values.add(lastInput);
            v = v.add(mlp(weights, v, w, config.vision()));
            taps.offer(DENSE_EMBEDS, jointSpacePatches(v));
        }
        if (taps.wants(DENSE_EMBEDS_VALUE_ONLY)) taps.offer(DENSE_EMBEDS_VALUE_ONLY, jointSpacePatches(values));
    }

    /** post_layernorm, visual projection, CLS dropped: (1, T, dim) -> (1, T - 1, projectionDim). */
    private NDArray jointSpacePatches(NDArray tokens) {
        NDArray x = Layers.layerNorm(weights, tokens, "vision_model.post_layernorm", config.vision().layerNormEps());
        return Layers.linear(weights, x, "visual_projection").get(":, 1:, :");
    }

    /** A block's feed-forward branch on its input: fc2(quick_gelu(fc1(ln2(x)))). */
    private static NDArray mlp(Map<String, NDArray> weights, NDArray x, String w, Tower tower) {
        NDArray h = Layers.quickGelu(Layers.linear(weights, Layers.layerNorm(weights, x, w + "layer_norm2", tower.layerNormEps()), w + "mlp.fc1"));
        return Layers.linear(weights, h, w + "mlp.fc2");
    }

    /** Blocks {@code from} .. {@code to - 1} of a tower (the text tower's too, from {@link TextEncoder}). */
    static NDArray blocks(Map<String, NDArray> weights, NDManager scope, NDArray x, String weightPrefix, String tapPrefix, Tower tower, NDArray mask,
                          Taps taps, int from, int to) {
        taps.keepAll();
        for (int i = from; i < to; i++) {
            String w = weightPrefix + i + ".";
            String tap = tapPrefix + i;
            x = Layers.stage(scope, x, taps, in -> { // each layer's intermediates are freed when it ends
                NDArray h = Layers.layerNorm(weights, in, w + "layer_norm1", tower.layerNormEps());
                NDArray q = Layers.splitHeads(Layers.linear(weights, h, w + "self_attn.q_proj"), tower.heads());
                NDArray k = Layers.splitHeads(Layers.linear(weights, h, w + "self_attn.k_proj"), tower.heads());
                NDArray v = Layers.splitHeads(Layers.linear(weights, h, w + "self_attn.v_proj"), tower.heads());
                NDArray attended = Layers.attention(q, k, v, mask, tap + ".attn", taps);
                NDArray out = in.add(Layers.linear(weights, attended, w + "self_attn.out_proj"));
                out = out.add(mlp(weights, out, w, tower));
                taps.offer(tap + ".out", out);
                return out;
            });
        }
        return x;
    }

    /** The CLS slot as is; the patch grid resampled by target size when the image's grid differs. */
    private NDArray positionEmbeddings(NDManager scope, int h0, int w0) {
        NDArray table = weights.get("vision_model.embeddings.position_embedding.weight");
        int d = config.vision().dim();
        if (h0 == grid && w0 == grid) return table.reshape(1, 1 + (long) grid * grid, d);
        float[] out = PositionalEmbedding.resampleTokens(table.toFloatArray(), d, grid, grid, h0, w0, PositionalEmbedding.Mode.SIZE);
        return scope.create(out, new Shape(1, 1 + (long) h0 * w0, d));
    }

    @Override
    public NDArray normalise(NDArray rgb01) {
        NDManager m = rgb01.getManager();
        return rgb01.sub(m.create(MEAN, new Shape(1, 3, 1, 1))).div(m.create(STD, new Shape(1, 3, 1, 1)));
    }

    @Override
    public void close() {
        manager.close();
    }
}
