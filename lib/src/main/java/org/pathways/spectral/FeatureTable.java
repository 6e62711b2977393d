package org.pathways.spectral;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.pathways.common.InvalidInputException;
import org.pathways.data.NdData;
import org.pathways.data.Npy;

/**
 * The data-set-level features: one learnable K x 32 x 32 logit map per image (the authors' {@code SegNet}
 * {@code image_feat_lookup_table}, initialised N(0, 1)), with
 * <ul>
 *   <li>AdamW state per image, as {@code torch.optim.AdamW} keeps it for each image's parameter: the moments and the
 *       step count, which advances only when the image is in a mini-batch (its other steps see no gradient);</li>
 *   <li>the authors' EMA of every image's logits ({@code update_ema_model}, e = m e + (1 - m) p after each mini-batch,
 *       over all images), whose softmax is the data set's final features.</li>
 * </ul>
 * Held by libtorch in float32, as the authors' parameters; saved and restored exactly ({@link #save}, {@link #load}).
 */
public final class FeatureTable implements AutoCloseable {
    public static final int SIDE = DatasetObjective.TABLE;

    /** AdamW's settings: torch's defaults but for the learning rate; the authors call it with weight decay 0. */
    public record AdamW(double learningRate, double beta1, double beta2, double eps, double weightDecay) {
        public AdamW {
            if (!(learningRate > 0)) throw new InvalidInputException("learning rate must be > 0, got " + learningRate);
            if (!(weightDecay >= 0)) throw new InvalidInputException("weight decay must be >= 0, got " + weightDecay);
        }

        /** main_cls.py: AdamW(lr = --learning_rate, weight_decay = --weight_decay), the launch script's 1e-2 and 0. */
        public static AdamW authors() {
            return new AdamW(1e-2, 0.9, 0.999, 1e-8, 0);
        }
    }

    private final NDManager manager;
    private final int images;
    private final int channels;
    private final NDArray logits;
    private final NDArray ema;
    private final NDArray firstMoment;
    private final NDArray secondMoment;
    private final int[] steps;

    private FeatureTable(NDManager parent, int images, int channels, float[] logits, float[] ema, float[] m, float[] v, int[] steps) {
        this.manager = parent.newSubManager();
        this.images = images;
        this.channels = channels;
        Shape shape = new Shape(images, channels, SIDE, SIDE);
        this.logits = owned(logits, shape);
        this.ema = owned(ema, shape);
        this.firstMoment = owned(m, shape);
        this.secondMoment = owned(v, shape);
        this.steps = steps;
    }

    private NDArray owned(float[] values, Shape shape) {
        return Constants.owned(manager.create(values, shape), DataType.FLOAT32);
    }

    /** A new table: logits N(0, 1) from {@code seed}, image by image; the EMA starts as a copy; no AdamW steps yet. */
    public static FeatureTable create(NDManager parent, int images, int channels, long seed) {
        if (images < 1 || channels < 2) throw new InvalidInputException("a feature table needs at least 1 image and 2 channels, got " + images + " and " + channels);
        int per = channels * SIDE * SIDE;
        long size = (long) images * per;
        if (size > Integer.MAX_VALUE) throw new InvalidInputException(images + " images x " + per + " values do not fit one table");
        float[] x = new float[(int) size];
        Random random = new Random(seed);
        for (int i = 0; i < x.length; i++) x[i] = (float) random.nextGaussian();
        return new FeatureTable(parent, images, channels, x, x.clone(), new float[x.length], new float[x.length], new int[images]);
    }

    public int images() {
        return images;
    }

    public int channels() {
        return channels;
    }

    /** How many AdamW steps each image has had. */
    public int[] steps() {
        return steps.clone();
    }

    /** A copy of some images' logits, (B, K, 32, 32), in {@code scope}. */
    public NDArray logitsOf(NDManager scope, int[] batch) {
        return rows(scope, logits, batch);
    }

    private static NDArray rows(NDManager scope, NDArray all, int[] batch) {
        NDArray idx = scope.create(java.util.Arrays.stream(batch).asLongStream().toArray());
        try (NDManager tmp = scope.newSubManager()) {
            tmp.tempAttachAll(all);
            NDArray out = all.get(new NDIndex("{}", idx));
            out.attach(scope);
            return out;
        }
    }

    /**
     * One AdamW step on the batch's images with gradients (B, K, 32, 32), each image with its own step count, exactly
     * as torch's single-tensor AdamW updates each image's parameter: p = p (1 - lr wd); m = lerp(m, g, 1 - beta1);
     * v = beta2 v + (1 - beta2) g g; p = p - lr / (1 - beta1^t) m / (sqrt(v) / sqrt(1 - beta2^t) + eps).
     */
    public void step(NDManager scope, int[] batch, NDArray gradients, AdamW adam) {
        int b = batch.length;
        float[] negStep = new float[b];
        float[] bias2 = new float[b];
        for (int i = 0; i < b; i++) {
            int t = ++steps[batch[i]];
            negStep[i] = (float) -(adam.learningRate() / (1 - Math.pow(adam.beta1(), t)));
            bias2[i] = (float) Math.sqrt(1 - Math.pow(adam.beta2(), t));
        }
        try (NDManager tmp = scope.newSubManager()) {
            tmp.tempAttachAll(logits, firstMoment, secondMoment, gradients);
            NDArray p = rows(tmp, logits, batch);
            NDArray m = rows(tmp, firstMoment, batch);
            NDArray v = rows(tmp, secondMoment, batch);
            NDArray g = gradients;
            Shape perImage = new Shape(b, 1, 1, 1);
            if (adam.weightDecay() != 0) p.muli(1 - adam.learningRate() * adam.weightDecay());
            m.addi(g.sub(m).muli(1 - adam.beta1()));                                 // torch: exp_avg.lerp_(grad, 1 - beta1)
            v.muli(adam.beta2()).addi(g.mul(1 - adam.beta2()).muli(g));              // exp_avg_sq.mul_(beta2).addcmul_(g, g, 1 - beta2)
            NDArray denom = v.sqrt().divi(tmp.create(bias2, perImage)).addi(adam.eps());
            p.addi(m.mul(tmp.create(negStep, perImage)).divi(denom));               // param.addcdiv_(exp_avg, denom, -step_size)
            NDArray idx = tmp.create(java.util.Arrays.stream(batch).asLongStream().toArray());
            logits.set(new NDIndex("{}", idx), p);
            firstMoment.set(new NDIndex("{}", idx), m);
            secondMoment.set(new NDIndex("{}", idx), v);
        }
    }

    /**
     * The authors' {@code subsample_feat_and_solve_ncut_semantic} for one mini-batch: {@code iterations} times, the
     * objective of the batch's softmaxed logits, its gradient, and an AdamW step on the batch's images.
     *
     * @return the loss before each step
     */
    public double[] solve(DatasetObjective objective, int[] batch, int iterations, AdamW adam) {
        double[] losses = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            try (NDManager pass = manager.newSubManager()) {
                pass.tempAttachAll(objective.longLived());
                NDArray x = logitsOf(pass, batch);
                x.setRequiresGradient(true);
                losses[i] = Autograd.collect(collector -> {
                    NDArray loss = objective.evaluate(x.softmax(1)).loss();
                    collector.backward(loss);
                    return loss.toType(DataType.FLOAT64, false).getDouble();
                });
                step(pass, batch, x.getGradient(), adam);
            }
        }
        return losses;
    }

    /** The authors' update_ema_model over every image: e = m e + (1 - m) p. */
    public void updateEma(double momentum) {
        try (NDManager tmp = manager.newSubManager()) {
            tmp.tempAttachAll(logits, ema);
            ema.muli(momentum).addi(logits.mul(1 - momentum));
        }
    }

    /** The final features: softmax over K of the EMA logits, images x K x 32 x 32 (float32, image-major). */
    public float[] emaProbabilities() {
        try (NDManager tmp = manager.newSubManager()) {
            tmp.tempAttachAll(ema);
            return ema.softmax(1).toFloatArray();
        }
    }

    /** Saves the table into {@code dir}: logits, EMA, AdamW moments (float32 .npy) and steps (int64). */
    public void save(Path dir) throws IOException {
        int[] shape = {images, channels, SIDE, SIDE};
        Npy.writeFloat32(dir.resolve("logits.npy"), shape, logits.toFloatArray());
        Npy.writeFloat32(dir.resolve("ema.npy"), shape, ema.toFloatArray());
        Npy.writeFloat32(dir.resolve("adam_m.npy"), shape, firstMoment.toFloatArray());
        Npy.writeFloat32(dir.resolve("adam_v.npy"), shape, secondMoment.toFloatArray());
        Npy.writeInt64(dir.resolve("adam_steps.npy"), new int[] {images}, steps);
    }

    /** A table saved by {@link #save}; refuses one of another size on one line. */
    public static FeatureTable load(NDManager parent, Path dir, int images, int channels) throws IOException {
        float[][] parts = new float[4][];
        String[] names = {"logits", "ema", "adam_m", "adam_v"};
        for (int i = 0; i < 4; i++) {
            NdData d = Npy.read(dir.resolve(names[i] + ".npy"));
            int[] want = {images, channels, SIDE, SIDE};
            if (!java.util.Arrays.equals(d.shape(), want)) {
                throw new InvalidInputException(dir.resolve(names[i] + ".npy") + ": shape " + d.shapeString() + " is not " + java.util.Arrays.toString(want));
            }
            parts[i] = d.asFloats();
        }
        int[] steps = Npy.read(dir.resolve("adam_steps.npy")).asInts();
        if (steps.length != images) throw new InvalidInputException(dir.resolve("adam_steps.npy") + ": " + steps.length + " steps for " + images + " images");
        return new FeatureTable(parent, images, channels, parts[0], parts[1], parts[2], parts[3], steps);
    }

    @Override
    public void close() {
        manager.close();
    }
}
