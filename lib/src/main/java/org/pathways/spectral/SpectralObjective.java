package org.pathways.spectral;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pathways.affinity.Graph;
import org.pathways.common.InvalidInputException;

/**
 * The per-image spectral objective of the paper (Sec. 3.2) and of the authors' {@code ncut_loss}: for every graph,
 * pool the features X (1, K, H, W) to the graph's grid, L2-normalise each channel over the pixels (Z), and score
 * eigenvalue estimates z_c^T A z_c (target 1) and the off-diagonal Gram entries of Z (target 0):
 * {@code loss = eig * mean|eig - 1| + ortho * mean(ortho^2)} with the {@link Weights} of its {@link Spec}, means over
 * all heads and channels and over all layers' off-diagonal entries.
 *
 * <p>Speed: all heads of all graphs at one grid are stacked into one (G*N, N) matrix of symmetric parts S, so a pass
 * is one matrix product per grid; its result 2 S Z^T is also the gradient of the eigenvalue term, which enters
 * autograd through a surrogate with the same value (no second read of the graphs in the backward pass).
 */
@AutogradCode
public final class SpectralObjective implements AutoCloseable {

    /**
     * All graphs that share one grid, their symmetric parts stacked: one (G*N, N) block in the compute type, or, when
     * stored narrower (float16), one block per graph, widened one at a time for the product.
     */
    private record Level(int height, int width, int headCount, int layerCount, List<NDArray> blocks, NDArray layerWeight, NDArray padding) {}

    /**
     * The product S Z^T is read-bound, but MKL's kernel for 15 right-hand columns runs at half the speed of 16: Z^T
     * gets zero columns up to a multiple of 8 (measured 55 ms -> 30 ms for 72 graphs of 900 nodes).
     */
    private static int paddedColumns(int channels) {
        return (channels + 7) / 8 * 8;
    }

    /** Where each input graph's eigenvalues sit in its level's stack (for reporting in input order). */
    private record Slot(int level, int firstHead, int heads) {}

    private final NDManager manager;
    private final List<Level> levels = new ArrayList<>();
    private final List<Slot> slots = new ArrayList<>();
    private final int channels;
    private final int featureHeight;
    private final int featureWidth;
    private final int totalHeads;
    private final int totalLayers;
    private final NDArray offDiagonal;
    // Scalars used inside autograd, as arrays that own their memory (see Constants).
    private final NDArray two;
    private final NDArray eigScale;
    private final NDArray orthoScale;
    private final DataType dataType;

    /**
     * The loss weights: {@code eig * mean|eig - 1| + ortho * mean(ortho^2)}.
     * {@link #AUTHORS} are the authors' {@code --eig_loss_weight} and {@code --ortho_loss_weight} defaults
     * (single_img/main.py), 2 and 2.
     */
    public record Weights(double eig, double ortho) {
        public static final Weights AUTHORS = new Weights(2, 2);

        public Weights {
            if (!(eig >= 0) || !(ortho >= 0) || !Double.isFinite(eig) || !Double.isFinite(ortho)) {
                throw new IllegalArgumentException("loss weights must be finite and >= 0, got " + eig + " and " + ortho);
            }
        }
    }

    /**
     * What the objective is over, besides the graphs.
     *
     * @param channels      K, the number of feature channels (eigenvectors)
     * @param featureHeight feature grid height, or 0 for the finest graph's grid (the authors' choice); a larger grid
     *                      is pooled down to every graph
     * @param dataType      FLOAT32 (runs) or FLOAT64 (the golden comparisons)
     */
    public record Spec(int channels, int featureHeight, int featureWidth, DataType dataType, Weights weights) {
        /** K channels on the finest graph's grid, float32, the authors' weights. */
        public static Spec of(int channels) {
            return new Spec(channels, 0, 0, DataType.FLOAT32, Weights.AUTHORS);
        }

        /** The features on an h x w grid (0 x 0: the finest graph's). */
        public Spec onGrid(int height, int width) {
            return new Spec(channels, height, width, dataType, weights);
        }

        public Spec in(DataType type) {
            return new Spec(channels, featureHeight, featureWidth, type, weights);
        }

        public Spec withWeights(Weights w) {
            return new Spec(channels, featureHeight, featureWidth, dataType, w);
        }
    }

    /** The objective of {@code graphs} (any order, any mix of grids) under {@code spec}, graphs kept in the compute type. */
    public SpectralObjective(NDManager parent, List<Graph> graphs, Spec spec) {
        this(parent, graphs, spec, spec.dataType());
    }

    /**
     * As above, with dense graphs stored as {@code storage} (FLOAT16 halves the memory of the sd14 buffer, paper App.
     * B.2); every pass widens them, one graph at a time, to the compute type. Sparse graphs keep the compute type.
     */
    public SpectralObjective(NDManager parent, List<Graph> graphs, Spec spec, DataType storage) {
        int channels = spec.channels();
        int featureHeight = spec.featureHeight();
        int featureWidth = spec.featureWidth();
        DataType dataType = spec.dataType();
        if (graphs.isEmpty()) throw new InvalidInputException("no graphs to optimise");
        this.manager = parent.newSubManager();
        this.channels = channels;
        this.dataType = dataType;
        Graph finest = graphs.get(0);
        for (Graph g : graphs) if (g.nodes() > finest.nodes()) finest = g;
        this.featureHeight = featureHeight > 0 ? featureHeight : finest.height();
        this.featureWidth = featureWidth > 0 ? featureWidth : finest.width();
        int minNodes = Integer.MAX_VALUE;
        for (Graph g : graphs) minNodes = Math.min(minNodes, g.nodes());
        if (channels > minNodes) {
            throw new InvalidInputException("K = " + channels + " eigenvectors is larger than the " + minNodes + " pixels of the coarsest graph");
        }
        if (channels < 2) throw new InvalidInputException("K = " + channels + ": at least 2 eigenvectors are needed");

        Map<String, List<Graph>> byGrid = new LinkedHashMap<>();
        for (Graph g : graphs) byGrid.computeIfAbsent(g.height() + "x" + g.width(), k -> new ArrayList<>()).add(g);
        Map<Graph, Slot> slotOf = new java.util.IdentityHashMap<>();
        int heads = 0;
        for (List<Graph> group : byGrid.values()) {
            int first = 0;
            for (Graph g : group) {
                if (g.height() > this.featureHeight || g.width() > this.featureWidth) {
                    throw new InvalidInputException("graph " + g.name() + ": grid " + g.height() + "x" + g.width() + " is finer than the feature grid " + this.featureHeight + "x" + this.featureWidth);
                }
                slotOf.put(g, new Slot(levels.size(), first, g.heads()));
                first += g.heads();
            }
            List<NDArray> blocks = blocks(group, manager, dataType, storage);
            long nodes = (long) group.get(0).height() * group.get(0).width();
            NDArray padding = paddedColumns(channels) == channels ? null : manager.zeros(new Shape(nodes, paddedColumns(channels) - channels), dataType);
            levels.add(new Level(group.get(0).height(), group.get(0).width(), first, group.size(), blocks,
                    Constants.of(manager, group.size(), dataType), padding));
            heads += first;
        }
        for (Graph g : graphs) slots.add(slotOf.get(g));
        this.totalHeads = heads;
        this.totalLayers = graphs.size();
        this.offDiagonal = manager.ones(new Shape(channels, channels), dataType).sub(manager.eye(channels).toType(dataType, false));
        this.two = Constants.of(manager, 2, dataType);
        this.eigScale = Constants.of(manager, spec.weights().eig() / ((double) totalHeads * channels), dataType);
        this.orthoScale = Constants.of(manager, spec.weights().ortho() / ((double) totalLayers * channels * (channels - 1)), dataType);
    }

    /** The symmetric parts of a grid's graphs: one stacked block, or per graph in {@code storage} (dense only). */
    private static List<NDArray> blocks(List<Graph> group, NDManager manager, DataType compute, DataType storage) {
        if (storage == compute || group.stream().anyMatch(g -> g.topK() > 0)) return List.of(Graph.symmetrisedStack(group, manager, compute));
        List<NDArray> out = new ArrayList<>();
        for (Graph g : group) {
            try (NDManager scratch = manager.newSubManager()) {
                NDArray narrow = g.symmetrisedStack(scratch, compute).toType(storage, false); // a new array: the types differ
                narrow.attach(manager);
                out.add(narrow);
            }
        }
        return out;
    }

    /** Bytes the graphs take in native memory. */
    public long graphBytes() {
        long bytes = 0;
        for (Level level : levels) for (NDArray b : level.blocks()) bytes += b.isSparse() ? 0 : b.size() * b.getDataType().getNumOfBytes();
        return bytes;
    }

    public int channels() {
        return channels;
    }

    /** Feature grid height: the finest graph's. */
    public int featureHeight() {
        return featureHeight;
    }

    public int featureWidth() {
        return featureWidth;
    }

    public DataType dataType() {
        return dataType;
    }

    /** Arrays that live as long as the objective; the engine temp-attaches them to each step's manager. */
    public NDArray[] longLived() {
        List<NDArray> out = new ArrayList<>();
        for (Level level : levels) {
            out.addAll(level.blocks());
            out.add(level.layerWeight());
            if (level.padding() != null) out.add(level.padding());
        }
        out.addAll(List.of(offDiagonal, two, eigScale, orthoScale));
        return out.toArray(new NDArray[0]);
    }

    /** The loss and its parts for features X; {@link Terms#loss()} carries autograd history back to X. */
    public record Terms(NDArray loss, List<NDArray> eigenvalues, List<NDArray> grams) {}

    /**
     * Computes the objective for X of shape (1, K, H, W) at the feature grid (probabilities over K, normally).
     * Results are attached to X's manager.
     */
    public Terms evaluate(NDArray x) {
        Shape s = x.getShape();
        if (s.dimension() != 4 || s.get(0) != 1 || s.get(1) != channels || s.get(2) != featureHeight || s.get(3) != featureWidth) {
            throw new IllegalArgumentException("features must be (1, " + channels + ", " + featureHeight + ", " + featureWidth + "), got " + s);
        }
        NDArray eigSum = null;
        NDArray orthoSum = null;
        List<NDArray> eigs = new ArrayList<>();
        List<NDArray> grams = new ArrayList<>();
        for (Level level : levels) {
            NDArray pooled = level.height() == featureHeight && level.width() == featureWidth
                    ? x
                    : JniUtils.adaptiveAvgPool((PtNDArray) x, new Shape(level.height(), level.width()));
            long n = (long) level.height() * level.width();
            NDArray z = pooled.reshape(channels, n).normalize(2, 1, 1e-12);      // (K, N), unit channels
            NDArray zt = z.transpose();                                          // (N, K)
            NDArray ztFixed = zt.stopGradient();
            NDArray right = level.padding() == null ? ztFixed : ztFixed.concat(level.padding(), 1);
            NDArray product = times(level.blocks(), right);
            if (level.padding() != null) product = product.get(new NDIndex(":, 0:{}", channels));
            NDArray sz = product.reshape(level.headCount(), n, channels);         // S Z^T per head
            NDArray eigFixed = sz.mul(ztFixed).sum(new int[] {1});               // (G, K) = z^T S z
            // Same value as eigFixed; its gradient w.r.t. Z^T is 2 S Z^T, the true gradient of z^T S z.
            NDArray eig = sz.mul(zt).sum(new int[] {1}).mul(two).sub(eigFixed);
            eigs.add(eigFixed);
            NDArray absDev = eig.sub(1).abs().sum();
            eigSum = eigSum == null ? absDev : eigSum.add(absDev);
            NDArray gram = z.matMul(z.transpose());
            grams.add(gram.stopGradient());
            NDArray offSq = gram.mul(offDiagonal).square().sum().mul(level.layerWeight());
            orthoSum = orthoSum == null ? offSq : orthoSum.add(offSq);
        }
        NDArray loss = eigSum.mul(eigScale).add(orthoSum.mul(orthoScale));
        return new Terms(loss, eigs, grams);
    }

    /** S Z^T over a level's blocks; a narrow block is widened to Z's type first (a temporary of one graph). */
    private static NDArray times(List<NDArray> blocks, NDArray right) {
        if (blocks.size() == 1 && blocks.get(0).getDataType() == right.getDataType()) return blocks.get(0).matMul(right);
        NDList parts = new NDList();
        for (NDArray block : blocks) {
            if (block.getDataType() == right.getDataType()) {
                parts.add(block.matMul(right));
            } else {
                NDArray wide = block.toType(right.getDataType(), false);
                parts.add(wide.matMul(right));
                wide.close(); // one graph's widened copy at a time
            }
        }
        return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0);
    }

    /** Eigenvalue estimates in input-graph order (graph, head, channel), from the per-level arrays of {@link Terms}. */
    public double[] eigenvaluesInGraphOrder(Terms terms) {
        List<double[]> perLevel = new ArrayList<>();
        for (NDArray e : terms.eigenvalues()) perLevel.add(e.toType(DataType.FLOAT64, false).toDoubleArray());
        double[] out = new double[totalHeads * channels];
        int pos = 0;
        for (Slot slot : slots) {
            double[] src = perLevel.get(slot.level());
            System.arraycopy(src, slot.firstHead() * channels, out, pos, slot.heads() * channels);
            pos += slot.heads() * channels;
        }
        return out;
    }

    /** Squared off-diagonal Gram entries per graph in input order, row-major with the diagonal skipped. */
    public double[] orthoSquaresInGraphOrder(Terms terms) {
        List<double[]> perLevel = new ArrayList<>();
        for (NDArray g : terms.grams()) perLevel.add(g.toType(DataType.FLOAT64, false).toDoubleArray());
        int per = channels * (channels - 1);
        double[] out = new double[slots.size() * per];
        int pos = 0;
        for (Slot slot : slots) {
            double[] gram = perLevel.get(slot.level());
            for (int r = 0; r < channels; r++) {
                for (int c = 0; c < channels; c++) {
                    if (r != c) out[pos++] = gram[r * channels + c] * gram[r * channels + c];
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
