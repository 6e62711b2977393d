package org.pathways.model;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.pathways.affinity.Graph;
import org.pathways.data.Images;

/**
 * The weight-free backbone: layer-distributed graphs built from the image itself, a classical stand-in that is not
 * part of the paper (bilateral / colour affinities at several scales, in the spirit of Normalized Cuts), so that the
 * method can be run and taught without downloading a model. At each resolution (short side
 * 8, 16, 32 and 64 cells by default) every cell gets its mean CIELAB colour and its position (in units of the short
 * side); each "head" is a dense row-stochastic affinity
 * {@code A_ij ∝ exp(-|lab_i - lab_j|^2 / 2 sc^2 - |p_i - p_j|^2 / 2 sp^2)} with its own bandwidths: by default a
 * colour head (groups by colour anywhere in the image, a "what"-like graph) and a bilateral head (colour and
 * nearness, spatially coherent, "where"-like). It needs no download, so the demo and the teaching notebook run
 * anywhere.
 */
public final class PixelsBackbone implements Backbone {

    /** One head: colour bandwidth in CIELAB units, position bandwidth in short sides (infinite = colour only). */
    public record Head(String name, double colourSigma, double positionSigma) {}

    /**
     * @param shortSides grid short sides, one graph each
     * @param maxNodes the finest grid is shrunk (keeping the aspect ratio) to at most this many cells, since a dense
     *     graph costs nodes^2 per head
     */
    public record Config(int[] shortSides, List<Head> heads, int maxNodes) {
        public static Config defaults() {
            // Chosen on the demo scene: adding a third, local head (sc=24, sp=0.06) split flat regions into
            // smooth pieces and lowered the scene's oracle mIoU from 0.91 to 0.76.
            return new Config(new int[] {8, 16, 32, 64}, List.of(
                    new Head("colour", 8, Double.POSITIVE_INFINITY),
                    new Head("bilateral", 12, 0.2)), 6400);
        }

        public Config withShortSides(int... sides) {
            return new Config(sides, heads, maxNodes);
        }
    }

    private final Config config;
    /** The baselines' graph is the finest with at most this many nodes, about a ViT's patch grid at 448. */
    public static final int FINAL_LAYER_NODES = 1100;

    public PixelsBackbone(Config config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "pixels";
    }

    @Override
    public String describe() {
        StringBuilder s = new StringBuilder("pixels: dense CIELAB+position affinities, short sides ");
        for (int i = 0; i < config.shortSides().length; i++) s.append(i == 0 ? "" : "/").append(config.shortSides()[i]);
        s.append(", heads");
        for (Head h : config.heads()) s.append(' ').append(h.name()).append("(sc=").append(h.colourSigma()).append(",sp=").append(h.positionSigma()).append(')');
        return s.toString();
    }

    /** Grid (rows, cols) for a short side, clipped to the image and to {@code maxNodes}. */
    public int[] grid(int imageHeight, int imageWidth, int shortSide) {
        double aspect = (double) Math.max(imageHeight, imageWidth) / Math.min(imageHeight, imageWidth);
        int s = Math.min(shortSide, Math.min(imageHeight, imageWidth));
        while (s > 1 && (long) s * Math.round(s * aspect) > config.maxNodes()) s--;
        int longSide = (int) Math.min(Math.max(imageHeight, imageWidth), Math.max(1, Math.round(s * aspect)));
        return imageHeight <= imageWidth ? new int[] {s, longSide} : new int[] {longSide, s};
    }

    @Override
    public Graphs graphs(BufferedImage image) {
        double[][] lab = Images.lab(image);
        int height = image.getHeight();
        int width = image.getWidth();
        double[][] integral = new double[3][];
        for (int c = 0; c < 3; c++) integral[c] = integralImage(lab[c], height, width);
        List<Graph> graphs = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int side : config.shortSides()) {
            int[] g = grid(height, width, side);
            if (!seen.add(g[0] + "x" + g[1])) continue; // a small image can map two sides to one grid
            graphs.add(graphAt(integral, height, width, g[0], g[1]));
        }
        Graph baselineGraph = graphs.get(0);
        for (Graph g : graphs) if (g.nodes() <= FINAL_LAYER_NODES) baselineGraph = g;
        return new Graphs(name(), describe(), height, width, graphs, finalLayerAt(integral, height, width, baselineGraph), java.util.Map.of());
    }

    /** The grids of the data-set taps: short sides 8, 16 and 32 cells, the paper's limit of 32 x 32. */
    static final int[] TAP_SIDES = {8, 16, 32};

    /**
     * The data-set stand-in's taps (not part of the paper), one head per layer at short sides 8, 16 and 32: queries =
     * keys = a code of the cell's position (cos and sin of pi u and 2 pi u for each axis, u in (0, 1)), so that the Q-K
     * graph links nearby places in every image ("where"); values = the cell's appearance, its CIELAB mean relative to
     * mid-grey and its CIELAB standard deviation (texture), so that the V-V graph links alike stuff anywhere ("what").
     * By construction, so it teaches what the two graphs do rather than shows that a network does it.
     */
    @Override
    public AttentionTaps attentionTaps(BufferedImage image, boolean queriesAndKeys, boolean values) {
        double[][] lab = Images.lab(image);
        int height = image.getHeight();
        int width = image.getWidth();
        double[][] integral = new double[3][];
        double[][] squares = new double[3][];
        for (int c = 0; c < 3; c++) {
            integral[c] = integralImage(lab[c], height, width);
            double[] sq = new double[lab[c].length];
            for (int i = 0; i < sq.length; i++) sq[i] = lab[c][i] * lab[c][i];
            squares[c] = integralImage(sq, height, width);
        }
        List<AttentionTaps.Layer> layers = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int side : TAP_SIDES) {
            int[] g = grid(height, width, side);
            if (!seen.add(g[0] + "x" + g[1])) continue;
            int rows = g[0];
            int cols = g[1];
            int n = rows * cols;
            float[] position = queriesAndKeys ? new float[n * 8] : null;
            float[] appearance = values ? new float[n * 6] : null;
            forEachCell(height, width, rows, cols, (i, gy, gx, y0, y1, x0, x1) -> {
                if (position != null) {
                    double u = (gy + 0.5) / rows;
                    double v = (gx + 0.5) / cols;
                    double[] code = {Math.cos(Math.PI * u), Math.sin(Math.PI * u), Math.cos(Math.PI * v), Math.sin(Math.PI * v),
                        Math.cos(2 * Math.PI * u), Math.sin(2 * Math.PI * u), Math.cos(2 * Math.PI * v), Math.sin(2 * Math.PI * v)};
                    for (int c = 0; c < 8; c++) position[i * 8 + c] = (float) code[c];
                }
                if (appearance != null) {
                    for (int c = 0; c < 3; c++) {
                        double mean = boxMean(integral[c], width, y0, y1, x0, x1);
                        double var = Math.max(0, boxMean(squares[c], width, y0, y1, x0, x1) - mean * mean);
                        appearance[i * 6 + c] = (float) ((c == 0 ? mean - 50 : mean) / 12);
                        appearance[i * 6 + 3 + c] = (float) (Math.sqrt(var) / 6);
                    }
                }
            });
            layers.add(new AttentionTaps.Layer("pixels." + rows + "x" + cols, rows, cols, 1, 8, 6, position, position, appearance));
        }
        return new AttentionTaps(layers);
    }

    /** A cell of a rows x cols grid over the image: its index gy * cols + gx and its pixels [y0, y1) x [x0, x1). */
    private interface CellVisitor {
        void visit(int i, int gy, int gx, int y0, int y1, int x0, int x1);
    }

    /** Visits every cell, row-major; a cell spans at least one pixel. */
    private static void forEachCell(int height, int width, int rows, int cols, CellVisitor visitor) {
        for (int gy = 0; gy < rows; gy++) {
            int y0 = (int) ((long) gy * height / rows);
            int y1 = Math.max(y0 + 1, (int) ((long) (gy + 1) * height / rows));
            for (int gx = 0; gx < cols; gx++) {
                int x0 = (int) ((long) gx * width / cols);
                int x1 = Math.max(x0 + 1, (int) ((long) (gx + 1) * width / cols));
                visitor.visit(gy * cols + gx, gy, gx, y0, y1, x0, x1);
            }
        }
    }

    /** Mean CIELAB colour and centre position (in short-side units) of every cell of a rows x cols grid. */
    private record Cells(double[][] colour, double[][] position) {}

    private static Cells cells(double[][] integral, int height, int width, int rows, int cols) {
        int n = rows * cols;
        double[][] colour = new double[n][3];
        double[][] position = new double[n][2];
        double unit = Math.min(rows, cols);
        forEachCell(height, width, rows, cols, (i, gy, gx, y0, y1, x0, x1) -> {
            for (int c = 0; c < 3; c++) colour[i][c] = boxMean(integral[c], width, y0, y1, x0, x1);
            position[i][0] = (gy + 0.5) / unit;
            position[i][1] = (gx + 0.5) / unit;
        });
        return new Cells(colour, position);
    }

    /**
     * The baselines' "final layer" for this weight-free backbone: the finest graph of at most
     * {@link #FINAL_LAYER_NODES} nodes (exact eigen-solvers are cubic in it), its heads averaged as the final
     * attention, and as features each cell's colour and position scaled like the bilateral head (colour / sigma_c,
     * position / sigma_p), centred so that cosine similarity compares deviations from the image mean. It has no keys:
     * these features serve the baselines whichever features they are asked for.
     */
    private FinalLayer finalLayerAt(double[][] integral, int height, int width, Graph finest) {
        Cells cells = cells(integral, height, width, finest.height(), finest.width());
        Head last = config.heads().get(config.heads().size() - 1);
        double sp = Double.isInfinite(last.positionSigma()) ? 1 : last.positionSigma();
        int n = finest.nodes();
        double[][] features = new double[n][5];
        double[] mean = new double[5];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) features[i][c] = cells.colour()[i][c] / last.colourSigma();
            for (int c = 0; c < 2; c++) features[i][3 + c] = cells.position()[i][c] / sp;
            for (int c = 0; c < 5; c++) mean[c] += features[i][c] / n;
        }
        for (double[] f : features) for (int c = 0; c < 5; c++) f[c] -= mean[c];
        double[][] headMean = finest.headMean();
        double[] flat = new double[n * n];
        for (int i = 0; i < n; i++) System.arraycopy(headMean[i], 0, flat, i * n, n);
        Graph attention = Graph.ofDoubles(finest.name() + ".head_mean", 1, finest.height(), finest.width(), flat);
        return new FinalLayer(finest.height(), finest.width(), features, null, attention);
    }

    private Graph graphAt(double[][] integral, int height, int width, int rows, int cols) {
        int n = rows * cols;
        Cells cells = cells(integral, height, width, rows, cols);
        double[][] colour = cells.colour();
        double[][] position = cells.position();
        List<Head> heads = config.heads();
        float[] values = new float[heads.size() * n * n];
        for (int h = 0; h < heads.size(); h++) {
            double colourScale = 1 / (2 * heads.get(h).colourSigma() * heads.get(h).colourSigma());
            double sp = heads.get(h).positionSigma();
            double positionScale = Double.isInfinite(sp) ? 0 : 1 / (2 * sp * sp);
            int base = h * n * n;
            IntStream.range(0, n).parallel().forEach(i -> {
                double[] row = new double[n];
                double sum = 0;
                for (int j = 0; j < n; j++) {
                    double dl = colour[i][0] - colour[j][0];
                    double da = colour[i][1] - colour[j][1];
                    double db = colour[i][2] - colour[j][2];
                    double dy = position[i][0] - position[j][0];
                    double dx = position[i][1] - position[j][1];
                    double v = Math.exp(-(dl * dl + da * da + db * db) * colourScale - (dy * dy + dx * dx) * positionScale);
                    row[j] = v;
                    sum += v;
                }
                int offset = base + i * n;
                for (int j = 0; j < n; j++) values[offset + j] = (float) (row[j] / sum);
            });
        }
        return Graph.ofFloats("pixels." + rows + "x" + cols, heads.size(), rows, cols, values);
    }

    private static double[] integralImage(double[] channel, int height, int width) {
        double[] s = new double[(height + 1) * (width + 1)];
        for (int y = 0; y < height; y++) {
            double row = 0;
            for (int x = 0; x < width; x++) {
                row += channel[y * width + x];
                s[(y + 1) * (width + 1) + x + 1] = s[y * (width + 1) + x + 1] + row;
            }
        }
        return s;
    }

    private static double boxMean(double[] s, int width, int y0, int y1, int x0, int x1) {
        int w = width + 1;
        double total = s[y1 * w + x1] - s[y0 * w + x1] - s[y1 * w + x0] + s[y0 * w + x0];
        return total / ((double) (y1 - y0) * (x1 - x0));
    }
}
