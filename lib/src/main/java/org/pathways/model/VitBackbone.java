package org.pathways.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.pathways.affinity.Graph;
import org.pathways.data.InvalidInputException;

/**
 * A ViT as a backbone: every head of every layer's patch attention ({@code blocks.i.attn.patch_probs}, the authors'
 * affinity) is a graph over the patch grid.
 *
 * <p>Input size: {@link Resize#PAPER} (the default) scales the short side to 448 and the long side in proportion,
 * both rounded to whole patches, and resamples the position embeddings (paper App. B.1); {@link Resize#AUTHORS} is
 * the authors' code: a square 480 x 480 image, bilinear.
 */
public final class VitBackbone implements Backbone {
    /** How the image is resized before the ViT. */
    public enum Resize {
        PAPER(448, false),
        AUTHORS(480, true);

        final int side;
        final boolean square;

        Resize(int side, boolean square) {
            this.side = side;
            this.square = square;
        }
    }

    private final VisionTransformer.Config config;
    private final Path weights;
    private final Resize resize;
    private final NDManager manager = NDManager.newBaseManager();
    private VisionTransformer model;

    public VitBackbone(VisionTransformer.Config config, Path weights, Resize resize) {
        this.config = config;
        this.weights = weights;
        this.resize = resize;
        if (!Files.isRegularFile(weights)) {
            manager.close();
            throw new InvalidInputException(weights + ": no weights for " + config.name() + "; run data-scripts/fetch-weights.sh "
                    + config.name() + " or pass --weights FILE");
        }
    }

    /** Where fetch-weights.sh puts a preset's checkpoint: $PATHWAYS_WEIGHTS_DIR or ~/.cache/pathways/weights. */
    public static Path defaultWeights(String preset) {
        String dir = System.getenv("PATHWAYS_WEIGHTS_DIR");
        Path base = dir != null && !dir.isEmpty() ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".cache", "pathways", "weights");
        return base.resolve(preset + ".safetensors");
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public String describe() {
        return config.name() + ": patch attention of all " + config.depth() + " layers x " + config.heads() + " heads, "
                + (resize.square ? resize.side + "x" + resize.side + " input (authors' code)" : "short side " + resize.side + " (paper)")
                + ", weights " + weights;
    }

    /** The model input size (height, width) for an image, whole patches. */
    public int[] inputSize(int height, int width) {
        int p = config.patch();
        if (resize.square) return new int[] {resize.side, resize.side};
        double scale = (double) resize.side / Math.min(height, width);
        int h = Math.max(p, (int) Math.round(height * scale / p) * p);
        int w = Math.max(p, (int) Math.round(width * scale / p) * p);
        return new int[] {h, w};
    }

    @Override
    public List<Graph> graphs(BufferedImage image) {
        if (model == null) model = VisionTransformer.load(manager, config, weights);
        int[] size = inputSize(image.getHeight(), image.getWidth());
        BufferedImage resized = new BufferedImage(size[1], size[0], BufferedImage.TYPE_INT_RGB);
        Graphics2D g = resized.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, size[1], size[0], null);
        g.dispose();
        int n = size[0] * size[1];
        int[] rgb = resized.getRGB(0, 0, size[1], size[0], null, 0, size[1]);
        float[] chw = new float[3 * n];
        for (int i = 0; i < n; i++) {
            chw[i] = ((rgb[i] >> 16) & 0xff) / 255f;
            chw[n + i] = ((rgb[i] >> 8) & 0xff) / 255f;
            chw[2 * n + i] = (rgb[i] & 0xff) / 255f;
        }
        int h0 = size[0] / config.patch();
        int w0 = size[1] / config.patch();
        List<Graph> graphs = new ArrayList<>();
        try (NDManager scope = manager.newSubManager()) {
            NDArray input = model.normalise(scope.create(chw, new Shape(1, 3, size[0], size[1])));
            Taps taps = new Taps(scope, "blocks.*.attn.patch_probs");
            model.forward(input, taps);
            for (Map.Entry<String, NDArray> e : taps.captured().entrySet()) {
                graphs.add(Graph.ofFloats(e.getKey(), config.heads(), h0, w0, e.getValue().toFloatArray()));
            }
        }
        return graphs;
    }

    @Override
    public void close() {
        if (model != null) model.close();
        manager.close();
    }
}
