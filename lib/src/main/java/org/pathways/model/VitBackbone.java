package org.pathways.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.pathways.affinity.Graph;
import org.pathways.common.InvalidInputException;
import org.pathways.data.NdData;

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
 *
 * <p>The {@code with*} methods return a new backbone; a backbone loads its model on first use, so one that is never
 * used (an original left behind by {@code with*}) holds nothing. One forward pass gives everything a caller needs for
 * an image in one {@link Backbone.Graphs}.
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

    /**
     * @param resize        how the image is resized
     * @param modelInput    &gt; 0: run the model at modelInput x modelInput and upsample q and k to the resize grid
     * @param graphTopK     &gt; 0: keep each row's k largest affinities, sparsely, as soon as a layer's graph is made
     * @param extraTaps     further taps returned as {@link Backbone.Graphs#extras()} (e.g. CLIP's dense embeddings)
     */
    public record Settings(Resize resize, int modelInput, int graphTopK, List<String> extraTaps) {
        public Settings {
            extraTaps = List.copyOf(extraTaps);
        }
    }

    private final String name;
    private final int patch;
    private final Path weights;
    private final Settings settings;
    private final Function<NDManager, ImageTower> loader;
    private NDManager manager; // made with the model, on first use: a backbone never used holds nothing to free
    private ImageTower model;

    /** @param loader loads the model (once, on first use) into the given manager */
    public VitBackbone(String name, int patch, Path weights, Resize resize, Function<NDManager, ImageTower> loader) {
        this(name, patch, weights, new Settings(resize, 0, 0, List.of()), loader);
    }

    private VitBackbone(String name, int patch, Path weights, Settings settings, Function<NDManager, ImageTower> loader) {
        this.name = name;
        this.patch = patch;
        this.weights = weights;
        this.settings = settings;
        this.loader = loader;
        if (!Files.isRegularFile(weights)) {
            throw new InvalidInputException(weights + ": no weights for " + name + "; run data-scripts/fetch-weights.sh "
                    + name + " or pass --weights FILE");
        }
    }

    public Settings settings() {
        return settings;
    }

    /** A copy that runs the model on a square {@code side} x {@code side} input and upsamples its queries and keys (MAE, paper). */
    public VitBackbone withQueryKeyUpsampling(int side) {
        return new VitBackbone(name, patch, weights, new Settings(settings.resize(), side, settings.graphTopK(), settings.extraTaps()), loader);
    }

    /** A copy that sparsifies every layer's graph to its rows' k largest entries as it is made (peak memory: one dense layer). */
    public VitBackbone withGraphTopK(int k) {
        return new VitBackbone(name, patch, weights, new Settings(settings.resize(), settings.modelInput(), k, settings.extraTaps()), loader);
    }

    /** A copy that also returns these taps of every forward pass in {@link Backbone.Graphs#extras()}. */
    public VitBackbone withExtraTaps(List<String> taps) {
        return new VitBackbone(name, patch, weights, new Settings(settings.resize(), settings.modelInput(), settings.graphTopK(), taps), loader);
    }

    /** The loaded model (loads it on first use). */
    public ImageTower tower() {
        if (model == null) {
            if (manager == null) manager = NDManager.newBaseManager();
            model = loader.apply(manager);
        }
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
        Resize resize = settings.resize();
        return name + ": patch attention of every head of every layer, "
                + (resize.square ? resize.side + "x" + resize.side + " input (authors' code)" : "short side " + resize.side + " (paper)")
                + (settings.modelInput() > 0 ? ", model run at " + settings.modelInput() + "x" + settings.modelInput() + " with q and k upsampled" : "")
                + (settings.graphTopK() > 0 ? ", top-" + settings.graphTopK() + " sparse graphs" : "")
                + ", weights " + weights;
    }

    /** The model input size (height, width) for an image, whole patches. */
    public int[] inputSize(int height, int width) {
        return inputSize(settings.resize(), patch, height, width);
    }

    /** The model input size (height, width) for an image under a resize mode, whole patches. */
    public static int[] inputSize(Resize resize, int p, int height, int width) {
        if (resize.square) return new int[] {resize.side, resize.side};
        double scale = (double) resize.side / Math.min(height, width);
        int h = Math.max(p, (int) Math.round(height * scale / p) * p);
        int w = Math.max(p, (int) Math.round(width * scale / p) * p);
        return new int[] {h, w};
    }

    /**
     * Where an image goes: the graph grid (the paper's or the authors' input size over the patch size) and the size the
     * model runs at, the same unless the model runs at its own size with queries and keys upsampled (MAE).
     */
    private record Input(int h0, int w0, int height, int width, int h, int w, boolean upsampled) {}

    /** h0 x w0: the graph grid; height x width: the model's input, h x w its tokens. */
    private Input input(BufferedImage image) {
        int[] grid = inputSize(image.getHeight(), image.getWidth());
        boolean upsampled = settings.modelInput() > 0;
        int[] size = upsampled ? new int[] {settings.modelInput(), settings.modelInput()} : grid;
        return new Input(grid[0] / patch, grid[1] / patch, size[0], size[1], size[0] / patch, size[1] / patch, upsampled);
    }

    /** The image resized (bilinear) to the model's input and normalised, (1, 3, height, width). */
    private NDArray pixels(NDManager scope, ImageTower tower, Input in, BufferedImage image) {
        BufferedImage resized = org.pathways.data.Images.resize(image, in.width(), in.height(), true);
        return tower.normalise(scope.create(channelsFirst(resized), new Shape(1, 3, in.height(), in.width())));
    }

    @Override
    public Graphs graphs(BufferedImage image) {
        ImageTower tower = tower();
        Input in = input(image);
        String lastBlock = "blocks." + (tower.depth() - 1) + ".attn.";
        List<Graph> graphs = new ArrayList<>();
        Graph[] finalAttention = new Graph[1];
        try (NDManager scope = manager.newSubManager()) {
            NDArray input = pixels(scope, tower, in, image);
            List<String> patterns = new ArrayList<>(in.upsampled() ? List.of("blocks.*.attn.q", "blocks.*.attn.k") : List.of(lastBlock + "k"));
            patterns.add("final");
            patterns.addAll(settings.extraTaps());
            Taps taps = new Taps(scope, patterns.toArray(new String[0]));
            if (!in.upsampled()) { // each layer becomes a graph inside its stage and its tensor is freed there: one dense layer at a time
                taps.consume("blocks.*.attn.patch_probs", (tap, probs) -> {
                    graphs.add(graph(tap, probs, in.h0(), in.w0()));
                    if (tap.startsWith(lastBlock)) finalAttention[0] = headMean(tap, probs, in.h0(), in.w0());
                });
            }
            tower.forward(input, taps);
            Map<String, NDArray> captured = taps.captured();
            if (in.upsampled()) {
                for (int layer = 0; layer < tower.depth(); layer++) {
                    String b = "blocks." + layer + ".attn.";
                    NDArray probs = upsampledPatchAttention(scope, captured.get(b + "q"), captured.get(b + "k"), in.h(), in.w(), in.h0(), in.w0());
                    graphs.add(graph(b + "patch_probs", probs, in.h0(), in.w0()));
                    if (layer == tower.depth() - 1) finalAttention[0] = headMean(b + "patch_probs", probs, in.h0(), in.w0());
                }
            }
            double[][] tokens = patchRows(captured.get("final"), in.h(), in.w(), in.h0(), in.w0());
            double[][] keys = patchRows(headsConcatenated(captured.get(lastBlock + "k")), in.h(), in.w(), in.h0(), in.w0());
            Map<String, NdData> extras = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : captured.entrySet()) {
                if (settings.extraTaps().stream().anyMatch(p -> Taps.matches(p, e.getKey()))) extras.put(e.getKey(), ndData(e.getValue()));
            }
            return new Graphs(name, describe(), image.getHeight(), image.getWidth(), graphs,
                    new FinalLayer(in.h0(), in.w0(), tokens, keys, finalAttention[0]), extras);
        }
    }

    @Override
    public AttentionTaps attentionTaps(BufferedImage image, boolean queriesAndKeys, boolean values) {
        ImageTower tower = tower();
        Input in = input(image);
        List<String> parts = new ArrayList<>();
        if (queriesAndKeys) parts.addAll(List.of("q", "k"));
        if (values) parts.add("v");
        List<String> patterns = new ArrayList<>();
        for (String part : parts) patterns.add("blocks.*.attn." + part);
        List<AttentionTaps.Layer> layers = new ArrayList<>();
        try (NDManager scope = manager.newSubManager()) {
            Taps taps = new Taps(scope, patterns.toArray(new String[0]));
            tower.forward(pixels(scope, tower, in, image), taps);
            for (int layer = 0; layer < tower.depth(); layer++) {
                String b = "blocks." + layer + ".attn.";
                float[][] qkv = new float[3][];
                int heads = 0;
                int dim = 0;
                for (int p = 0; p < 3; p++) {
                    String part = new String[] {"q", "k", "v"}[p];
                    NDArray a = taps.captured().get(b + part);
                    if (a == null) continue;
                    heads = (int) a.getShape().get(1);
                    dim = (int) a.getShape().get(3);
                    qkv[p] = in.upsampled() ? upsampleTokens(a, heads, dim, in.h(), in.w(), in.h0(), in.w0()) : patchTokens(a, heads, dim, in.h() * in.w());
                }
                layers.add(new AttentionTaps.Layer("blocks." + layer, in.h0(), in.w0(), heads, dim, dim, qkv[0], qkv[1], qkv[2]));
            }
        }
        return new AttentionTaps(layers);
    }

    /** (1, heads, 1 + n, d) per-head tokens with the CLS token dropped: heads x n x d values. */
    private static float[] patchTokens(NDArray perHead, int heads, int dim, int n) {
        float[] all = perHead.toFloatArray();
        float[] out = new float[heads * n * dim];
        for (int hd = 0; hd < heads; hd++) System.arraycopy(all, (hd * (n + 1) + 1) * dim, out, hd * n * dim, n * dim);
        return out;
    }

    /** A layer's attention (1, heads, N, N) as a graph; with top-k, libtorch selects each row's k largest entries. */
    private Graph graph(String tap, NDArray probs, int h0, int w0) {
        int heads = (int) probs.getShape().get(1);
        int n = h0 * w0;
        int topK = settings.graphTopK();
        if (topK <= 0 || topK >= n) return Graph.ofFloats(tap, heads, h0, w0, probs.toFloatArray());
        ai.djl.ndarray.NDList top = probs.topK(topK, -1, true, true);
        long[] columns = top.get(1).toLongArray();
        int[] cols = new int[columns.length];
        for (int i = 0; i < cols.length; i++) cols[i] = (int) columns[i];
        return Graph.ofTopK(tap, heads, h0, w0, topK, cols, top.get(0).toFloatArray());
    }

    /** The mean over heads of a layer's attention (1, heads, N, N), dense: the final attention of the baselines. */
    private static Graph headMean(String tap, NDArray probs, int h0, int w0) {
        return Graph.ofFloats(tap + ".head_mean", 1, h0, w0, probs.mean(new int[] {1}).toFloatArray());
    }

    /** (1, heads, T, d) -> (1, T, heads * d): each token's heads side by side, as TokenCut and CutLER take the keys. */
    private static NDArray headsConcatenated(NDArray perHead) {
        Shape s = perHead.getShape();
        return perHead.transpose(0, 2, 1, 3).reshape(1, s.get(2), s.get(1) * s.get(3));
    }

    /** The patch part (CLS dropped) of tokens (1, T, D) as N x D rows, resampled to the graph grid when the model ran smaller. */
    private static double[][] patchRows(NDArray tokens, int h, int w, int h0, int w0) {
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

    private static NdData ndData(NDArray a) {
        long[] s = a.getShape().getShape();
        int[] shape = new int[s.length];
        for (int i = 0; i < s.length; i++) shape[i] = (int) s[i];
        float[] f = a.toFloatArray();
        double[] values = new double[f.length];
        for (int i = 0; i < f.length; i++) values[i] = f[i];
        return NdData.float32(shape, values);
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
        if (manager != null) manager.close();
        model = null;
        manager = null;
    }
}
