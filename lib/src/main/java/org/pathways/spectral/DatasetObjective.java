package org.pathways.spectral;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pathways.affinity.SparseGraph;
import org.pathways.common.InvalidInputException;

/**
 * The data-set-level spectral objective (paper Sec. 3.3) as the authors compute it
 * ({@code subsample_feat_and_solve_ncut_semantic} in train_utils.py, at commit 4702d89): the features of a mini-batch
 * of B images, probabilities (B, K, T, T) with T = 32 (the feature table), are pooled (adaptive average) to every
 * graph's grid r x r, laid out image-major (node = b r^2 + y r + x) and L2-normalised per channel over ALL B r^2 nodes
 * (Z); every head of every graph is one graph g with weight w_g = 32 / r_g, and
 * <pre>loss = mean over g, k of |w_g (z_k^T A_g z_k - 1)| + mean over g, i != j of w_g (z_i^T z_j)^2</pre>
 * (no factor 2 here, unlike the per-image loss). The authors index their weights by graph where they mean by layer
 * (an IndexError with several heads, golden README); we weight every head by its own grid.
 *
 * <p>As in {@link SpectralObjective}, every graph enters through its symmetric part S = (A + A^T)/2 (z^T A z = z^T S z),
 * the graphs at one grid stacked into one sparse matrix, and the eigenvalue term through a surrogate whose gradient
 * 2 S Z is the product already computed: one sparse product per grid and pass.
 */
@AutogradCode
public final class DatasetObjective implements AutoCloseable {
    /** The side of the feature table's grid, and the authors' weight numerator: w = 32 / r. */
    public static final int TABLE = 32;

    /** The graphs at one grid. */
    private record Level(int res, int graphs, NDArray stack, NDArray weights, NDArray orthoWeight) {}

    /** Where each input head sits in the levels, for reporting in input order. */
    private record Slot(int level, int index) {}

    private final NDManager manager;
    private final List<Level> levels = new ArrayList<>();
    private final List<Slot> slots = new ArrayList<>();
    private final int batch;
    private final int channels;
    private final DataType dataType;
    private final NDArray offDiagonal;
    private final NDArray two;
    private final NDArray eigScale;
    private final NDArray orthoScale;
    private final double[] graphWeights;

    /**
     * @param graphs   the mini-batch's graphs, each of {@code batch} images (every head is one graph)
     * @param channels K, the feature channels
     */
    public DatasetObjective(NDManager parent, List<SparseGraph> graphs, int channels, DataType dataType) {
        if (graphs.isEmpty()) throw new InvalidInputException("no graphs to optimise");
        if (channels < 2) throw new InvalidInputException("K = " + channels + ": at least 2 channels are needed");
        this.manager = parent.newSubManager();
        this.channels = channels;
        this.dataType = dataType;
        this.batch = graphs.get(0).batch();
        Map<Integer, List<SparseGraph>> byGrid = new LinkedHashMap<>();
        for (SparseGraph g : graphs) {
            if (g.batch() != batch) throw new InvalidInputException("graph " + g.name() + " has " + g.batch() + " images, graph " + graphs.get(0).name() + " has " + batch);
            if (g.height() != g.width()) throw new InvalidInputException("graph " + g.name() + ": grid " + g.height() + "x" + g.width() + " is not square");
            if (g.height() > TABLE) throw new InvalidInputException("graph " + g.name() + ": grid " + g.height() + "x" + g.width() + " is finer than the " + TABLE + "x" + TABLE + " feature table");
            if (channels > g.nodes()) throw new InvalidInputException("K = " + channels + " is larger than the " + g.nodes() + " nodes of graph " + g.name());
            byGrid.computeIfAbsent(g.height(), r -> new ArrayList<>()).add(g);
        }
        Map<SparseGraph, int[]> placed = new java.util.IdentityHashMap<>();
        int total = 0;
        for (Map.Entry<Integer, List<SparseGraph>> e : byGrid.entrySet()) {
            int res = e.getKey();
            List<NDArray> parts = new ArrayList<>();
            int count = 0;
            for (SparseGraph g : e.getValue()) {
                placed.put(g, new int[] {levels.size(), count});
                parts.add(g.symmetrisedStack(manager, dataType));
                count += g.heads();
            }
            NDArray stack = parts.size() == 1 ? parts.get(0) : ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(parts), 0);
            double w = (double) TABLE / res;
            double[] perGraph = new double[count];
            java.util.Arrays.fill(perGraph, w);
            levels.add(new Level(res, count, stack, Constants.owned(manager.create(perGraph, new Shape(count, 1)), dataType),
                    Constants.of(manager, w * count, dataType)));
            total += count;
        }
        this.graphWeights = new double[total];
        int i = 0;
        for (SparseGraph g : graphs) {
            int[] at = placed.get(g);
            for (int h = 0; h < g.heads(); h++) {
                slots.add(new Slot(at[0], at[1] + h));
                graphWeights[i++] = (double) TABLE / g.height();
            }
        }
        this.offDiagonal = manager.ones(new Shape(channels, channels), dataType).sub(manager.eye(channels).toType(dataType, false));
        this.two = Constants.of(manager, 2, dataType);
        this.eigScale = Constants.of(manager, 1.0 / ((double) total * channels), dataType);
        this.orthoScale = Constants.of(manager, 1.0 / ((double) total * channels * (channels - 1)), dataType);
    }

    public int batch() {
        return batch;
    }

    public int channels() {
        return channels;
    }

    public DataType dataType() {
        return dataType;
    }

    /** Every graph's weight 32 / r, in input order (head by head). */
    public double[] graphWeights() {
        return graphWeights.clone();
    }

    /** Arrays that live as long as the objective (to temp-attach to each step's manager). */
    public NDArray[] longLived() {
        List<NDArray> out = new ArrayList<>();
        for (Level l : levels) {
            out.add(l.stack());
            out.add(l.weights());
            out.add(l.orthoWeight());
        }
        out.addAll(List.of(offDiagonal, two, eigScale, orthoScale));
        return out.toArray(new NDArray[0]);
    }

    /** The loss and its parts; {@link Terms#loss()} carries autograd history back to the probabilities. */
    public record Terms(NDArray loss, List<NDArray> eigenvalues, List<NDArray> grams) {}

    /** The objective of probabilities (B, K, 32, 32), softmaxed over K. Results join the probabilities' manager. */
    public Terms evaluate(NDArray probabilities) {
        Shape s = probabilities.getShape();
        if (s.dimension() != 4 || s.get(0) != batch || s.get(1) != channels || s.get(2) != TABLE || s.get(3) != TABLE) {
            throw new IllegalArgumentException("probabilities must be (" + batch + ", " + channels + ", " + TABLE + ", " + TABLE + "), got " + s);
        }
        NDArray eigSum = null;
        NDArray orthoSum = null;
        List<NDArray> eigs = new ArrayList<>();
        List<NDArray> grams = new ArrayList<>();
        for (Level level : levels) {
            int r = level.res();
            long n = (long) batch * r * r;
            NDArray pooled = r == TABLE ? probabilities : JniUtils.adaptiveAvgPool((PtNDArray) probabilities, new Shape(r, r));
            NDArray z = pooled.transpose(0, 2, 3, 1).reshape(n, channels).normalize(2, 0, 1e-12); // (B r^2, K), unit channels
            NDArray zFixed = z.stopGradient();
            NDArray sz = level.stack().matMul(zFixed).reshape(level.graphs(), n, channels);      // S_g Z for every graph
            NDArray eigFixed = sz.mul(zFixed).sum(new int[] {1});                              // (G, K) = z^T S z
            // the same value; its gradient w.r.t. Z is 2 S Z, the true gradient of z^T S z
            NDArray eig = sz.mul(z).sum(new int[] {1}).mul(two).sub(eigFixed);
            eigs.add(eigFixed);
            NDArray absDev = eig.sub(1).mul(level.weights()).abs().sum();
            eigSum = eigSum == null ? absDev : eigSum.add(absDev);
            NDArray gram = z.transpose().matMul(z);
            grams.add(gram.stopGradient());
            NDArray offSq = gram.mul(offDiagonal).square().sum().mul(level.orthoWeight());
            orthoSum = orthoSum == null ? offSq : orthoSum.add(offSq);
        }
        return new Terms(eigSum.mul(eigScale).add(orthoSum.mul(orthoScale)), eigs, grams);
    }

    /** The objective at fixed logits, and its gradient with respect to them. */
    public record Gradient(double loss, double[] dLossDLogits, double[] eigenvalues, double[] ortho) {}

    /** Loss and dL/dlogits at logits (B, K, 32, 32), values in row-major order; the softmax over K is applied here. */
    public Gradient gradientAt(double[] logits) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = Constants.owned(scope.create(logits, new Shape(batch, channels, TABLE, TABLE)), dataType);
            x.setRequiresGradient(true);
            Terms terms = Autograd.collect(collector -> {
                Terms t = evaluate(x.softmax(1));
                collector.backward(t.loss());
                return t;
            });
            double loss = terms.loss().toType(DataType.FLOAT64, false).getDouble();
            double[] grad = x.getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
            return new Gradient(loss, grad, eigenvaluesInGraphOrder(terms), orthoInGraphOrder(terms));
        }
    }

    /** Eigenvalue estimates in input order: graph by graph (head by head), channel by channel. */
    public double[] eigenvaluesInGraphOrder(Terms terms) {
        List<double[]> perLevel = new ArrayList<>();
        for (NDArray e : terms.eigenvalues()) perLevel.add(e.toType(DataType.FLOAT64, false).toDoubleArray());
        double[] out = new double[slots.size() * channels];
        for (int g = 0; g < slots.size(); g++) {
            Slot slot = slots.get(g);
            System.arraycopy(perLevel.get(slot.level()), slot.index() * channels, out, g * channels, channels);
        }
        return out;
    }

    /** The off-diagonal Gram entries z_i^T z_j (not squared) of every graph in input order, row-major. */
    public double[] orthoInGraphOrder(Terms terms) {
        List<double[]> perLevel = new ArrayList<>();
        for (NDArray g : terms.grams()) perLevel.add(g.toType(DataType.FLOAT64, false).toDoubleArray());
        int per = channels * (channels - 1);
        double[] out = new double[slots.size() * per];
        int pos = 0;
        for (Slot slot : slots) {
            double[] gram = perLevel.get(slot.level());
            for (int a = 0; a < channels; a++) for (int b = 0; b < channels; b++) if (a != b) out[pos++] = gram[a * channels + b];
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
