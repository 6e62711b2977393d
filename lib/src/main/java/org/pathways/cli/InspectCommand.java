package org.pathways.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pathways.data.Images;
import org.pathways.common.InvalidInputException;
import org.pathways.data.NdData;
import org.pathways.data.Npy;
import org.pathways.model.Backbones;
import org.pathways.model.Clip;
import org.pathways.model.ClipTokenizer;
import org.pathways.model.TextEncoder;
import org.pathways.model.ImageTower;
import org.pathways.model.Taps;
import org.pathways.model.Unet;
import org.pathways.model.VaeEncoder;
import org.pathways.model.VitBackbone;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"One forward pass of a model; every requested tap is written as OUT/<tap name>.npy (float32, batch 1 first), "
                + "e.g. blocks.0.attn.patch_probs.npy of shape 1 x heads x N x N.",
            "Taps: patch_embed, pos_embed, embed, blocks.I.attn.q|k|v|logits|probs|patch_probs, blocks.I.out, final, pooled "
                + "(CLIP also pre_norm, image_embeds). Patterns: * within one dot-separated part, ** anything.",
            "Stable Diffusion, taps named by the diffusers module path: --backbone sd-unet --tensor SAMPLE.npy (1 x 4 x h x w, fed as it is) "
                + "--timestep T --context CONTEXT.npy (1 x 77 x C): <block>.attn1|attn2.x|q|k|v|probs|out (e.g. "
                + "down_blocks.0.attentions.0.transformer_blocks.0.attn1.probs), time_proj, time_embedding, conv_in, down_blocks.I, mid_block, "
                + "up_blocks.I, conv_norm_out, conv_out. --backbone sd-vae --tensor IMAGE.npy (1 x 3 x H x W in [-1, 1]): encoder.conv_in, "
                + "encoder.down_blocks.I, encoder.mid_block, encoder.mid_block.attentions.0.x|q|k|v|probs|out, encoder.conv_norm_out, "
                + "encoder.conv_out, quant_conv, posterior_mean, posterior_logvar. --weights takes the .safetensors or a diffusers folder "
                + "(config.json beside the weights, or unet/ and vae/ inside).",
            "Text towers: --backbone sd-text (SD's CLIPTextModel, causal mask only) or clip-vitb16 with --text or --input-ids: text.embed, "
                + "text.blocks.I.out, text.final (last_hidden_state), text.pooled."})
final class InspectCommand implements Callable<Integer> {
    @Option(names = "--backbone", required = true, description = "Model: dino-vits16, dino-vits8, dino-vitb16, dino-vitb8, clip-vitb16, mae-vitb16, sd-unet, sd-vae, sd-text.")
    String backbone;

    @Option(names = "--weights", paramLabel = "FILE", description = "Checkpoint (.safetensors; default: where data-scripts/fetch-weights.sh puts it).")
    Path weights;

    @Option(names = "--config", paramLabel = "FILE.json", description = "A Hugging Face config.json for a model that is not exactly the preset; its values win, with a warning.")
    Path config;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--image", paramLabel = "IMG", description = "An image, resized as for segment (--vit-resize) and normalised.") Path image;
        @Option(names = "--tensor", paramLabel = "X.npy", description = "An already normalised 1 x 3 x H x W input (H, W multiples of the patch).") Path tensor;
        @Option(names = "--text", paramLabel = "TEXT", description = "sd-text, clip-vitb16: a prompt, tokenised by the library (padded to 77 with the end marker).") String text;
        @Option(names = "--input-ids", paramLabel = "IDS.npy", description = "sd-text, clip-vitb16: token ids, B x L integers (no padding mask, as transformers without attention_mask).") Path inputIds;
    }

    @Option(names = "--timestep", paramLabel = "T", description = "sd-unet: the diffusion timestep (an integer, cast to float as diffusers does).")
    Integer timestep;

    @Option(names = "--context", paramLabel = "CONTEXT.npy", description = "sd-unet: the text conditioning, 1 x 77 x C (encoder_hidden_states).")
    Path context;

    @Option(names = "--taps", required = true, split = ",", paramLabel = "PATTERN", description = "Taps to write, e.g. blocks.*.attn.patch_probs,final.")
    String[] taps;

    @Option(names = "--vit-resize", defaultValue = "paper", description = "For --image: paper (short side 448) or authors (480 x 480) (default: ${DEFAULT-VALUE}).")
    String resize;

    @Option(names = "--pos-embed", description = "Override how a ViT's position embeddings follow the grid: dino, size, timm or sincos (default: the preset's).")
    String positions;

    @Option(names = "--out", defaultValue = "results/inspect", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    /** --image is read like segment's images. */
    @picocli.CommandLine.Mixin
    PartialImagesOption partialImages;

    @Override
    public Integer call() throws IOException {
        if (backbone.equals("sd-unet") || backbone.equals("sd-vae")) return diffusers();
        if (backbone.equals("sd-text") || input.text != null || input.inputIds != null) return text();
        Path file = weights != null ? weights : VitBackbone.defaultWeights(backbone);
        Backbones.Tower tower = Backbones.tower(backbone, file, config, BackboneOptions.positionMode(positions),
                org.pathways.common.Warnings::print);
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new InvalidInputException(file + ": no weights for " + backbone + "; run data-scripts/fetch-weights.sh " + backbone + " or pass --weights FILE");
        }
        try (NDManager manager = NDManager.newBaseManager(); ImageTower model = tower.loader().apply(manager)) {
            NDArray x = input.tensor != null ? readTensor(manager, input.tensor, 3, "1 x 3 x H x W")
                    : model.normalise(readImage(manager, input.image, tower.patch()));
            Taps wanted = new Taps(manager, taps);
            model.forward(x, wanted);
            write(wanted);
        }
        return 0;
    }

    /** Stable Diffusion's UNet or VAE encoder on a tensor, from a diffusers checkpoint (default: the fetched sd14 folder). */
    private Integer diffusers() throws IOException {
        boolean unet = backbone.equals("sd-unet");
        if (input.tensor == null) throw new InvalidInputException("--backbone " + backbone + " takes --tensor " + (unet ? "SAMPLE.npy (1 x 4 x h x w latents)" : "IMAGE.npy (1 x 3 x H x W in [-1, 1])"));
        if (unet && timestep == null) throw new InvalidInputException("--backbone sd-unet needs --timestep T");
        if (unet && context == null) throw new InvalidInputException("--backbone sd-unet needs --context CONTEXT.npy (1 x 77 x C)");
        Path file = weights != null ? weights : VitBackbone.defaultWeights("sd14").resolveSibling("sd14");
        try (NDManager manager = NDManager.newBaseManager()) {
            Taps wanted = new Taps(manager, taps);
            if (unet) {
                NDArray sample = readTensor(manager, input.tensor, -1, "1 x C x h x w");
                NDArray conditioning = readTensor(manager, context, 0, "1 x 77 x C");
                try (Unet model = Unet.load(manager, file, config)) {
                    model.forward(sample, timestep, conditioning, wanted);
                }
            } else {
                NDArray image = readTensor(manager, input.tensor, 3, "1 x 3 x H x W");
                try (VaeEncoder model = VaeEncoder.load(manager, file, config)) {
                    model.encode(image, wanted);
                }
            }
            write(wanted);
        }
        return 0;
    }

    /** A text tower on --text or --input-ids: SD's text encoder, or CLIP ViT-B/16's text tower. */
    private Integer text() throws IOException {
        if (input.text == null && input.inputIds == null) throw new InvalidInputException("--backbone " + backbone + " takes --text TEXT or --input-ids IDS.npy");
        boolean sd = backbone.equals("sd-text");
        if (!sd && !backbone.equals("clip-vitb16")) throw new InvalidInputException("--text and --input-ids need a text tower: --backbone sd-text or clip-vitb16, not " + backbone);
        Path sd14 = VitBackbone.defaultWeights("sd14").resolveSibling("sd14");
        Path file = weights != null ? weights : sd ? sd14.resolve("text_encoder") : VitBackbone.defaultWeights(backbone);
        try (NDManager manager = NDManager.newBaseManager()) {
            Taps wanted = new Taps(manager, taps);
            if (sd) {
                try (TextEncoder model = TextEncoder.load(manager, file, config)) {
                    long[][] ids = input.inputIds != null ? readIds(input.inputIds)
                            : new long[][] {model.promptIds(ClipTokenizer.fromFiles(sd14.resolve("tokenizer").resolve("vocab.json"), sd14.resolve("tokenizer").resolve("merges.txt")), input.text)};
                    model.encode(ids, wanted);
                }
            } else {
                Backbones.Tower tower = Backbones.tower(backbone, file, config, null, org.pathways.common.Warnings::print);
                if (!java.nio.file.Files.isRegularFile(file)) {
                    throw new InvalidInputException(file + ": no weights for " + backbone + "; run data-scripts/fetch-weights.sh " + backbone + " or pass --weights FILE");
                }
                try (ImageTower model = tower.loader().apply(manager)) {
                    Clip clip = (Clip) model;
                    int[][] ids;
                    int[][] mask;
                    if (input.inputIds != null) {
                        long[][] read = readIds(input.inputIds);
                        ids = new int[read.length][];
                        for (int b = 0; b < read.length; b++) ids[b] = java.util.Arrays.stream(read[b]).mapToInt(v -> (int) v).toArray();
                        mask = null;
                    } else {
                        int[][][] packed = org.pathways.pipeline.OpenVocabSegmentation.tokenizer(null, null, file).batchToLongest(java.util.List.of(input.text), 77);
                        ids = packed[0];
                        mask = packed[1];
                    }
                    clip.encodeText(ids, mask, wanted);
                }
            }
            write(wanted);
        }
        return 0;
    }

    /** B x L token ids from an integer .npy. */
    private static long[][] readIds(Path file) throws IOException {
        NdData d;
        try {
            d = Npy.read(file);
        } catch (IOException e) {
            throw new InvalidInputException(e.getMessage(), e);
        }
        if (d.rank() != 2) throw new InvalidInputException(file + ": shape " + d.shapeString() + " is not B x L token ids");
        if (!d.dtype().startsWith("i") && !d.dtype().startsWith("u")) throw new InvalidInputException(file + ": dtype " + d.dtype() + " is not an integer type (token ids)");
        long[][] out = new long[d.shape()[0]][d.shape()[1]];
        for (int b = 0; b < out.length; b++) for (int i = 0; i < out[b].length; i++) out[b][i] = (long) d.values()[b * out[b].length + i];
        return out;
    }

    /** Every captured tap as OUT/<name>.npy (float32), one line each on stdout. */
    private void write(Taps wanted) throws IOException {
        if (wanted.captured().isEmpty()) throw new InvalidInputException("no tap of " + backbone + " matches " + String.join(",", taps));
        for (Map.Entry<String, NDArray> e : wanted.captured().entrySet()) {
            long[] shape = e.getValue().getShape().getShape();
            int[] dims = java.util.Arrays.stream(shape).mapToInt(v -> (int) v).toArray();
            Npy.writeFloat32(out.resolve(e.getKey() + ".npy"), dims, e.getValue().toFloatArray());
            System.out.println(e.getKey() + " " + java.util.Arrays.toString(shape));
        }
        System.err.println(wanted.captured().size() + " taps written to " + out);
    }

    /**
     * A float tensor from .npy with batch 1: rank 4 with {@code channels} channels (-1: any), or rank 3 when
     * {@code channels} is 0 (a 1 x L x C conditioning).
     */
    private static NDArray readTensor(NDManager manager, Path file, int channels, String expected) throws IOException {
        NdData d;
        try {
            d = Npy.read(file);
        } catch (IOException e) {
            throw new InvalidInputException(e.getMessage(), e);
        }
        int rank = channels == 0 ? 3 : 4;
        if (d.rank() != rank || d.shape()[0] != 1 || (channels > 0 && d.shape()[1] != channels)) {
            throw new InvalidInputException(file + ": shape " + d.shapeString() + " is not " + expected);
        }
        if (d.firstNonFinite() >= 0) throw new InvalidInputException(file + ": NaN or Inf at flat index " + d.firstNonFinite());
        // integers are a fine tensor, but often a sign of unscaled pixels (0..255): say what was done
        if (!d.dtype().startsWith("f")) {
            String numpy = java.util.Map.of("i8", "int64", "i4", "int32", "i2", "int16", "i1", "int8", "u8", "uint64", "u4", "uint32", "u2", "uint16",
                    "u1", "uint8", "b1", "bool").getOrDefault(d.dtype(), d.dtype());
            org.pathways.common.Warnings.print(file + ": " + numpy + " values taken as float32 (" + expected + " is a float tensor)");
        }
        long[] shape = java.util.Arrays.stream(d.shape()).asLongStream().toArray();
        return manager.create(d.asFloats(), new Shape(shape));
    }

    private NDArray readImage(NDManager manager, Path file, int patch) {
        BufferedImage image = Images.read(file);
        VitBackbone.Resize mode = BackboneOptions.resizeMode(resize);
        int[] size = VitBackbone.inputSize(mode, patch, image.getHeight(), image.getWidth());
        BufferedImage resized = org.pathways.data.Images.resize(image, size[1], size[0], true); // bilinear, as segment
        return manager.create(VitBackbone.channelsFirst(resized), new Shape(1, 3, size[0], size[1]));
    }
}
