package org.pathways.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.pathways.affinity.Graph;
import org.pathways.data.InvalidInputException;

/**
 * A ViT as a backbone: every head of every layer's patch attention ({@code blocks.i.attn.patch_probs}, the authors'
 * affinity) is a graph over the patch grid.
 *
 * <p>Input size: {@link Resize#PAPER} (the default) scales the short side to 448 and the long side in proportion,
 * both rounded to whole patches, and resamples the position embeddings (paper App. B.1); {@link Resize#AUTHORS} is
 * the authors' code: a square 480 x 480 image, bilinear.
 *
 * <p>MAE in the paper (App. B.1) runs at 224 x 224 and its queries and keys are upsampled (bicubic) to the grid of
 * the other backbones before the attention is formed; {@link #withQueryKeyUpsampling(int)} does that.
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

    private final String name;
    private final int patch;
    private final Path weights;
    private final Resize resize;
    private final Function<NDManager, ImageTower> loader;
    private final NDManager manager = NDManager.newBaseManager();
    private ImageTower model;
    private int modelInput; // > 0: run the model at modelInput x modelInput, upsample q and k to the paper grid
    private int topK;       // > 0: keep each row's topK affinities, sparsely, as soon as a layer's graph is made
    private List<String> extraTaps = List.of();
    private BiConsumer<ImageTower, Map<String, NDArray>> extraReader;
    private BufferedImage lastImage;    // the image whose final layer is cached
    private FinalLayer lastFinal;

    /** @param loader loads the model (once, on first use) into the given manager */
    public VitBackbone(String name, int patch, Path weights, Resize resize, Function<NDManager, ImageTower> loader) {
        this.name = name;
        this.patch = patch;
        this.weights = weights;
        this.resize = resize;
        this.loader = loader;
        if (!Files.isRegularFile(weights)) {
            manager.close();
            throw new InvalidInputException(weights + ": no weights for " + name + "; run data-scripts/fetch-weights.sh "
                    + name + " or pass --weights FILE");
        }
    }

    /** Runs the model on a square {@code side} x {@code side} input and upsamples its queries and keys (MAE, paper). */
    public VitBackbone withQueryKeyUpsampling(int side) {
        this.modelInput = side;
        return this;
    }

    /** Sparsifies every layer's graph to its rows' k largest entries as it is made (peak memory: one dense layer). */
    public VitBackbone withGraphTopK(int k) {
        this.topK = k;
        return this;
    }

    /**
     * Also captures {@code patterns} on every forward pass of {@link #graphs} and hands them, with the model, to
     * {@code reader} while they are alive (e.g. CLIP's last value vectors for MaskCLIP-style dense features).
     */
    public VitBackbone onForward(List<String> patterns, BiConsumer<ImageTower, Map<String, NDArray>> reader) {
        this.extraTaps = List.copyOf(patterns);
        this.extraReader = reader;
        return this;
    }

    /** The loaded model (loads it on first use). */
    public ImageTower tower() {
        if (model == null) model = loader.apply(manager);
        return model;
    }

    /** A DINO-layout ViT preset (or any {@link VisionTransformer.Config}). */
    public static VitBackbone of(VisionTransformer.Config config, Path weights, Resize resize) {
        return new VitBackbone(config.name(), config.patch(), weights, resize, m -> VisionTransformer.load(m, config, weights));
    }

    /** Where fetch-weights.sh puts a preset's checkpoint: $PATHWAYS_WEIGHTS_DIR or ~/.cache/pathways/weights. */
    public static Path defaultWeights(String preset) {
        String dir = System.getenv("PATHWAYS_WEIGHTS_DIR");
        Path base = dir != null && !dir.isEmpty() ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".cache", "pathways", "weights");
        return base.resolve(preset + ".safetensors");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String describe() {
        return name + ": patch attention of every head of every layer, "
                + (resize.square ? resize.side + "x" + resize.side + " input (authors' code)" : "short side " + resize.side + " (paper)")
                + ", weights " + weights;
    }

    /** The model input size (height, width) for an image, whole patches. */
    public int[] inputSize(int height, int width) {
        return inputSize(resize, patch, height, width);
    }

    /** The model input size (height, width) for an image under a resize mode, whole patches. */
    public static int[] inputSize(Resize resize, int p, int height, int width) {
        if (resize.square) return new int[] {resize.side, resize.side};
        double scale = (double) resize.side / Math.min(height, width);
        int h = Math.max(p, (int) Math.round(height * scale / p) * p);
        int w = Math.max(p, (int) Math.round(width * scale / p) * p);
        return new int[] {h, w};
    }

    @Override
    public FinalLayer finalLayer(BufferedImage image) {
        if (image != lastImage || lastFinal == null) graphs(image);
        return lastFinal;
    }

    @Override
    public List<Graph> graphs(BufferedImage image) {
        tower();
        int[] grid = inputSize(image.getHeight(), image.getWidth());
        int h0 = grid[0] / patch;
        int w0 = grid[1] / patch;
        int[] size = modelInput > 0 ? new int[] {modelInput, modelInput} : grid;
        BufferedImage resized = org.pathways.data.Images.resize(image, size[1], size[0], true); // bilinear
        List<Graph> graphs = new ArrayList<>();
        try (NDManager scope = manager.newSubManager()) {
            NDArray input = model.normalise(scope.create(channelsFirst(resized), new Shape(1, 3, size[0], size[1])));
            List<String> patterns = new ArrayList<>(modelInput > 0 ? List.of("blocks.*.attn.q", "blocks.*.attn.k") : List.of());
            patterns.add("final");
            patterns.addAll(extraTaps);
            Taps taps = new Taps(scope, patterns.toArray(new String[0]));
            if (modelInput == 0) { // each layer becomes a graph inside its stage and its tensor is freed there: one dense layer at a time
                taps.consume("blocks.*.attn.patch_probs", (name, probs) -> graphs.add(graph(name, probs, h0, w0)));
            }
            model.forward(input, taps);
            NDArray finalTokens = taps.captured().remove("final");
            double[][] finalFeatures = patchFeatures(finalTokens, size[0] / patch, size[1] / patch, h0, w0);
            if (extraReader != null) {
                Map<String, NDArray> extras = new java.util.LinkedHashMap<>();
                for (String name : List.copyOf(taps.captured().keySet())) {
                    if (extraTaps.stream().anyMatch(p -> Taps.matches(p, name))) extras.put(name, taps.captured().remove(name));
                }
                extraReader.accept(model, extras);
            }
            if (modelInput > 0) {
                Map<String, NDArray> qk = taps.captured();
                for (int layer = 0; qk.containsKey("blocks." + layer + ".attn.q"); layer++) {
                    NDArray probs = upsampledPatchAttention(scope, qk.get("blocks." + layer + ".attn.q"), qk.get("blocks." + layer + ".attn.k"),
                            size[0] / patch, size[1] / patch, h0, w0);
                    graphs.add(graph("blocks." + layer + ".attn.patch_probs", probs, h0, w0));
                }
            }
            lastImage = image;
            lastFinal = new FinalLayer(h0, w0, finalFeatures, graphs.get(graphs.size() - 1));
        }
        return graphs;
    }

    /** A layer's attention (1, heads, N, N) as a graph; with top-k, libtorch selects each row's k largest entries. */
    private Graph graph(String name, NDArray probs, int h0, int w0) {
        int heads = (int) probs.getShape().get(1);
        int n = h0 * w0;
        if (topK <= 0 || topK >= n) return Graph.ofFloats(name, heads, h0, w0, probs.toFloatArray());
        ai.djl.ndarray.NDList top = probs.topK(topK, -1, true, true);
        long[] columns = top.get(1).toLongArray();
        int[] cols = new int[columns.length];
        for (int i = 0; i < cols.length; i++) cols[i] = (int) columns[i];
        return Graph.ofTopK(name, heads, h0, w0, topK, cols, top.get(0).toFloatArray());
    }

    /** The final tokens' patch part (CLS dropped) as N x d rows, resampled to the graph grid when the model ran smaller. */
    private static double[][] patchFeatures(NDArray tokens, int h, int w, int h0, int w0) {
        float[] all = tokens.toFloatArray();
        int d = (int) tokens.getShape().get(2);
        int n0 = h0 * w0;
        double[][] out = new double[n0][d];
        if (h == h0 && w == w0) {
            for (int p = 0; p < n0; p++) for (int c = 0; c < d; c++) out[p][c] = all[(1 + p) * d + c];
            return out;
        }
        double[] grid = new double[d * h * w];
        for (int p = 0; p < h * w; p++) for (int c = 0; c < d; c++) grid[c * h * w + p] = all[(1 + p) * d + c];
        double[] up = PositionalEmbedding.resample(grid, d, h, w, h0, w0, PositionalEmbedding.Mode.SIZE);
        for (int p = 0; p < n0; p++) for (int c = 0; c < d; c++) out[p][c] = up[c * n0 + p];
        return out;
    }

    /**
     * The authors' {@code resize_kq_atten}: patch queries and keys (1, heads, 1 + h*w, d) resampled bicubically to
     * h0 x w0, then softmax(q k^T / sqrt(d)) over the patch tokens: (1, heads, h0*w0, h0*w0).
     */
    static NDArray upsampledPatchAttention(NDManager scope, NDArray q, NDArray k, int h, int w, int h0, int w0) {
        int heads = (int) q.getShape().get(1);
        int d = (int) q.getShape().get(3);
        NDArray qUp = scope.create(upsampleTokens(q, heads, d, h, w, h0, w0), new Shape(1, heads, (long) h0 * w0, d));
        NDArray kUp = scope.create(upsampleTokens(k, heads, d, h, w, h0, w0), new Shape(1, heads, (long) h0 * w0, d));
        return qUp.matMul(kUp.transpose(0, 1, 3, 2)).mul(Math.pow(d, -0.5)).softmax(-1);
    }

    /** Patch tokens (CLS dropped) of (1, heads, 1 + h*w, d), resampled to h0 x w0: heads x (h0*w0) x d values. */
    private static float[] upsampleTokens(NDArray tokens, int heads, int d, int h, int w, int h0, int w0) {
        float[] all = tokens.toFloatArray();
        int t = 1 + h * w;
        double[] grid = new double[heads * d * h * w];                // (heads*d) x h x w
        for (int hd = 0; hd < heads; hd++) {
            for (int p = 0; p < h * w; p++) {
                for (int c = 0; c < d; c++) grid[((hd * d + c) * h * w) + p] = all[(hd * t + 1 + p) * d + c];
            }
        }
        double[] up = PositionalEmbedding.resample(grid, heads * d, h, w, h0, w0, PositionalEmbedding.Mode.SIZE);
        float[] out = new float[heads * h0 * w0 * d];
        for (int hd = 0; hd < heads; hd++) {
            for (int p = 0; p < h0 * w0; p++) {
                for (int c = 0; c < d; c++) out[(hd * h0 * w0 + p) * d + c] = (float) up[(hd * d + c) * h0 * w0 + p];
            }
        }
        return out;
    }

    /** RGB in [0, 1], channel-first (3 x H x W values). */
    public static float[] channelsFirst(BufferedImage image) {
        int n = image.getWidth() * image.getHeight();
        int[] rgb = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
        float[] chw = new float[3 * n];
        for (int i = 0; i < n; i++) {
            chw[i] = ((rgb[i] >> 16) & 0xff) / 255f;
            chw[n + i] = ((rgb[i] >> 8) & 0xff) / 255f;
            chw[2 * n + i] = (rgb[i] & 0xff) / 255f;
        }
        return chw;
    }

    @Override
    public void close() {
        if (model != null) model.close();
        manager.close();
    }
}
