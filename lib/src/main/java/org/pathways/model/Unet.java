package org.pathways.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pathways.common.InvalidInputException;

/**
 * Stable Diffusion 1.x's denoising UNet, diffusers' {@code UNet2DConditionModel} (models/unets/unet_2d_condition.py,
 * unet_2d_blocks.py, embeddings.py at diffusers git 58eb52c0803e), read top to bottom; blocks in
 * {@link DiffusersBlocks}. Every size comes from the diffusers {@code config.json}.
 *
 * <p>Forward: sinusoidal time_proj of the timestep - time_embedding (linear_1, SiLU, linear_2) - conv_in - down
 * blocks (resnets, each followed by a Transformer2DModel in CrossAttnDownBlock2D; a stride-2 downsampler except in
 * the last; every resnet/attention output and downsampler output is kept as a skip) - mid block (resnet, then
 * attention and resnet pairs) - up blocks (each resnet takes [h, skip popped from the end] on channels; upsampled to
 * the next skip's size except in the last) - conv_norm_out - SiLU - conv_out.
 *
 * <p>Taps, named by diffusers module path, batch first: {@code time_proj} (B, C0), {@code time_embedding}
 * (B, 4 C0), {@code conv_in}, {@code down_blocks.i} (after its downsampler), {@code mid_block}, {@code up_blocks.i},
 * {@code conv_norm_out} (before the SiLU), {@code conv_out} (the output), all (B, C, H, W); and per attention module
 * {@code <block>.attentions.a.transformer_blocks.t.attn1|attn2} + {@code .x} (B, S, C: norm1(h) or norm2(h)),
 * {@code .q} (B, heads, S, d), {@code .k|.v} (B, heads, S_kv, d), {@code .probs} (B, heads, S, S_kv), {@code .out}
 * (B, S, C: to_out.0, before the residual). S = h * w in row-major order; S_kv = S (attn1) or the text length (attn2).
 */
public final class Unet implements AutoCloseable {

    /**
     * The architecture, from a diffusers {@code config.json}. {@code heads} and {@code transformerLayers} are per
     * down block (up blocks use them reversed, the mid block the last). For SD 1.x the config's
     * {@code attention_head_dim} is the NUMBER of heads: diffusers uses {@code num_attention_heads or
     * attention_head_dim}.
     */
    public record Config(int inChannels, int outChannels, int[] blockOutChannels, int layersPerBlock,
                         List<String> downBlockTypes, List<String> upBlockTypes, int[] heads, int[] transformerLayers,
                         int crossAttentionDim, int normNumGroups, double normEps, boolean flipSinToCos, double freqShift,
                         boolean useLinearProjection, boolean centerInputSample, int downsamplePadding, int sampleSize) {

        /** time_embed_dim = 4 * block_out_channels[0]. */
        public int timeEmbedDim() {
            return 4 * blockOutChannels[0];
        }

        public int blocks() {
            return blockOutChannels.length;
        }

        /** CompVis/stable-diffusion-v1-4's unet/config.json (the fields that matter): 859.52 M parameters, 8 heads everywhere. */
        public static final String SD14_JSON = """
                {"_class_name": "UNet2DConditionModel", "act_fn": "silu", "attention_head_dim": 8, "block_out_channels": [320, 640, 1280, 1280],
                 "center_input_sample": false, "cross_attention_dim": 768,
                 "down_block_types": ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"],
                 "downsample_padding": 1, "flip_sin_to_cos": true, "freq_shift": 0, "in_channels": 4, "layers_per_block": 2,
                 "mid_block_scale_factor": 1, "norm_eps": 1e-05, "norm_num_groups": 32, "out_channels": 4, "sample_size": 64,
                 "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"]}
                """;

        /** SD 1.4's UNet sizes ({@link #SD14_JSON}). */
        public static Config sd14() {
            return parse(JsonParser.parseString(SD14_JSON).getAsJsonObject(), "the SD 1.4 preset");
        }

        /** Reads a UNet2DConditionModel config.json; options this implementation does not have are refused by name. */
        public static Config fromJson(Path configJson) {
            JsonObject c = org.pathways.common.JsonFiles.readObject(configJson);
            try {
                Config config = parse(c, configJson);
                org.pathways.common.ConfigFields.warnIgnored(configJson, c, USED_FIELDS, HARMLESS_FIELDS, org.pathways.common.Warnings::print);
                return config;
            } catch (InvalidInputException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new InvalidInputException(configJson + ": not a UNet2DConditionModel config (" + e + ")", e);
            }
        }

        /** The fields {@link #parse} reads, or refuses unless they hold the one value implemented here. */
        static final java.util.Set<String> USED_FIELDS = java.util.Set.of("_class_name", "block_out_channels", "down_block_types", "up_block_types",
                "mid_block_type", "act_fn", "time_embedding_type", "resnet_time_scale_shift", "class_embed_type", "addition_embed_type", "encoder_hid_dim",
                "time_cond_proj_dim", "time_embedding_dim", "time_embedding_act_fn", "timestep_post_act", "num_class_embeds",
                "reverse_transformer_layers_per_block", "only_cross_attention", "dual_cross_attention", "conv_in_kernel", "conv_out_kernel",
                "mid_block_scale_factor", "resnet_out_scale_factor", "cross_attention_dim", "num_attention_heads", "attention_head_dim",
                "transformer_layers_per_block", "norm_num_groups", "in_channels", "out_channels", "layers_per_block", "norm_eps", "flip_sin_to_cos",
                "freq_shift", "use_linear_projection", "center_input_sample", "downsample_padding", "sample_size");

        private static boolean isNullOrFalse(JsonElement v) {
            return v.isJsonNull() || (v.isJsonPrimitive() && v.getAsJsonPrimitive().isBoolean() && !v.getAsBoolean());
        }

        /**
         * Fields that leave this UNet's computation alone at the values given: the settings of features that are off
         * (their companion switch is refused above when on), and upcast_attention, which only sets the softmax's
         * precision under float16 (ours is float32).
         */
        static final Map<String, java.util.function.Predicate<JsonElement>> HARMLESS_FIELDS = Map.of(
                "attention_type", v -> v.isJsonPrimitive() && v.getAsString().equals("default"),
                "class_embeddings_concat", Config::isNullOrFalse,
                "cross_attention_norm", JsonElement::isJsonNull,
                "encoder_hid_dim_type", JsonElement::isJsonNull,
                "mid_block_only_cross_attention", Config::isNullOrFalse,
                "projection_class_embeddings_input_dim", JsonElement::isJsonNull,
                "resnet_skip_time_act", Config::isNullOrFalse,
                "addition_embed_type_num_heads", v -> true, // used only with an addition_embed_type, which is refused
                "addition_time_embed_dim", v -> true,       // likewise
                "upcast_attention", v -> true);

        private static Config parse(JsonObject c, Object file) {
            String kind = string(c, "_class_name", "UNet2DConditionModel");
            if (!kind.equals("UNet2DConditionModel")) throw new InvalidInputException(file + ": not a UNet2DConditionModel config (_class_name " + kind + ")");
            if (!c.has("block_out_channels") || !c.has("down_block_types")) {
                throw new InvalidInputException(file + ": not a UNet2DConditionModel config (no block_out_channels / down_block_types)");
            }
            int[] channels = ints(c.get("block_out_channels"), -1, file, "block_out_channels");
            int n = channels.length;
            List<String> down = strings(c.get("down_block_types"));
            List<String> up = strings(c.get("up_block_types"));
            if (down.size() != n || up.size() != n) {
                throw new InvalidInputException(file + ": " + n + " block_out_channels but " + down.size() + " down and " + up.size() + " up block types");
            }
            for (String t : down) if (!t.equals("CrossAttnDownBlock2D") && !t.equals("DownBlock2D")) refuse(file, "down block type " + t);
            for (String t : up) if (!t.equals("CrossAttnUpBlock2D") && !t.equals("UpBlock2D")) refuse(file, "up block type " + t);
            String mid = string(c, "mid_block_type", "UNetMidBlock2DCrossAttn");
            if (!mid.equals("UNetMidBlock2DCrossAttn")) refuse(file, "mid_block_type " + mid);
            requireDefault(c, file, "act_fn", "silu");
            requireDefault(c, file, "time_embedding_type", "positional");
            requireDefault(c, file, "resnet_time_scale_shift", "default");
            for (String key : new String[] {"class_embed_type", "addition_embed_type", "encoder_hid_dim", "time_cond_proj_dim",
                    "time_embedding_dim", "time_embedding_act_fn", "timestep_post_act", "num_class_embeds", "reverse_transformer_layers_per_block"}) {
                if (c.has(key) && !c.get(key).isJsonNull()) refuse(file, key + " " + c.get(key));
            }
            for (String key : new String[] {"only_cross_attention", "dual_cross_attention"}) {
                if (c.has(key) && !c.get(key).isJsonNull() && c.get(key).isJsonPrimitive() && c.get(key).getAsBoolean()) refuse(file, key + " true");
            }
            for (String key : new String[] {"conv_in_kernel", "conv_out_kernel"}) {
                if (c.has(key) && c.get(key).getAsInt() != 3) refuse(file, key + " " + c.get(key));
            }
            for (String key : new String[] {"mid_block_scale_factor", "resnet_out_scale_factor"}) {
                if (c.has(key) && c.get(key).getAsDouble() != 1) refuse(file, key + " " + c.get(key));
            }
            if (c.has("cross_attention_dim") && !c.get("cross_attention_dim").isJsonPrimitive()) refuse(file, "a per-block cross_attention_dim");
            JsonElement headsJson = c.has("num_attention_heads") && !c.get("num_attention_heads").isJsonNull()
                    ? c.get("num_attention_heads") : c.get("attention_head_dim"); // diffusers: num_attention_heads or attention_head_dim
            int[] heads = ints(headsJson == null ? new com.google.gson.JsonPrimitive(8) : headsJson, n, file, "attention heads");
            int[] layers = ints(c.has("transformer_layers_per_block") ? c.get("transformer_layers_per_block") : new com.google.gson.JsonPrimitive(1), n, file,
                    "transformer_layers_per_block");
            for (int i = 0; i < n; i++) {
                if (heads[i] <= 0 || channels[i] % heads[i] != 0) {
                    throw new InvalidInputException(file + ": block " + i + " has " + channels[i] + " channels, not divisible into " + heads[i] + " heads");
                }
            }
            int groups = integer(c, "norm_num_groups", 32);
            for (int ch : channels) if (ch % groups != 0) throw new InvalidInputException(file + ": " + ch + " channels are not divisible into norm_num_groups " + groups);
            return new Config(integer(c, "in_channels", 4), integer(c, "out_channels", 4), channels, integer(c, "layers_per_block", 2),
                    List.copyOf(down), List.copyOf(up), heads, layers, integer(c, "cross_attention_dim", 1280), groups,
                    c.has("norm_eps") ? c.get("norm_eps").getAsDouble() : 1e-5, bool(c, "flip_sin_to_cos", true),
                    c.has("freq_shift") ? c.get("freq_shift").getAsDouble() : 0, bool(c, "use_linear_projection", false),
                    bool(c, "center_input_sample", false), integer(c, "downsample_padding", 1), integer(c, "sample_size", 64));
        }
    }

    private final Config config;
    private final NDManager manager;
    private final Map<String, NDArray> weights = new HashMap<>();

    private Unet(Config config, NDManager manager) {
        this.config = config;
        this.manager = manager;
    }

    /**
     * Loads diffusers weights. {@code weightsFileOrFolder}: a {@code .safetensors} file, or a folder in diffusers
     * layout (config.json beside diffusion_pytorch_model[.fp16].safetensors), or a pipeline folder with a
     * {@code unet/} subfolder. {@code configOrNull}: the config.json, or null for the one beside the weights.
     */
    public static Unet load(NDManager parent, Path weightsFileOrFolder, Path configOrNull) {
        DiffusersBlocks.Checkpoint files = DiffusersBlocks.checkpoint(weightsFileOrFolder, configOrNull, "unet", "Stable Diffusion UNet");
        Config config = Config.fromJson(files.config());
        return fromTensors(parent, config, SafeTensors.read(files.weights()), files.weights());
    }

    /** Random weights of the right names and shapes ({@link SafeTensors#random}): benchmarks at full size without a download. */
    public static Unet random(NDManager parent, Config config, long seed) {
        return fromTensors(parent, config, SafeTensors.random(expectedShapes(config), seed), "random weights");
    }

    /** A model from tensors in memory ({@code file} names them in errors). */
    public static Unet fromTensors(NDManager parent, Config config, Map<String, SafeTensors.Tensor> tensors, Object file) {
        Unet unet = new Unet(config, parent.newSubManager());
        try {
            if (!tensors.containsKey("conv_in.weight") && tensors.containsKey("encoder.conv_in.weight")) {
                throw new InvalidInputException(file + ": missing key conv_in.weight for the Stable Diffusion UNet (this looks like a VAE checkpoint: it has encoder.conv_in.weight)");
            }
            unet.weights.putAll(SafeTensors.checked(tensors, expectedShapes(config), unet.manager, file, "the Stable Diffusion UNet (diffusers UNet2DConditionModel layout)"));
        } catch (RuntimeException e) {
            unet.close();
            throw e;
        }
        return unet;
    }

    /** Every weight the forward pass reads, name to shape, in diffusers' names. */
    static Map<String, long[]> expectedShapes(Config c) {
        Map<String, long[]> s = new LinkedHashMap<>();
        int[] ch = c.blockOutChannels();
        int n = c.blocks();
        long temb = c.timeEmbedDim();
        DiffusersBlocks.convShape(s, "conv_in", ch[0], c.inChannels(), 3);
        s.put("time_embedding.linear_1.weight", new long[] {temb, ch[0]});
        s.put("time_embedding.linear_1.bias", new long[] {temb});
        s.put("time_embedding.linear_2.weight", new long[] {temb, temb});
        s.put("time_embedding.linear_2.bias", new long[] {temb});
        for (int i = 0; i < n; i++) {
            String b = "down_blocks." + i;
            for (int j = 0; j < c.layersPerBlock(); j++) {
                DiffusersBlocks.resnetShapes(s, b + ".resnets." + j, j == 0 ? (i == 0 ? ch[0] : ch[i - 1]) : ch[i], ch[i], temb);
                if (crossAttention(c.downBlockTypes().get(i))) {
                    DiffusersBlocks.transformerShapes(s, b + ".attentions." + j, ch[i], c.crossAttentionDim(), downTransformer(c, i));
                }
            }
            if (i < n - 1) DiffusersBlocks.convShape(s, b + ".downsamplers.0.conv", ch[i], ch[i], 3);
        }
        int top = ch[n - 1];
        DiffusersBlocks.resnetShapes(s, "mid_block.resnets.0", top, top, temb);
        DiffusersBlocks.transformerShapes(s, "mid_block.attentions.0", top, c.crossAttentionDim(), downTransformer(c, n - 1));
        DiffusersBlocks.resnetShapes(s, "mid_block.resnets.1", top, top, temb);
        for (int i = 0; i < n; i++) {
            String b = "up_blocks." + i;
            UpChannels u = upChannels(c, i);
            for (int j = 0; j <= c.layersPerBlock(); j++) {
                long in = (j == 0 ? u.previous() : u.out()) + (j == c.layersPerBlock() ? u.input() : u.out());
                DiffusersBlocks.resnetShapes(s, b + ".resnets." + j, in, u.out(), temb);
                if (crossAttention(c.upBlockTypes().get(i))) {
                    DiffusersBlocks.transformerShapes(s, b + ".attentions." + j, u.out(), c.crossAttentionDim(), downTransformer(c, n - 1 - i));
                }
            }
            if (i < n - 1) DiffusersBlocks.convShape(s, b + ".upsamplers.0.conv", u.out(), u.out(), 3);
        }
        DiffusersBlocks.vector(s, "conv_norm_out", ch[0]);
        DiffusersBlocks.convShape(s, "conv_out", c.outChannels(), ch[0], 3);
        return s;
    }

    /** An up block's channels as diffusers builds them: its output, the previous block's output, and its last skip's. */
    private record UpChannels(long out, long previous, long input) {}

    private static UpChannels upChannels(Config c, int i) {
        int[] ch = c.blockOutChannels();
        int n = ch.length;
        int out = ch[n - 1 - i];
        int previous = ch[n - 1 - Math.max(i - 1, 0)];
        int input = ch[n - 1 - Math.min(i + 1, n - 1)];
        return new UpChannels(out, previous, input);
    }

    private static boolean crossAttention(String blockType) {
        return blockType.startsWith("CrossAttn");
    }

    /** The Transformer2DModel of down block i (up block n-1-i mirrors it; the mid block uses the last). */
    private static DiffusersBlocks.Transformer downTransformer(Config c, int i) {
        return new DiffusersBlocks.Transformer(c.heads()[i], c.transformerLayers()[i], c.normNumGroups(), c.useLinearProjection());
    }

    public Config config() {
        return config;
    }

    /**
     * One denoising step's network pass. {@code sample}: latents (B, in_channels, H, W), any H and W;
     * {@code encoderHiddenStates}: (B, L, cross_attention_dim), e.g. CLIP's last hidden state (B, 77, 768). Returns
     * the predicted noise (B, out_channels, H, W) in the sample's manager (the same array as the {@code conv_out}
     * tap when that was asked for); requested taps go to the {@link Taps}' manager, everything else is freed.
     */
    public NDArray forward(NDArray sample, int timestep, NDArray encoderHiddenStates, Taps taps) {
        Shape s = sample.getShape();
        Shape e = encoderHiddenStates.getShape();
        if (s.dimension() != 4 || s.get(1) != config.inChannels()) {
            throw new InvalidInputException("UNet sample must be (B, " + config.inChannels() + ", H, W), got " + s);
        }
        if (e.dimension() != 3 || e.get(2) != config.crossAttentionDim()) {
            throw new InvalidInputException("encoder_hidden_states must be (B, L, " + config.crossAttentionDim() + ") for this UNet, got width "
                    + (e.dimension() == 3 ? e.get(2) : -1) + " in shape " + e);
        }
        if (e.get(0) != s.get(0)) throw new InvalidInputException("encoder_hidden_states batch " + e.get(0) + " differs from the sample's " + s.get(0));
        NDManager caller = sample.getManager();
        int n = config.blocks();
        NDArray out;
        try (NDManager scope = manager.newSubManager()) {
            scope.tempAttachAll(weights.values().toArray(new NDArray[0])); // ops on weights land in this pass
            scope.tempAttachAll(sample, encoderHiddenStates);
            NDArray context = encoderHiddenStates;
            NDArray timeProj = scope.create(timeProjection(timestep, s.get(0)), new Shape(s.get(0), config.blockOutChannels()[0]));
            taps.offer("time_proj", timeProj);
            NDArray temb = linear(DiffusersBlocks.silu(linear(timeProj, "time_embedding.linear_1")), "time_embedding.linear_2");
            taps.offer("time_embedding", temb);
            NDArray tembSilu = DiffusersBlocks.silu(temb); // every resnet's time_emb_proj reads SiLU(temb)
            NDArray h = config.centerInputSample() ? sample.mul(2).sub(1) : sample;
            h = DiffusersBlocks.conv(weights, h, "conv_in", 1, 1);
            taps.offer("conv_in", h);
            taps.keepAll();
            List<NDArray> skips = new ArrayList<>(List.of(h));

            for (int i = 0; i < n; i++) {
                String b = "down_blocks." + i;
                boolean cross = crossAttention(config.downBlockTypes().get(i));
                DiffusersBlocks.Transformer t = downTransformer(config, i);
                for (int j = 0; j < config.layersPerBlock(); j++) {
                    String resnet = b + ".resnets." + j;
                    String attention = b + ".attentions." + j;
                    h = Layers.stage(scope, h, taps, in -> DiffusersBlocks.resnet(weights, in, tembSilu, resnet, config.normNumGroups(), config.normEps()));
                    if (cross) h = Layers.stage(scope, h, taps, in -> DiffusersBlocks.transformer(weights, in, context, attention, t, taps));
                    skips.add(h);
                }
                if (i < n - 1) {
                    h = Layers.stage(scope, h, taps, in -> DiffusersBlocks.downsample(weights, in, b + ".downsamplers.0", config.downsamplePadding()));
                    skips.add(h);
                }
                offer(taps, b, h);
            }

            DiffusersBlocks.Transformer midT = downTransformer(config, n - 1);
            h = Layers.stage(scope, h, taps, in -> DiffusersBlocks.resnet(weights, in, tembSilu, "mid_block.resnets.0", config.normNumGroups(), config.normEps()));
            h = Layers.stage(scope, h, taps, in -> DiffusersBlocks.transformer(weights, in, context, "mid_block.attentions.0", midT, taps));
            h = Layers.stage(scope, h, taps, in -> DiffusersBlocks.resnet(weights, in, tembSilu, "mid_block.resnets.1", config.normNumGroups(), config.normEps()));
            offer(taps, "mid_block", h);

            for (int i = 0; i < n; i++) {
                String b = "up_blocks." + i;
                boolean cross = crossAttention(config.upBlockTypes().get(i));
                DiffusersBlocks.Transformer t = downTransformer(config, n - 1 - i);
                for (int j = 0; j <= config.layersPerBlock(); j++) {
                    String resnet = b + ".resnets." + j;
                    String attention = b + ".attentions." + j;
                    NDArray skip = skips.remove(skips.size() - 1);
                    h = Layers.stage(scope, h, taps, in -> DiffusersBlocks.resnet(weights, in.concat(skip, 1), tembSilu, resnet, config.normNumGroups(), config.normEps()));
                    if (cross) h = Layers.stage(scope, h, taps, in -> DiffusersBlocks.transformer(weights, in, context, attention, t, taps));
                }
                if (i < n - 1) {
                    Shape next = skips.get(skips.size() - 1).getShape(); // upsample to the next skip's size (odd sizes too)
                    h = Layers.stage(scope, h, taps, in -> DiffusersBlocks.upsample(weights, in, b + ".upsamplers.0", next.get(2), next.get(3)));
                }
                offer(taps, b, h);
            }

            out = Layers.stage(scope, h, taps, in -> {
                NDArray normed = DiffusersBlocks.groupNorm(weights, in, "conv_norm_out", config.normNumGroups(), config.normEps());
                taps.offer("conv_norm_out", normed);
                NDArray result = DiffusersBlocks.conv(weights, DiffusersBlocks.silu(normed), "conv_out", 1, 1);
                taps.offer("conv_out", result);
                return result;
            });
            taps.keepAll();
            if (out.getManager() == scope) out.attach(caller);
        }
        return out;
    }

    private static void offer(Taps taps, String name, NDArray x) {
        taps.offer(name, x);
        taps.keepAll();
    }

    /**
     * diffusers' get_timestep_embedding in float32: f_i = exp(-ln(10000) * i / (half - freq_shift)), i < half =
     * C0 / 2; [sin(t f), cos(t f)], swapped to [cos, sin] with flip_sin_to_cos. One row per batch entry.
     */
    float[] timeProjection(int timestep, long batch) {
        int dim = config.blockOutChannels()[0];
        int half = dim / 2;
        float[] row = new float[dim];
        float logPeriod = (float) -Math.log(10000);
        float denominator = (float) (half - config.freqShift());
        for (int i = 0; i < half; i++) {
            float frequency = (float) Math.exp(logPeriod * i / denominator);
            float angle = (float) timestep * frequency;
            float sin = (float) Math.sin(angle);
            float cos = (float) Math.cos(angle);
            row[i] = config.flipSinToCos() ? cos : sin;
            row[half + i] = config.flipSinToCos() ? sin : cos;
        }
        float[] out = new float[(int) batch * dim];
        for (int b = 0; b < batch; b++) System.arraycopy(row, 0, out, b * dim, dim);
        return out;
    }

    private NDArray linear(NDArray x, String name) {
        return Layers.linear(weights, x, name);
    }

    @Override
    public void close() {
        manager.close();
    }

    // config.json helpers

    private static int[] ints(JsonElement e, int n, Object file, String what) {
        if (e.isJsonArray()) {
            int[] out = new int[e.getAsJsonArray().size()];
            for (int i = 0; i < out.length; i++) out[i] = e.getAsJsonArray().get(i).getAsInt();
            if (n >= 0 && out.length != n) throw new InvalidInputException(file + ": " + what + " has " + out.length + " entries for " + n + " blocks");
            return out;
        }
        if (n < 0) throw new InvalidInputException(file + ": " + what + " must be a list");
        int[] out = new int[n];
        java.util.Arrays.fill(out, e.getAsInt());
        return out;
    }

    private static List<String> strings(JsonElement e) {
        List<String> out = new ArrayList<>();
        for (JsonElement x : e.getAsJsonArray()) out.add(x.getAsString());
        return out;
    }

    private static String string(JsonObject c, String key, String otherwise) {
        return c.has(key) && !c.get(key).isJsonNull() ? c.get(key).getAsString() : otherwise;
    }

    private static int integer(JsonObject c, String key, int otherwise) {
        return c.has(key) && !c.get(key).isJsonNull() ? c.get(key).getAsInt() : otherwise;
    }

    private static boolean bool(JsonObject c, String key, boolean otherwise) {
        return c.has(key) && !c.get(key).isJsonNull() ? c.get(key).getAsBoolean() : otherwise;
    }

    private static void requireDefault(JsonObject c, Object file, String key, String value) {
        if (c.has(key) && !c.get(key).isJsonNull() && !c.get(key).getAsString().equals(value)) refuse(file, key + " " + c.get(key).getAsString());
    }

    private static void refuse(Object file, String what) {
        throw new InvalidInputException(file + ": " + what + " is not supported by this UNet2DConditionModel (Stable Diffusion 1.x/2.x)");
    }
}
