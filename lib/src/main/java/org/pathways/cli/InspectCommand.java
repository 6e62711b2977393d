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
import org.pathways.model.ImageTower;
import org.pathways.model.Taps;
import org.pathways.model.VitBackbone;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"One forward pass of a model; every requested tap is written as OUT/<tap name>.npy (float32, batch 1 first), "
                + "e.g. blocks.0.attn.patch_probs.npy of shape 1 x heads x N x N.",
            "Taps: patch_embed, pos_embed, embed, blocks.I.attn.q|k|v|logits|probs|patch_probs, blocks.I.out, final, pooled "
                + "(CLIP also pre_norm, image_embeds). Patterns: * within one dot-separated part, ** anything."})
final class InspectCommand implements Callable<Integer> {
    @Option(names = "--backbone", required = true, description = "Model: dino-vits16, dino-vits8, dino-vitb16, dino-vitb8, clip-vitb16.")
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
    }

    @Option(names = "--taps", required = true, split = ",", paramLabel = "PATTERN", description = "Taps to write, e.g. blocks.*.attn.patch_probs,final.")
    String[] taps;

    @Option(names = "--vit-resize", defaultValue = "paper", description = "For --image: paper (short side 448) or authors (480 x 480) (default: ${DEFAULT-VALUE}).")
    String resize;

    @Option(names = "--pos-embed", description = "Override how a ViT's position embeddings follow the grid: dino, size, timm or sincos (default: the preset's).")
    String positions;

    @Option(names = "--out", defaultValue = "results/inspect", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws IOException {
        Path file = weights != null ? weights : VitBackbone.defaultWeights(backbone);
        Backbones.Tower tower = Backbones.tower(backbone, file, config, BackboneOptions.positionMode(positions),
                message -> System.err.println("pathways: warning: " + message));
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new InvalidInputException(file + ": no weights for " + backbone + "; run data-scripts/fetch-weights.sh " + backbone + " or pass --weights FILE");
        }
        try (NDManager manager = NDManager.newBaseManager(); ImageTower model = tower.loader().apply(manager)) {
            NDArray x = input.tensor != null ? readTensor(manager, input.tensor) : model.normalise(readImage(manager, input.image, tower.patch()));
            Taps wanted = new Taps(manager, taps);
            model.forward(x, wanted);
            if (wanted.captured().isEmpty()) throw new InvalidInputException("no tap of " + backbone + " matches " + String.join(",", taps));
            for (Map.Entry<String, NDArray> e : wanted.captured().entrySet()) {
                long[] shape = e.getValue().getShape().getShape();
                int[] dims = java.util.Arrays.stream(shape).mapToInt(v -> (int) v).toArray();
                float[] values = e.getValue().toFloatArray();
                double[] widened = new double[values.length];
                for (int i = 0; i < values.length; i++) widened[i] = values[i];
                Npy.writeFloat32(out.resolve(e.getKey() + ".npy"), dims, widened);
                System.out.println(e.getKey() + " " + java.util.Arrays.toString(shape));
            }
            System.err.println(wanted.captured().size() + " taps written to " + out);
        }
        return 0;
    }

    private static NDArray readTensor(NDManager manager, Path file) throws IOException {
        NdData d;
        try {
            d = Npy.read(file);
        } catch (IOException e) {
            throw new InvalidInputException(e.getMessage(), e);
        }
        if (d.rank() != 4 || d.shape()[0] != 1 || d.shape()[1] != 3) throw new InvalidInputException(file + ": shape " + d.shapeString() + " is not 1 x 3 x H x W");
        if (d.firstNonFinite() >= 0) throw new InvalidInputException(file + ": NaN or Inf at flat index " + d.firstNonFinite());
        return manager.create(d.asFloats(), new Shape(1, 3, d.shape()[2], d.shape()[3]));
    }

    private NDArray readImage(NDManager manager, Path file, int patch) {
        BufferedImage image = Images.read(file);
        VitBackbone.Resize mode = BackboneOptions.resizeMode(resize);
        int[] size = VitBackbone.inputSize(mode, patch, image.getHeight(), image.getWidth());
        BufferedImage resized = org.pathways.data.Images.resize(image, size[1], size[0], true); // bilinear, as segment
        return manager.create(VitBackbone.channelsFirst(resized), new Shape(1, 3, size[0], size[1]));
    }
}
