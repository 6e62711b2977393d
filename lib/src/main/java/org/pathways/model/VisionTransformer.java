package org.pathways.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pathways.common.InvalidInputException;

/**
 * A Vision Transformer (DINO, MAE: the timm / original layout) with named taps, read top to bottom like timm's
 * {@code vision_transformer.py}: patch embedding, class token, position embeddings (resampled to the image's grid),
 * pre-norm blocks {@code x = x + proj(attn(norm1(x))); x = x + fc2(act(fc1(norm2(x))))}, final norm.
 *
 * <p>Taps: {@code patch_embed} (1, N, D), {@code pos_embed} (1, T, D), {@code embed} (tokens entering block 0),
 * {@code blocks.i.attn.q|k|v} (1, heads, T, d) before scaling, {@code blocks.i.attn.logits|probs} (1, heads, T, T),
 * {@code blocks.i.attn.patch_probs} (1, heads, N, N: CLS row and column dropped before the softmax, the authors'
 * affinity), {@code blocks.i.out} (1, T, D), {@code final} (1, T, D), {@code pooled} (1, D: the class token of final).
 */
public final class VisionTransformer implements ImageTower {

    /** Architecture; presets by name in {@link #PRESETS}. */
    public record Config(String name, int patch, int dim, int depth, int heads, double mlpRatio, double layerNormEps,
                         float[] mean, float[] std, PositionalEmbedding.Mode positionMode) {
        public Config withPositionMode(PositionalEmbedding.Mode mode) {
            return new Config(name, patch, dim, depth, heads, mlpRatio, layerNormEps, mean, std, mode);
        }

        public int headDim() {
            return dim / heads;
        }

        public int hidden() {
            return (int) Math.round(dim * mlpRatio);
        }

        /**
         * This preset with the values of a Hugging Face ViT {@code config.json} (hidden_size, num_hidden_layers,
         * num_attention_heads, intermediate_size, patch_size, layer_norm_eps, hidden_act); the file wins, and every
         * disagreement is reported. Note that facebook/dino-* configs say layer_norm_eps 1e-12 where the authors'
         * models use 1e-6.
         */
        public Config withHuggingFace(Path configJson, java.util.function.Consumer<String> warn) {
            com.google.gson.JsonObject c = org.pathways.common.JsonFiles.readObject(configJson);
            if (c.has("hidden_act")) {
                com.google.gson.JsonElement act = c.get("hidden_act");
                if (!act.isJsonPrimitive() || !act.getAsString().equals("gelu")) {
                    throw new InvalidInputException(configJson + ": hidden_act " + InvalidInputException.printable(act.toString()) + " is not supported for " + name + " (gelu)");
                }
            }
            org.pathways.common.ConfigFields.warnIgnored(configJson, c, USED_FIELDS, HARMLESS_FIELDS, warn);
            int newDim = pick(c, "hidden_size", dim, configJson, warn);
            int newDepth = pick(c, "num_hidden_layers", depth, configJson, warn);
            int newHeads = pick(c, "num_attention_heads", heads, configJson, warn);
            int newHidden = pick(c, "intermediate_size", hidden(), configJson, warn);
            int newPatch = pick(c, "patch_size", patch, configJson, warn);
            if (newDim % newHeads != 0) throw new InvalidInputException(configJson + ": hidden_size " + newDim + " is not a multiple of num_attention_heads " + newHeads);
            double eps = layerNormEps;
            if (c.has("layer_norm_eps")) {
                double fromFile = org.pathways.common.ConfigFields.positiveNumber(configJson, c, "layer_norm_eps");
                if (fromFile != eps) warn.accept(configJson + ": layer_norm_eps " + fromFile + " replaces the preset's " + eps);
                eps = fromFile;
            }
            return new Config(name, newPatch, newDim, newDepth, newHeads, (double) newHidden / newDim, eps, mean, std, positionMode);
        }

        /** The config.json fields {@link #withHuggingFace} reads. */
        static final java.util.Set<String> USED_FIELDS = java.util.Set.of("hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
                "patch_size", "layer_norm_eps", "hidden_act");

        /** Fields whose values here are what this ViT computes anyway (the input size is ours to choose: positions are resampled). */
        static final java.util.Map<String, java.util.function.Predicate<com.google.gson.JsonElement>> HARMLESS_FIELDS = java.util.Map.of(
                "qkv_bias", v -> v.isJsonPrimitive() && v.getAsString().equals("true"),
                "num_channels", v -> v.isJsonPrimitive() && v.getAsString().equals("3"),
                "image_size", v -> true,
                "encoder_stride", v -> true);

        private static int pick(com.google.gson.JsonObject c, String key, int preset, Path file, java.util.function.Consumer<String> warn) {
            if (!c.has(key)) return preset;
            int value = org.pathways.common.ConfigFields.positiveInt(file, c, key);
            if (value != preset) warn.accept(file + ": " + key + " " + value + " replaces the preset's " + preset);
            return value;
        }
    }

    private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    /** The paper's DINO and MAE backbones; LayerNorm eps 1e-6 as in the authors' models (HF configs say 1e-12). */
    public static final Map<String, Config> PRESETS = Map.of(
            "dino-vits16", new Config("dino-vits16", 16, 384, 12, 6, 4, 1e-6, IMAGENET_MEAN, IMAGENET_STD, PositionalEmbedding.Mode.DINO),
            "dino-vits8", new Config("dino-vits8", 8, 384, 12, 6, 4, 1e-6, IMAGENET_MEAN, IMAGENET_STD, PositionalEmbedding.Mode.DINO),
            "dino-vitb16", new Config("dino-vitb16", 16, 768, 12, 12, 4, 1e-6, IMAGENET_MEAN, IMAGENET_STD, PositionalEmbedding.Mode.DINO),
            "dino-vitb8", new Config("dino-vitb8", 8, 768, 12, 12, 4, 1e-6, IMAGENET_MEAN, IMAGENET_STD, PositionalEmbedding.Mode.DINO),
            // MAE encoder (timm / original keys, or HF ViTMAE with its vit. prefix); the authors' code recomputes the
            // sin-cos table for other grids. HF configs say eps 1e-12; the authors' model uses 1e-6.
            "mae-vitb16", new Config("mae-vitb16", 16, 768, 12, 12, 4, 1e-6, IMAGENET_MEAN, IMAGENET_STD, PositionalEmbedding.Mode.SINCOS));

    private final Config config;
    private final NDManager manager;
    private final Map<String, NDArray> weights = new HashMap<>();
    private final int gridHeight;
    private final int gridWidth;

    private VisionTransformer(Config config, NDManager manager, int gridHeight, int gridWidth) {
        this.config = config;
        this.manager = manager;
        this.gridHeight = gridHeight;
        this.gridWidth = gridWidth;
    }

    /** Loads a checkpoint in the timm/original layout or the Hugging Face ViT layout; checks every key and shape. */
    public static VisionTransformer load(NDManager parent, Config config, Path file) {
        return fromTensors(parent, config, SafeTensors.read(file), file);
    }

    /** A model from tensors already in memory ({@code file} names them in errors). */
    public static VisionTransformer fromTensors(NDManager parent, Config config, Map<String, SafeTensors.Tensor> tensors, Object file) {
        Map<String, SafeTensors.Tensor> raw = WeightLayouts.toTimm(tensors, config.depth());
        NDManager manager = parent.newSubManager();
        long posTokens = raw.containsKey("pos_embed") ? raw.get("pos_embed").shape()[1] : 0;
        int side = (int) Math.round(Math.sqrt(posTokens - 1));
        VisionTransformer vit = new VisionTransformer(config, manager, side, side);
        try {
            vit.weights.putAll(SafeTensors.checked(raw, expectedShapes(config, posTokens), manager, file, "preset " + config.name()));
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        if (side * side != posTokens - 1) {
            manager.close();
            throw new InvalidInputException(file + ": pos_embed has " + (posTokens - 1) + " patch positions, not a square grid");
        }
        return vit;
    }

    static Map<String, long[]> expectedShapes(Config c, long posTokens) {
        Map<String, long[]> s = new LinkedHashMap<>();
        long d = c.dim();
        s.put("cls_token", new long[] {1, 1, d});
        s.put("pos_embed", new long[] {1, posTokens, d});
        s.put("patch_embed.proj.weight", new long[] {d, 3, c.patch(), c.patch()});
        s.put("patch_embed.proj.bias", new long[] {d});
        for (int i = 0; i < c.depth(); i++) {
            String b = "blocks." + i + ".";
            s.put(b + "norm1.weight", new long[] {d});
            s.put(b + "norm1.bias", new long[] {d});
            s.put(b + "attn.qkv.weight", new long[] {3 * d, d});
            s.put(b + "attn.qkv.bias", new long[] {3 * d});
            s.put(b + "attn.proj.weight", new long[] {d, d});
            s.put(b + "attn.proj.bias", new long[] {d});
            s.put(b + "norm2.weight", new long[] {d});
            s.put(b + "norm2.bias", new long[] {d});
            s.put(b + "mlp.fc1.weight", new long[] {c.hidden(), d});
            s.put(b + "mlp.fc1.bias", new long[] {c.hidden()});
            s.put(b + "mlp.fc2.weight", new long[] {d, c.hidden()});
            s.put(b + "mlp.fc2.bias", new long[] {d});
        }
        s.put("norm.weight", new long[] {d});
        s.put("norm.bias", new long[] {d});
        return s;
    }

    public Config config() {
        return config;
    }

    /**
     * Random weights with the real timm key names for a config (tests and the benchmark): N(0, 0.02) matrices,
     * zero biases, unit LayerNorm, a square position grid of {@code grid} x {@code grid}.
     */
    public static Map<String, SafeTensors.Tensor> randomWeights(Config config, int grid, long seed) {
        return SafeTensors.random(expectedShapes(config, 1L + (long) grid * grid), seed);
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
        return config.depth();
    }

    /**
     * One forward pass over a normalised image (1, 3, H, W), H and W multiples of the patch size. Requested taps are
     * attached to the manager the {@link Taps} were made with; everything else is freed.
     */
    @Override
    public void forward(NDArray image, Taps taps) {
        Shape s = image.getShape();
        int p = config.patch();
        if (s.dimension() != 4 || s.get(0) != 1 || s.get(1) != 3 || s.get(2) % p != 0 || s.get(3) % p != 0) {
            throw new InvalidInputException("image tensor must be (1, 3, H, W) with H and W multiples of " + p + ", got " + s);
        }
        int h0 = (int) s.get(2) / p;
        int w0 = (int) s.get(3) / p;
        int tokens = 1 + h0 * w0;
        try (NDManager scope = manager.newSubManager()) {
            scope.tempAttachAll(weights.values().toArray(new NDArray[0])); // ops on weights land in this pass, not in the model
            scope.tempAttachAll(image);
            NDArray patches = Conv2d.conv2d(image, w("patch_embed.proj.weight"), w("patch_embed.proj.bias"),
                    new Shape(p, p), new Shape(0, 0), new Shape(1, 1), 1).singletonOrThrow()   // (1, D, h0, w0)
                    .reshape(1, config.dim(), (long) h0 * w0).transpose(0, 2, 1);             // (1, N, D)
            taps.offer("patch_embed", patches);
            NDArray pos = positionEmbeddings(scope, h0, w0);
            taps.offer("pos_embed", pos);
            NDArray x = w("cls_token").concat(patches, 1).add(pos);                              // (1, T, D)
            taps.offer("embed", x);
            taps.keepAll();
            for (int i = 0; i < config.depth(); i++) {
                int layer = i;
                x = Layers.stage(scope, x, taps, in -> block(layer, in, tokens, taps)); // frees each block's attention
            }
            Layers.stage(scope, x, taps, in -> {
                NDArray out = layerNorm(in, "norm");
                taps.offer("final", out);
                if (taps.wants("pooled")) taps.offer("pooled", out.get(":, 0, :")); // timm's 'token' pooling: the CLS token
                return out;
            });
        }
    }

    private NDArray block(int i, NDArray x, int tokens, Taps taps) {
        String b = "blocks." + i + ".";
        NDArray qkv = linear(layerNorm(x, b + "norm1"), b + "attn.qkv")                        // (1, T, 3D), rows q | k | v
                .reshape(1, tokens, 3, config.heads(), config.headDim()).transpose(2, 0, 3, 1, 4);
        NDArray attended = Layers.attention(qkv.get(0), qkv.get(1), qkv.get(2), null, b + "attn", taps);
        x = x.add(linear(attended, b + "attn.proj"));
        x = x.add(linear(Activation.gelu(linear(layerNorm(x, b + "norm2"), b + "mlp.fc1")), b + "mlp.fc2"));
        taps.offer(b + "out", x);
        return x;
    }

    /** pos_embed for an h0 x w0 grid: the CLS slot as is, the patch grid resampled unless it already fits. */
    private NDArray positionEmbeddings(NDManager scope, int h0, int w0) {
        NDArray pos = w("pos_embed");
        if (h0 == gridHeight && w0 == gridWidth) return pos;
        int d = config.dim();
        float[] out = PositionalEmbedding.resampleTokens(pos.toFloatArray(), d, gridHeight, gridWidth, h0, w0, config.positionMode());
        return scope.create(out, new Shape(1, 1 + (long) h0 * w0, d));
    }

    private NDArray w(String name) {
        return weights.get(name);
    }

    private NDArray linear(NDArray x, String name) {
        return Layers.linear(weights, x, name);
    }

    private NDArray layerNorm(NDArray x, String name) {
        return Layers.layerNorm(weights, x, name, config.layerNormEps());
    }

    @Override
    public NDArray normalise(NDArray rgb01) {
        NDManager m = rgb01.getManager();
        NDArray mean = m.create(config.mean(), new Shape(1, 3, 1, 1));
        NDArray std = m.create(config.std(), new Shape(1, 3, 1, 1));
        return rgb01.sub(mean).div(std);
    }

    @Override
    public void close() {
        manager.close();
    }
}
