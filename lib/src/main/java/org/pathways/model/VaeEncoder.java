package org.pathways.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pathways.common.InvalidInputException;

/**
 * Stable Diffusion's image-to-latent encoder: the encoder half of diffusers' {@code AutoencoderKL} and its
 * {@code quant_conv} (models/autoencoders/autoencoder_kl.py, vae.py Encoder, unet_2d_blocks.py DownEncoderBlock2D and
 * UNetMidBlock2D, at diffusers git 58eb52c0803e), read top to bottom; the decoder is not implemented.
 *
 * <p>Forward: conv_in - down blocks (resnets without time embedding, GroupNorm eps 1e-6; a stride-2 downsampler
 * after a right/bottom zero pad except in the last block) - mid block (resnet, single-head self-attention with its
 * own GroupNorm and residual, resnet) - conv_norm_out - SiLU - conv_out (2 x latent_channels) - quant_conv - split
 * into the posterior's mean and log-variance (clamped to [-30, 20]).
 *
 * <p>Taps: {@code encoder.conv_in}, {@code encoder.down_blocks.i}, {@code encoder.mid_block},
 * {@code encoder.conv_norm_out} (before the SiLU), {@code encoder.conv_out}, {@code quant_conv},
 * {@code posterior_mean}, {@code posterior_logvar} (B, C, h, w); {@code encoder.mid_block.attentions.0.x} (B, S, C:
 * the attention's input tokens, before its GroupNorm), {@code .q|.k|.v} (B, 1, S, C), {@code .probs} (B, 1, S, S),
 * {@code .out} (B, S, C: to_out.0, before the residual).
 *
 * <p>Checkpoints: diffusers' current attention names ({@code to_q|to_k|to_v|to_out.0}) and the pre-0.14 names of
 * CompVis/stable-diffusion-v1-4's {@code vae/} ({@code query|key|value|proj_attn}) both load.
 */
public final class VaeEncoder implements AutoCloseable {

    /** The architecture, from an AutoencoderKL {@code config.json}. {@code shiftFactor} is 0 where the config has null. */
    public record Config(int inChannels, int[] blockOutChannels, int layersPerBlock, int latentChannels, int normNumGroups,
                         double scalingFactor, double shiftFactor, boolean useQuantConv, boolean midBlockAttention) {

        /** The fields {@link #fromJson} reads or checks. */
        static final java.util.Set<String> USED_FIELDS = java.util.Set.of("_class_name", "block_out_channels", "latent_channels", "down_block_types",
                "act_fn", "norm_num_groups", "in_channels", "layers_per_block", "scaling_factor", "shift_factor", "use_quant_conv", "mid_block_add_attention");

        /**
         * Fields that leave the encoder alone: the decoder's (we encode only), the input size the model was trained at,
         * force_upcast (a float16 precision switch; we run float32), and latent statistics when absent.
         */
        static final java.util.Map<String, java.util.function.Predicate<JsonElement>> HARMLESS_FIELDS = java.util.Map.of(
                "out_channels", v -> true,
                "up_block_types", v -> true,
                "use_post_quant_conv", v -> true,
                "sample_size", v -> true,
                "force_upcast", v -> true,
                "latents_mean", JsonElement::isJsonNull,
                "latents_std", JsonElement::isJsonNull);

        public static Config fromJson(Path configJson) {
            JsonObject c = org.pathways.common.JsonFiles.readObject(configJson);
            try {
                if (value(c, "_class_name") && !c.get("_class_name").getAsString().equals("AutoencoderKL")) {
                    throw new InvalidInputException(configJson + ": not an AutoencoderKL config (_class_name " + c.get("_class_name").getAsString() + ")");
                }
                if (!c.has("block_out_channels") || !c.has("latent_channels")) {
                    throw new InvalidInputException(configJson + ": not an AutoencoderKL config (no block_out_channels / latent_channels)");
                }
                JsonElement channelsJson = c.get("block_out_channels");
                int[] channels = new int[channelsJson.getAsJsonArray().size()];
                for (int i = 0; i < channels.length; i++) channels[i] = channelsJson.getAsJsonArray().get(i).getAsInt();
                if (c.has("down_block_types")) {
                    for (JsonElement t : c.getAsJsonArray("down_block_types")) {
                        if (!t.getAsString().equals("DownEncoderBlock2D")) {
                            throw new InvalidInputException(configJson + ": down block type " + t.getAsString() + " is not supported by this AutoencoderKL encoder");
                        }
                    }
                    if (c.getAsJsonArray("down_block_types").size() != channels.length) {
                        throw new InvalidInputException(configJson + ": " + channels.length + " block_out_channels but " + c.getAsJsonArray("down_block_types").size() + " down block types");
                    }
                }
                if (c.has("act_fn") && !c.get("act_fn").getAsString().equals("silu")) {
                    throw new InvalidInputException(configJson + ": act_fn " + c.get("act_fn").getAsString() + " is not supported by this AutoencoderKL encoder (silu)");
                }
                int groups = value(c, "norm_num_groups") ? c.get("norm_num_groups").getAsInt() : 32;
                for (int ch : channels) if (ch % groups != 0) throw new InvalidInputException(configJson + ": " + ch + " channels are not divisible into norm_num_groups " + groups);
                org.pathways.common.ConfigFields.warnIgnored(configJson, c, USED_FIELDS, HARMLESS_FIELDS, org.pathways.common.Warnings::print);
                return new Config(value(c, "in_channels") ? c.get("in_channels").getAsInt() : 3, channels,
                        value(c, "layers_per_block") ? c.get("layers_per_block").getAsInt() : 1, c.get("latent_channels").getAsInt(), groups,
                        value(c, "scaling_factor") ? c.get("scaling_factor").getAsDouble() : 0.18215,
                        value(c, "shift_factor") ? c.get("shift_factor").getAsDouble() : 0,
                        !value(c, "use_quant_conv") || c.get("use_quant_conv").getAsBoolean(),
                        !value(c, "mid_block_add_attention") || c.get("mid_block_add_attention").getAsBoolean());
            } catch (InvalidInputException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new InvalidInputException(configJson + ": not an AutoencoderKL config (" + e + ")", e);
            }
        }

        private static boolean value(JsonObject c, String key) {
            return c.has(key) && !c.get(key).isJsonNull();
        }
    }

    /** The encoder's diagonal Gaussian over latents (unscaled): mean and clamped log-variance, (B, latent, h, w). */
    public record Posterior(NDArray mean, NDArray logvar) {
        public NDArray std() {
            return logvar.mul(0.5).exp();
        }

        /** mean + std * eps, eps ~ N(0, 1) of the mean's shape. */
        public NDArray sample(NDArray eps) {
            return mean.add(std().mul(eps));
        }
    }

    /** diffusers' VAE GroupNorms all use eps 1e-6. */
    static final double EPS = 1e-6;
    private static final String ATTENTION = "encoder.mid_block.attentions.0";

    private final Config config;
    private final NDManager manager;
    private final Map<String, NDArray> weights = new HashMap<>();

    private VaeEncoder(Config config, NDManager manager) {
        this.config = config;
        this.manager = manager;
    }

    /**
     * Loads the encoder and quant_conv from an AutoencoderKL checkpoint (extra decoder keys are ignored).
     * {@code weightsFileOrFolder}: a {@code .safetensors} file, a diffusers folder (config.json beside
     * diffusion_pytorch_model[.fp16].safetensors), or a pipeline folder with a {@code vae/} subfolder;
     * {@code configOrNull}: the config.json, or null for the one beside the weights.
     */
    public static VaeEncoder load(NDManager parent, Path weightsFileOrFolder, Path configOrNull) {
        DiffusersBlocks.Checkpoint files = DiffusersBlocks.checkpoint(weightsFileOrFolder, configOrNull, "vae", "Stable Diffusion VAE");
        Config config = Config.fromJson(files.config());
        return fromTensors(parent, config, SafeTensors.read(files.weights()), files.weights());
    }

    /** A model from tensors in memory ({@code file} names them in errors); legacy attention names are renamed. */
    public static VaeEncoder fromTensors(NDManager parent, Config config, Map<String, SafeTensors.Tensor> tensors, Object file) {
        VaeEncoder vae = new VaeEncoder(config, parent.newSubManager());
        try {
            if (!tensors.containsKey("encoder.conv_in.weight") && tensors.containsKey("time_embedding.linear_1.weight")) {
                throw new InvalidInputException(file + ": missing key encoder.conv_in.weight for the Stable Diffusion VAE (this looks like a UNet checkpoint: it has time_embedding.linear_1.weight)");
            }
            vae.weights.putAll(SafeTensors.checked(currentAttentionNames(tensors), expectedShapes(config), vae.manager, file,
                    "the Stable Diffusion VAE encoder (diffusers AutoencoderKL layout)"));
        } catch (RuntimeException e) {
            vae.close();
            throw e;
        }
        return vae;
    }

    /**
     * Pre-0.14 diffusers attention names ({@code query, key, value, proj_attn}, as in CompVis/stable-diffusion-v1-4's
     * vae/) renamed to the current ones, as diffusers' {@code _convert_deprecated_attention_blocks} does; 1x1-conv
     * shaped projections (C, C, 1, 1) become (C, C).
     */
    static Map<String, SafeTensors.Tensor> currentAttentionNames(Map<String, SafeTensors.Tensor> in) {
        Map<String, SafeTensors.Tensor> out = new LinkedHashMap<>();
        String[][] renames = {{".query.", ".to_q."}, {".key.", ".to_k."}, {".value.", ".to_v."}, {".proj_attn.", ".to_out.0."}};
        for (SafeTensors.Tensor t : in.values()) {
            String name = t.name();
            long[] shape = t.shape();
            if (name.contains("mid_block.attentions.")) {
                for (String[] r : renames) name = name.replace(r[0], r[1]);
                if (!name.equals(t.name()) && shape.length == 4 && shape[2] == 1 && shape[3] == 1) shape = new long[] {shape[0], shape[1]};
            }
            out.put(name, name.equals(t.name()) ? t : new SafeTensors.Tensor(name, t.dtype(), shape, t.values()));
        }
        return out;
    }

    /** Every weight the encoder reads, name to shape. */
    static Map<String, long[]> expectedShapes(Config c) {
        Map<String, long[]> s = new LinkedHashMap<>();
        int[] ch = c.blockOutChannels();
        int n = ch.length;
        DiffusersBlocks.convShape(s, "encoder.conv_in", ch[0], c.inChannels(), 3);
        for (int i = 0; i < n; i++) {
            String b = "encoder.down_blocks." + i;
            for (int j = 0; j < c.layersPerBlock(); j++) DiffusersBlocks.resnetShapes(s, b + ".resnets." + j, j == 0 ? ch[Math.max(i - 1, 0)] : ch[i], ch[i], 0);
            if (i < n - 1) DiffusersBlocks.convShape(s, b + ".downsamplers.0.conv", ch[i], ch[i], 3);
        }
        int top = ch[n - 1];
        DiffusersBlocks.resnetShapes(s, "encoder.mid_block.resnets.0", top, top, 0);
        if (c.midBlockAttention()) {
            DiffusersBlocks.vector(s, ATTENTION + ".group_norm", top);
            DiffusersBlocks.attentionShapes(s, ATTENTION, top, top, true);
        }
        DiffusersBlocks.resnetShapes(s, "encoder.mid_block.resnets.1", top, top, 0);
        DiffusersBlocks.vector(s, "encoder.conv_norm_out", top);
        DiffusersBlocks.convShape(s, "encoder.conv_out", 2L * c.latentChannels(), top, 3);
        if (c.useQuantConv()) DiffusersBlocks.convShape(s, "quant_conv", 2L * c.latentChannels(), 2L * c.latentChannels(), 1);
        return s;
    }

    public Config config() {
        return config;
    }

    /**
     * The posterior of an image (B, in_channels, H, W) with values in [-1, 1] (SD's preprocessing: 2 x - 1 of [0, 1]
     * RGB). Latents are (B, latent_channels, ceil-halved once per downsampler). Results live in the image's manager
     * (the same arrays as the posterior taps when those were asked for).
     */
    public Posterior encode(NDArray image, Taps taps) {
        Shape s = image.getShape();
        if (s.dimension() != 4 || s.get(1) != config.inChannels()) {
            throw new InvalidInputException("VAE image must be (B, " + config.inChannels() + ", H, W) in [-1, 1], got " + s);
        }
        NDManager caller = image.getManager();
        int[] ch = config.blockOutChannels();
        int n = ch.length;
        int groups = config.normNumGroups();
        NDArray mean;
        NDArray logvar;
        try (NDManager scope = manager.newSubManager()) {
            scope.tempAttachAll(weights.values().toArray(new NDArray[0])); // ops on weights land in this pass
            scope.tempAttachAll(image);
            NDArray h = DiffusersBlocks.conv(weights, image, "encoder.conv_in", 1, 1);
            taps.offer("encoder.conv_in", h);
            for (int i = 0; i < n; i++) {
                String b = "encoder.down_blocks." + i;
                for (int j = 0; j < config.layersPerBlock(); j++) {
                    String resnet = b + ".resnets." + j;
                    h = Layers.stage(scope, h, taps, in -> DiffusersBlocks.resnet(weights, in, null, resnet, groups, EPS));
                }
                if (i < n - 1) h = Layers.stage(scope, h, taps, in -> DiffusersBlocks.downsample(weights, in, b + ".downsamplers.0", 0));
                taps.offer(b, h);
            }
            h = Layers.stage(scope, h, taps, in -> DiffusersBlocks.resnet(weights, in, null, "encoder.mid_block.resnets.0", groups, EPS));
            if (config.midBlockAttention()) h = Layers.stage(scope, h, taps, in -> midAttention(in, taps));
            h = Layers.stage(scope, h, taps, in -> DiffusersBlocks.resnet(weights, in, null, "encoder.mid_block.resnets.1", groups, EPS));
            taps.offer("encoder.mid_block", h);
            NDArray moments = Layers.stage(scope, h, taps, in -> {
                NDArray normed = DiffusersBlocks.groupNorm(weights, in, "encoder.conv_norm_out", groups, EPS);
                taps.offer("encoder.conv_norm_out", normed);
                NDArray out = DiffusersBlocks.conv(weights, DiffusersBlocks.silu(normed), "encoder.conv_out", 1, 1);
                taps.offer("encoder.conv_out", out);
                if (config.useQuantConv()) {
                    out = DiffusersBlocks.conv(weights, out, "quant_conv", 1, 0);
                    taps.offer("quant_conv", out);
                }
                return out;
            });
            int latent = config.latentChannels();
            mean = moments.get(":, 0:" + latent);
            logvar = moments.get(":, " + latent + ":").clip(-30, 20);
            taps.offer("posterior_mean", mean);
            taps.offer("posterior_logvar", logvar);
            taps.keepAll();
            if (mean.getManager() == scope) mean.attach(caller);
            if (logvar.getManager() == scope) logvar.attach(caller);
        }
        return new Posterior(mean, logvar);
    }

    /**
     * SD's latents for an image: (mean + std * eps - shift_factor) * scaling_factor, eps ~ N(0, 1) from
     * {@code java.util.Random(seed)} (so not torch's draw). In the image's manager.
     */
    public NDArray latents(NDArray image, long seed) {
        NDManager owner = image.getManager();
        try (NDManager scope = owner.newSubManager()) {
            // the encoder's intermediates (about 3 GB at 512 x 512) follow the image into this scope and are freed with it
            scope.tempAttachAll(image);
            Posterior p = encode(image, new Taps(scope));
            p.mean().attach(scope);
            p.logvar().attach(scope);
            java.util.Random random = new java.util.Random(seed);
            float[] eps = new float[(int) p.mean().size()];
            for (int i = 0; i < eps.length; i++) eps[i] = (float) random.nextGaussian();
            NDArray z = scale(p.sample(scope.create(eps, p.mean().getShape())));
            z.attach(owner);
            return z;
        }
    }

    /** (z - shift_factor) * scaling_factor: the UNet's latent space from the VAE's. */
    public NDArray scale(NDArray z) {
        NDArray shifted = config.shiftFactor() == 0 ? z : z.sub(config.shiftFactor());
        return shifted.mul(config.scalingFactor());
    }

    /**
     * UNetMidBlock2D's Attention (one head of all channels, q/k/v/out biases, residual_connection): tokens of x,
     * GroupNorm (eps 1e-6), attention, back to the grid, plus x.
     */
    private NDArray midAttention(NDArray x, Taps taps) {
        Shape s = x.getShape();
        taps.offer(ATTENTION + ".x", DiffusersBlocks.tokens(x));
        NDArray normed = DiffusersBlocks.tokens(DiffusersBlocks.groupNorm(weights, x, ATTENTION + ".group_norm", config.normNumGroups(), EPS));
        NDArray attended = DiffusersBlocks.attention(weights, normed, null, ATTENTION, 1, ATTENTION, taps);
        return DiffusersBlocks.grid(attended, s.get(2), s.get(3)).add(x);
    }

    @Override
    public void close() {
        manager.close();
    }
}
