package org.pathways.model;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.pathways.common.AtomicFiles;

/**
 * Small random-weight models in the real file formats, for trying the pipelines offline (notebooks, tests): their
 * outputs mean nothing, but every loader, tap and table runs as it would on the released checkpoints.
 */
public final class SampleModels {
    private SampleModels() {}

    /** A tiny CLIP: 4-layer 64-wide towers, 16-pixel patches, a byte-level vocabulary (514 tokens, no merges). */
    public static final Clip.Config TINY_CLIP = new Clip.Config("clip-vitb16", 16, 224, new Clip.Tower(64, 4, 4, 256, 1e-5),
            new Clip.Tower(64, 2, 4, 256, 1e-5), 514, 77, 513, 64);

    /** The files of a written model: weights, Hugging Face config.json, tokenizer vocabulary and merges. */
    public record ClipFiles(Path weights, Path config, Path vocab, Path merges) {}

    /** The tiny CLIP as a backbone (paper input size: short side 448). */
    public static VitBackbone tinyClipBackbone(ClipFiles files) {
        return new VitBackbone(TINY_CLIP.name(), TINY_CLIP.patch(), files.weights(), VitBackbone.Resize.PAPER, m -> Clip.load(m, TINY_CLIP, files.weights()));
    }

    /** The tiny CLIP's tokenizer. */
    public static ClipTokenizer tinyClipTokenizer(ClipFiles files) {
        return ClipTokenizer.fromFiles(files.vocab(), files.merges());
    }

    /** Writes the tiny CLIP into {@code dir} (kept if already there, since it is deterministic). */
    public static ClipFiles tinyClip(Path dir, long seed) throws IOException {
        Files.createDirectories(dir);
        ClipFiles files = new ClipFiles(dir.resolve("clip-tiny.safetensors"), dir.resolve("clip-tiny.config.json"),
                dir.resolve("clip-tiny.vocab.json"), dir.resolve("clip-tiny.merges.txt"));
        if (!Files.isRegularFile(files.weights())) {
            SafeTensors.writeFloat32(files.weights(), Clip.randomWeights(TINY_CLIP, seed)); // atomic itself
        }
        String config = Clip.huggingFaceConfig(TINY_CLIP);
        AtomicFiles.write(files.config(), tmp -> Files.writeString(tmp, config, StandardCharsets.UTF_8));
        JsonObject vocab = new JsonObject();
        String[] bytes = ClipTokenizer.byteToUnicode();
        int id = 0;
        for (String b : bytes) vocab.addProperty(b, id++);
        for (String b : bytes) vocab.addProperty(b + "</w>", id++);
        vocab.addProperty(ClipTokenizer.START, id++);
        vocab.addProperty(ClipTokenizer.END, id);
        AtomicFiles.write(files.vocab(), tmp -> Files.writeString(tmp, vocab.toString(), StandardCharsets.UTF_8));
        AtomicFiles.write(files.merges(), tmp -> Files.writeString(tmp, "#version: 0.2\n", StandardCharsets.UTF_8));
        return files;
    }

    /** The tiny UNet of golden/sd's README: 2 blocks of 32 and 64 channels, 2 heads, self-attention at 16 x 16 and 8 x 8. */
    static final String TINY_UNET_JSON = """
            {"_class_name": "UNet2DConditionModel", "act_fn": "silu", "attention_head_dim": 2, "block_out_channels": [32, 64],
             "center_input_sample": false, "cross_attention_dim": 32, "down_block_types": ["CrossAttnDownBlock2D", "DownBlock2D"],
             "downsample_padding": 1, "flip_sin_to_cos": true, "freq_shift": 0, "in_channels": 4, "layers_per_block": 1,
             "mid_block_scale_factor": 1, "mid_block_type": "UNetMidBlock2DCrossAttn", "norm_eps": 1e-05, "norm_num_groups": 8,
             "out_channels": 4, "sample_size": 16, "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D"], "use_linear_projection": false}
            """;

    /** The tiny VAE: 2 encoder blocks (spatial factor 2), 32 x 32 input, SD's scaling factor. */
    static final String TINY_VAE_JSON = """
            {"_class_name": "AutoencoderKL", "act_fn": "silu", "block_out_channels": [32, 64],
             "down_block_types": ["DownEncoderBlock2D", "DownEncoderBlock2D"], "in_channels": 3, "latent_channels": 4,
             "layers_per_block": 1, "mid_block_add_attention": true, "norm_num_groups": 8, "out_channels": 3, "sample_size": 32,
             "scaling_factor": 0.18215, "shift_factor": null, "use_quant_conv": true}
            """;

    /** The tiny CLIP text encoder: 32 wide, 2 layers, 2 heads, vocabulary 1000 (start 998, end 999 as SD's last two ids). */
    static final String TINY_TEXT_JSON = """
            {"architectures": ["CLIPTextModel"], "bos_token_id": 998, "eos_token_id": 999, "hidden_act": "quick_gelu",
             "hidden_size": 32, "intermediate_size": 64, "layer_norm_eps": 1e-05, "max_position_embeddings": 77,
             "model_type": "clip_text_model", "num_attention_heads": 2, "num_hidden_layers": 2, "pad_token_id": 999, "vocab_size": 1000}
            """;

    /** CompVis/stable-diffusion-v1-4's vae/config.json (norm groups and scaling factor at diffusers' defaults, 32 and 0.18215). */
    static final String SD14_VAE_JSON = """
            {"_class_name": "AutoencoderKL", "_diffusers_version": "0.2.2", "act_fn": "silu", "block_out_channels": [128, 256, 512, 512],
             "down_block_types": ["DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D"],
             "in_channels": 3, "latent_channels": 4, "layers_per_block": 2, "out_channels": 3, "sample_size": 512,
             "up_block_types": ["UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D"]}
            """;

    /** CompVis/stable-diffusion-v1-4's text_encoder/config.json: CLIP ViT-L/14's text tower. */
    static final String SD14_TEXT_JSON = """
            {"architectures": ["CLIPTextModel"], "attention_dropout": 0.0, "bos_token_id": 0, "dropout": 0.0, "eos_token_id": 2,
             "hidden_act": "quick_gelu", "hidden_size": 768, "initializer_factor": 1.0, "initializer_range": 0.02,
             "intermediate_size": 3072, "layer_norm_eps": 1e-05, "max_position_embeddings": 77, "model_type": "clip_text_model",
             "num_attention_heads": 12, "num_hidden_layers": 12, "pad_token_id": 1, "projection_dim": 768, "vocab_size": 49408}
            """;

    /** CompVis/stable-diffusion-v1-4's scheduler_config.json (PNDM, scaled_linear 0.00085..0.012 over 1000 steps). */
    static final String SD14_SCHEDULER_JSON = """
            {"_class_name": "PNDMScheduler", "beta_end": 0.012, "beta_schedule": "scaled_linear", "beta_start": 0.00085,
             "clip_sample": false, "num_train_timesteps": 1000, "set_alpha_to_one": false, "skip_prk_steps": true,
             "steps_offset": 1, "trained_betas": null}
            """;

    /**
     * How much the self-attention's query weights are scaled up. N(0, 0.02) weights give logits of about 0.01, so every
     * attention row would be nearly uniform and every picture flat; with the keys tied to the queries (below) a gain of
     * GAIN makes q.k a feature similarity of a few units, so a node attends to the tokens that look like it.
     */
    static final float SELF_ATTENTION_GAIN = 12f;

    /**
     * The VAE posterior's shape: a trained VAE's is nearly deterministic and its scaled latents have about unit
     * variance (SD chose 0.18215 for that); random weights give a mean near 0 and a log-variance near 0, so the
     * posterior sample would be the noise alone. The quant_conv's mean rows are scaled by this gain and its
     * log-variance bias set to {@link #VAE_LOGVAR} (std e^-5), so the scaled latents are of a few units and the
     * noised ones still carry the image (a node of the sky then attends mostly to the sky).
     */
    static final float VAE_MEAN_GAIN = 3000f;
    static final float VAE_LOGVAR = -10f;

    /**
     * Writes a tiny random Stable Diffusion pipeline into {@code dir} in the diffusers layout that
     * {@link StableDiffusionBackbone} reads ({@code unet/}, {@code vae/}, {@code text_encoder/},
     * {@code scheduler/}), with the sizes of the tiny golden models (golden/sd/README.md) but generated here, so a
     * clone without the golden data can run {@code sd14}. Deterministic in {@code seed}; weight files already there
     * are kept; every file is written atomically. Returns {@code dir}, the folder to pass as sd14's weights.
     */
    public static Path tinyStableDiffusion(Path dir, long seed) throws IOException {
        return stableDiffusion(dir, seed, TINY_UNET_JSON, TINY_VAE_JSON, TINY_TEXT_JSON);
    }

    /**
     * As {@link #tinyStableDiffusion}, at SD 1.4's full size (the configs of CompVis/stable-diffusion-v1-4: a 859.5 M
     * parameter UNet, 512 x 512 input, CLIP ViT-L/14's text tower), random weights: the memory and speed of a real
     * sd14 run without the download (about 4.3 GB of float32 files; {@code bench --part sd} writes it once).
     */
    public static Path fullSizeStableDiffusion(Path dir, long seed) throws IOException {
        return stableDiffusion(dir, seed, Unet.Config.SD14_JSON, SD14_VAE_JSON, SD14_TEXT_JSON);
    }

    private static Path stableDiffusion(Path dir, long seed, String unetJson, String vaeJson, String textJson) throws IOException {
        writeText(dir.resolve("unet/config.json"), unetJson);
        writeText(dir.resolve("vae/config.json"), vaeJson);
        writeText(dir.resolve("text_encoder/config.json"), textJson);
        writeText(dir.resolve("scheduler/scheduler_config.json"), SD14_SCHEDULER_JSON);

        Path unetWeights = dir.resolve("unet/diffusion_pytorch_model.safetensors");
        if (!Files.isRegularFile(unetWeights)) {
            Map<String, SafeTensors.Tensor> w = SafeTensors.random(Unet.expectedShapes(Unet.Config.fromJson(dir.resolve("unet/config.json"))), seed);
            for (String name : w.keySet()) {
                if (!name.endsWith(".attn1.to_q.weight")) continue;
                // keys tied to queries: q.k = x^T Wq^T Wq x' is a similarity (positive for x' = x), unlike two random matrices
                SafeTensors.Tensor q = scaled(w.get(name), SELF_ATTENTION_GAIN);
                String key = name.replace(".to_q.", ".to_k.");
                w.put(name, q);
                w.put(key, new SafeTensors.Tensor(key, q.dtype(), q.shape(), q.values().clone()));
            }
            SafeTensors.writeFloat32(unetWeights, w);
        }

        Path vaeWeights = dir.resolve("vae/diffusion_pytorch_model.safetensors");
        if (!Files.isRegularFile(vaeWeights)) {
            VaeEncoder.Config vae = VaeEncoder.Config.fromJson(dir.resolve("vae/config.json"));
            Map<String, SafeTensors.Tensor> w = SafeTensors.random(VaeEncoder.expectedShapes(vae), seed + 1);
            // quant_conv: 2 * latent output channels, the mean's first, then the log-variance's (diagonal Gaussian's chunk(2))
            SafeTensors.Tensor weight = w.get("quant_conv.weight");
            float[] values = weight.values().clone();
            int perOutput = values.length / (2 * vae.latentChannels());
            for (int i = 0; i < vae.latentChannels() * perOutput; i++) values[i] *= VAE_MEAN_GAIN;
            w.put(weight.name(), new SafeTensors.Tensor(weight.name(), weight.dtype(), weight.shape(), values));
            SafeTensors.Tensor bias = w.get("quant_conv.bias");
            float[] biases = bias.values().clone();
            for (int c = vae.latentChannels(); c < biases.length; c++) biases[c] = VAE_LOGVAR;
            w.put(bias.name(), new SafeTensors.Tensor(bias.name(), bias.dtype(), bias.shape(), biases));
            SafeTensors.writeFloat32(vaeWeights, w); // the encoder only: nothing here reads a decoder
        }

        Path textWeights = dir.resolve("text_encoder/model.safetensors");
        if (!Files.isRegularFile(textWeights)) {
            TextEncoder.Config text = TextEncoder.Config.fromHuggingFace(dir.resolve("text_encoder/config.json"));
            SafeTensors.writeFloat32(textWeights, SafeTensors.random(TextEncoder.expectedShapes(text), seed + 2));
        }
        return dir;
    }

    private static SafeTensors.Tensor scaled(SafeTensors.Tensor t, float gain) {
        float[] v = t.values().clone();
        for (int i = 0; i < v.length; i++) v[i] *= gain;
        return new SafeTensors.Tensor(t.name(), t.dtype(), t.shape(), v);
    }

    private static void writeText(Path file, String text) throws IOException {
        AtomicFiles.write(file, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
    }
}
