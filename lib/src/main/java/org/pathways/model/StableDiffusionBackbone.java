package org.pathways.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.pathways.affinity.Graph;
import org.pathways.common.InvalidInputException;
import org.pathways.data.Images;

/**
 * Stable Diffusion 1.4 as a per-image backbone ({@code --backbone sd14}, paper Sec. 3.2 and App. B.2): the image is
 * resized (bilinear) to the VAE config's {@code sample_size} (512 for SD 1.4) and encoded once; its latents are the
 * posterior sample (seeded per image) times the VAE's scaling factor (0.18215). Every pass then draws an integer
 * timestep uniformly in [{@link Settings#minTimestep}, {@link Settings#maxTimestep}] (the paper: [0, 250]) and fresh
 * Gaussian noise, noises the latents with the scheduler's {@code add_noise}, and runs the UNet on the empty prompt's
 * embedding; each self-attention layer ({@code attn1}, 16 in SD 1.4) gives one graph of heads x N x N at its own
 * grid, filtered by {@link Settings#layers}. Followed: the authors' single_img/model/diffusion_extractor.py
 * ({@code encode_imgs}, {@code collect_attention}); their timesteps come from the PNDM grid, ours are every integer.
 *
 * <p>Baselines: {@link Backbone.FinalLayer} is the last up block's last {@code attn1} (the last self-attention
 * before the output): its input tokens (norm1(h)), its keys (heads concatenated) and its attention averaged over
 * heads, at that layer's grid (64 x 64 for SD 1.4 at 512), whatever the layer filter keeps.
 *
 * <p>Memory: a pass's graphs are dense (heads x N x N floats each): SD 1.4 at 512 has five 64 x 64 layers of 8 heads,
 * about 2.9 GB per set in float32, and the buffer keeps {@link Settings#bufferSize} sets, in float16 by default
 * ({@link Settings#bufferStorage}: 1.4 GB a set); {@code --sd-layers <=32} drops the large layers.
 */
public final class StableDiffusionBackbone implements VaryingBackbone {

    /** The and paper's name. */
    public static final String NAME = "sd14";

    /**
     * @param pipeline      a diffusers pipeline folder: unet/, vae/, text_encoder/ (config.json + safetensors) and
     *                      scheduler/scheduler_config.json, as data-scripts/fetch-weights.sh sd14 lays it out
     * @param minTimestep   smallest timestep drawn (the paper: 0)
     * @param maxTimestep   largest timestep drawn (the paper: 250)
     * @param bufferSize    graph sets kept for reuse (App. B.2: 5; the authors' script: 7)
     * @param bufferReuse   probability of reusing a stored set once the buffer is full (App. B.2: 0.75; Sec. 4.1: 0.9)
     * @param bufferStorage how stored sets keep their graphs: float16 (default: a full buffer of float32 sets passes
     *                      16 GB, see the README) or float32
     * @param layers        which attn1 layers become graphs, by grid side or the last n
     */
    public record Settings(Path pipeline, int minTimestep, int maxTimestep, int bufferSize, double bufferReuse, DataType bufferStorage, LayerFilter layers) {
        public static final int PAPER_MAX_TIMESTEP = 250;
        public static final int PAPER_BUFFER = 5;
        public static final double PAPER_REUSE = 0.75;

        public Settings {
            if (minTimestep < 0 || maxTimestep < minTimestep) throw new InvalidInputException("SD timesteps: need 0 <= min <= max, got " + minTimestep + ".." + maxTimestep);
            if (bufferSize < 0) throw new InvalidInputException("--sd-buffer must be >= 0, got " + bufferSize);
            if (!(bufferReuse >= 0 && bufferReuse <= 1)) throw new InvalidInputException("--sd-reuse must be in [0, 1], got " + bufferReuse);
            if (bufferStorage != DataType.FLOAT16 && bufferStorage != DataType.FLOAT32) throw new InvalidInputException("--sd-buffer-dtype must be float16 or float32, got " + bufferStorage);
        }

        /** The paper's App. B.2 on a pipeline folder: t in [0, 250], buffer 5 (stored in float16), reuse 3/4, every layer. */
        public static Settings paper(Path pipeline) {
            return new Settings(pipeline, 0, PAPER_MAX_TIMESTEP, PAPER_BUFFER, PAPER_REUSE, DataType.FLOAT16, LayerFilter.ALL);
        }

        public Settings withBuffer(int size, double reuse) {
            return new Settings(pipeline, minTimestep, maxTimestep, size, reuse, bufferStorage, layers);
        }

        /** {@code float16} or {@code float32}, as the command line writes it. */
        public Settings withBufferStorage(String dtype) {
            DataType type = switch (dtype) {
                case "float16" -> DataType.FLOAT16;
                case "float32" -> DataType.FLOAT32;
                default -> throw new InvalidInputException("--sd-buffer-dtype '" + dtype + "': expected float16 or float32");
            };
            return new Settings(pipeline, minTimestep, maxTimestep, bufferSize, bufferReuse, type, layers);
        }

        public Settings withLayers(LayerFilter filter) {
            return new Settings(pipeline, minTimestep, maxTimestep, bufferSize, bufferReuse, bufferStorage, filter);
        }
    }

    /**
     * Which attn1 layers become graphs: {@code all}; a comparison on the grid's side (the larger of height and width)
     * such as {@code <=32}, {@code <64}, {@code >=16}, {@code =32}; or {@code last:N}, the last N in the UNet's order
     * (the authors' buffer keeps the last 10 of SD 1.4's 16: the mid block's and the up blocks').
     */
    public record LayerFilter(String operator, int side) {
        public static final LayerFilter ALL = new LayerFilter("all", 0);
        /** The authors' choice (single_img/model/diffusion_extractor.py keeps the last 10 self-attention layers). */
        public static final LayerFilter AUTHORS = new LayerFilter("last:", 10);

        public static LayerFilter parse(String text) {
            String t = text.strip();
            if (t.equals("all")) return ALL;
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(<=|>=|<|>|=|last:)(\\d+)").matcher(t);
            if (!m.matches()) throw new InvalidInputException("--sd-layers '" + text + "': expected all, a grid-side comparison such as <=32, or last:N such as last:10");
            int n = Integer.parseInt(m.group(2));
            if (m.group(1).equals("last:") && n < 1) throw new InvalidInputException("--sd-layers '" + text + "': last:N needs N >= 1");
            return new LayerFilter(m.group(1), n);
        }

        /** Whether a layer on this grid passes the side comparison ({@code last:N} is applied to the whole list). */
        public boolean keeps(int height, int width) {
            int s = Math.max(height, width);
            return switch (operator) {
                case "all", "last:" -> true;
                case "<=" -> s <= side;
                case ">=" -> s >= side;
                case "<" -> s < side;
                case ">" -> s > side;
                default -> s == side;
            };
        }

        @Override
        public String toString() {
            return operator.equals("all") ? "all" : operator + side;
        }
    }

    /** Where fetch-weights.sh puts the pipeline: $PATHWAYS_WEIGHTS_DIR/sd14 or ~/.cache/pathways/weights/sd14. */
    public static Path defaultPipeline() {
        return VitBackbone.defaultWeights(NAME).resolveSibling(NAME);
    }

    /** The files a run reads, relative to the pipeline folder (weights either plain or fp16-named for unet and vae). */
    private static final List<String> REQUIRED = List.of("unet/config.json", "vae/config.json", "text_encoder/config.json",
            "text_encoder/model.safetensors", "scheduler/scheduler_config.json");

    private final Settings settings;
    private final int imageSize;
    private NDManager manager; // made with the models, on first use
    private Unet unet;
    private VaeEncoder vae;
    private NoiseSchedule schedule;
    private NDArray emptyPrompt;

    /** Checks the pipeline's files now (one line naming the first missing one); loads the models on first use. */
    public StableDiffusionBackbone(Settings settings) {
        this.settings = settings;
        Path root = settings.pipeline();
        if (!Files.isDirectory(root)) throw missing(root);
        for (String file : REQUIRED) if (!Files.isRegularFile(root.resolve(file))) throw missing(root.resolve(file));
        for (String model : List.of("unet", "vae")) {
            if (!Files.isRegularFile(root.resolve(model + "/diffusion_pytorch_model.safetensors"))
                    && !Files.isRegularFile(root.resolve(model + "/diffusion_pytorch_model.fp16.safetensors"))) {
                throw missing(root.resolve(model + "/diffusion_pytorch_model.safetensors"));
            }
        }
        this.imageSize = sampleSize(root.resolve("vae/config.json"));
    }

    private static InvalidInputException missing(Path p) {
        return new InvalidInputException(p + ": missing; run data-scripts/fetch-weights.sh sd14 or pass --weights PIPELINE_FOLDER");
    }

    /** The VAE's training resolution: the side the image is resized to. */
    private static int sampleSize(Path vaeConfig) {
        try {
            JsonObject c = org.pathways.common.JsonFiles.readObject(vaeConfig);
            if (!c.has("sample_size") || !c.get("sample_size").isJsonPrimitive()) throw new InvalidInputException(vaeConfig + ": no sample_size (the input side for sd14)");
            int side = c.get("sample_size").getAsInt();
            if (side < 1) throw new InvalidInputException(vaeConfig + ": sample_size " + side + " is not a positive side");
            return side;
        } catch (IllegalStateException | UnsupportedOperationException | NumberFormatException e) {
            throw new InvalidInputException(vaeConfig + ": not a readable config.json (" + e.getMessage() + ")", e);
        }
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String describe() {
        return NAME + ": UNet self-attention (attn1) graphs, layers " + settings.layers() + ", image " + imageSize + "x" + imageSize
                + ", fresh noise at t in [" + settings.minTimestep() + ", " + settings.maxTimestep() + "] every pass, empty prompt, buffer "
                + settings.bufferSize() + " (" + settings.bufferStorage().name().toLowerCase(java.util.Locale.ROOT) + ") reused with p " + settings.bufferReuse() + ", weights " + settings.pipeline();
    }

    @Override
    public int bufferSize() {
        return settings.bufferSize();
    }

    @Override
    public double bufferReuse() {
        return settings.bufferReuse();
    }

    @Override
    public DataType bufferStorage() {
        return settings.bufferStorage();
    }

    /** Loads the UNet, the VAE encoder and the schedule, and embeds the empty prompt once (the text encoder is then freed). */
    private void load() {
        if (unet != null) return;
        manager = NDManager.newBaseManager();
        Path root = settings.pipeline();
        try {
            unet = Unet.load(manager, root.resolve("unet"), null);
            vae = VaeEncoder.load(manager, root.resolve("vae"), null);
            schedule = NoiseSchedule.load(root.resolve("scheduler/scheduler_config.json"));
            if (settings.maxTimestep() >= schedule.numTrainTimesteps()) {
                throw new InvalidInputException("SD timesteps: max " + settings.maxTimestep() + " is beyond the schedule's " + (schedule.numTrainTimesteps() - 1));
            }
            try (TextEncoder text = TextEncoder.load(manager, root.resolve("text_encoder"), null)) {
                emptyPrompt = text.emptyPromptEmbedding(manager);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The first pass of {@link #open} with seed 0. */
    @Override
    public Graphs graphs(BufferedImage image) {
        try (Passes passes = open(image, 0)) {
            return passes.first();
        }
    }

    @Override
    public Passes open(BufferedImage image, long seed) {
        load();
        NDManager scope = manager.newSubManager();
        try {
            BufferedImage resized = Images.resize(Images.toRgb(image), imageSize, imageSize, true);
            NDArray latents = vae.latents(scope.create(pixels(resized), new Shape(1, 3, imageSize, imageSize)), seed);
            return new ImagePasses(scope, latents, new Random(seed ^ 0x5D14_0000_0000L), image.getHeight(), image.getWidth());
        } catch (RuntimeException e) {
            scope.close();
            throw e;
        }
    }

    /** RGB in [0, 1] to SD's [-1, 1], channel-first. */
    private static float[] pixels(BufferedImage image) {
        int h = image.getHeight();
        int w = image.getWidth();
        float[] out = new float[3 * h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = image.getRGB(x, y);
                for (int c = 0; c < 3; c++) out[c * h * w + y * w + x] = ((rgb >> (16 - 8 * c)) & 0xff) / 255f * 2f - 1f;
            }
        }
        return out;
    }

    /** The last self-attention before the output: the baselines' final layer. */
    private String finalAttention() {
        Unet.Config c = unet.config();
        int last = c.blocks() - 1;
        if (!c.upBlockTypes().get(last).startsWith("CrossAttn")) {
            throw new InvalidInputException(settings.pipeline() + ": the UNet's last up block (" + c.upBlockTypes().get(last) + ") has no attention for the baselines' final layer");
        }
        return "up_blocks." + last + ".attentions." + c.layersPerBlock() + ".transformer_blocks." + (c.transformerLayers()[0] - 1) + ".attn1";
    }

    /** One image's encoding and random stream. */
    private final class ImagePasses implements Passes {
        private final NDManager scope;
        private final NDArray latents;
        private final Random random;
        private final int imageHeight;
        private final int imageWidth;

        ImagePasses(NDManager scope, NDArray latents, Random random, int imageHeight, int imageWidth) {
            this.scope = scope;
            this.latents = latents;
            this.random = random;
            this.imageHeight = imageHeight;
            this.imageWidth = imageWidth;
        }

        @Override
        public Graphs first() {
            String last = finalAttention();
            double[][][] tokensAndKeys = new double[2][][];
            Graph[] mean = new Graph[1];
            List<Graph> graphs = run(last, tokensAndKeys, mean);
            FinalLayer finalLayer = new FinalLayer(mean[0].height(), mean[0].width(), tokensAndKeys[0], tokensAndKeys[1], mean[0]);
            return new Graphs(NAME, describe(), imageHeight, imageWidth, graphs, finalLayer, Map.of());
        }

        @Override
        public List<Graph> next() {
            return run(null, null, null);
        }

        /** One UNet run on freshly noised latents; with {@code last}, also the final layer's inputs. */
        private List<Graph> run(String last, double[][][] tokensAndKeys, Graph[] mean) {
            int t = settings.minTimestep() + random.nextInt(settings.maxTimestep() - settings.minTimestep() + 1);
            float[] eps = new float[(int) latents.size()];
            for (int i = 0; i < eps.length; i++) eps[i] = (float) random.nextGaussian();
            long lh = latents.getShape().get(2);
            long lw = latents.getShape().get(3);
            List<Graph> graphs = new ArrayList<>();
            try (NDManager pass = scope.newSubManager()) {
                pass.tempAttachAll(latents, emptyPrompt);
                NDArray noisy = schedule.addNoise(latents, pass.create(eps, latents.getShape()), t);
                Taps taps = new Taps(pass);
                taps.consume("**.attn1.probs", (tap, probs) -> {
                    long s = probs.getShape().get(2);
                    int[] grid = grid(s, lh, lw);
                    String name = tap.substring(0, tap.length() - ".probs".length());
                    // last:N decides only once every layer has run: keep the last N seen so far (no more memory than N layers)
                    if (settings.layers().keeps(grid[0], grid[1])) {
                        graphs.add(Graph.ofFloats(name, (int) probs.getShape().get(1), grid[0], grid[1], probs.toFloatArray()));
                        if (settings.layers().operator().equals("last:") && graphs.size() > settings.layers().side()) graphs.remove(0);
                    }
                    if (name.equals(last)) mean[0] = Graph.ofFloats(name + ".head_mean", 1, grid[0], grid[1], probs.mean(new int[] {1}).toFloatArray());
                });
                if (last != null) {
                    taps.consume(last + ".x", (tap, x) -> tokensAndKeys[0] = rows(x));
                    taps.consume(last + ".k", (tap, k) -> tokensAndKeys[1] = rows(k.transpose(0, 2, 1, 3).reshape(1, k.getShape().get(2), k.getShape().get(1) * k.getShape().get(3))));
                }
                unet.forward(noisy, t, emptyPrompt, taps);
            }
            if (graphs.isEmpty()) throw new InvalidInputException("--sd-layers " + settings.layers() + " keeps none of the UNet's self-attention layers");
            return graphs;
        }

        @Override
        public void close() {
            scope.close();
        }
    }

    /** The grid (h, w) of an attention over {@code tokens} positions: the latent grid halved (rounding up) per level. */
    private static int[] grid(long tokens, long height, long width) {
        long h = height;
        long w = width;
        while (h * w > tokens && h * w > 1) {
            h = (h + 1) / 2;
            w = (w + 1) / 2;
        }
        if (h * w != tokens) throw new IllegalStateException(tokens + " attention tokens match no level of a " + height + "x" + width + " latent");
        return new int[] {(int) h, (int) w};
    }

    /** (1, S, C) tokens as S rows of C values. */
    private static double[][] rows(NDArray tokens) {
        int s = (int) tokens.getShape().get(1);
        int c = (int) tokens.getShape().get(2);
        float[] all = tokens.toFloatArray();
        double[][] out = new double[s][c];
        for (int i = 0; i < s; i++) for (int j = 0; j < c; j++) out[i][j] = all[i * c + j];
        return out;
    }

    @Override
    public void close() {
        if (manager != null) manager.close();
        manager = null;
        unet = null;
        vae = null;
        emptyPrompt = null;
    }
}
