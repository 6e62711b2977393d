package org.pathways.spectral;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import java.util.Random;

/**
 * The authors' feature parametrisation ({@code ToyCNN} in single_img/train_utils.py): a learnable
 * (1, hidden, H, W) input map, conv3x3 + BatchNorm + ReLU twice, then conv3x3 to K channels. BatchNorm always uses
 * the batch statistics (the authors never switch to eval mode), so a pass is deterministic. Initialisation follows
 * PyTorch's defaults: input ~ N(0, 1); conv weights and biases ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)); BN scale 1,
 * shift 0.
 */
@AutogradCode
public final class ToyCnn implements FeatureMap {
    /** Layer sizes; the authors use hidden = 128. */
    public record Config(int channels, int height, int width, int hidden) {
        public static Config authors(int channels, int height, int width) {
            return new Config(channels, height, width, 128);
        }
    }

    private static final double BN_EPS = 1e-5;

    private final NDArray input;
    private final NDArray w1, b1, gamma1, beta1;
    private final NDArray w2, b2, gamma2, beta2;
    private final NDArray w3, b3;
    private final NDList parameters;
    private final NDArray eps; // an array that owns its memory: see Constants

    public ToyCnn(NDManager manager, Config config, DataType type, long seed) {
        Random random = new Random(seed);
        int c = config.hidden();
        input = gaussian(manager, random, new Shape(1, c, config.height(), config.width()), type);
        w1 = uniform(manager, random, new Shape(c, c, 3, 3), c * 9, type);
        b1 = uniform(manager, random, new Shape(c), c * 9, type);
        w2 = uniform(manager, random, new Shape(c, c, 3, 3), c * 9, type);
        b2 = uniform(manager, random, new Shape(c), c * 9, type);
        w3 = uniform(manager, random, new Shape(config.channels(), c, 3, 3), c * 9, type);
        b3 = uniform(manager, random, new Shape(config.channels()), c * 9, type);
        gamma1 = manager.ones(new Shape(c), type);
        beta1 = manager.zeros(new Shape(c), type);
        gamma2 = manager.ones(new Shape(c), type);
        beta2 = manager.zeros(new Shape(c), type);
        eps = Constants.of(manager, BN_EPS, type);
        parameters = new NDList(input, w1, b1, gamma1, beta1, w2, b2, gamma2, beta2, w3, b3);
        String[] names = {"feat_var", "fc1.weight", "fc1.bias", "bn1.weight", "bn1.bias", "fc2.weight", "fc2.bias", "bn2.weight", "bn2.bias", "fc3.weight", "fc3.bias"};
        for (int i = 0; i < names.length; i++) {
            parameters.get(i).setName(names[i]);
            parameters.get(i).setRequiresGradient(true);
        }
    }

    @Override
    public NDArray logits() {
        NDArray h = Activation.relu(batchNorm(conv(input, w1, b1), gamma1, beta1, eps));
        h = Activation.relu(batchNorm(conv(h, w2, b2), gamma2, beta2, eps));
        return conv(h, w3, b3);
    }

    /**
     * conv3x3, stride 1, padding 1: libtorch's native convolution. (An earlier im2col workaround was for NaN input
     * gradients that turned out to come from arrays aliasing freed Java buffers; with every parameter and constant
     * owning its memory, 6000 native backward passes at 128 -> 15 channels on 60 x 80 under forced collections gave
     * none, and GcStressTest and the finite-difference test guard it.)
     */
    static NDArray conv(NDArray x, NDArray weight, NDArray bias) {
        return Conv2d.conv2d(x, weight, bias, PADDED_STRIDE, PADDED_STRIDE, PADDED_STRIDE, 1).singletonOrThrow();
    }

    private static final Shape PADDED_STRIDE = new Shape(1, 1); // stride 1, padding 1, dilation 1

    /** Training-mode BatchNorm2d: batch mean and biased variance over (N, H, W); here N = 1. */
    static NDArray batchNorm(NDArray x, NDArray gamma, NDArray beta, NDArray eps) {
        Shape shape = x.getShape();
        long c = shape.get(1);
        NDArray flat = x.reshape(c, -1);                      // (C, H*W): DJL's mean takes one axis at a time
        NDArray centred = flat.sub(flat.mean(new int[] {1}, true));
        NDArray var = centred.square().mean(new int[] {1}, true);
        NDArray normalised = centred.div(var.add(eps).sqrt()).mul(gamma.reshape(c, 1)).add(beta.reshape(c, 1));
        return normalised.reshape(shape);
    }

    @Override
    public NDList parameters() {
        return parameters;
    }

    @Override
    public String kind() {
        return "toycnn";
    }

    static NDArray gaussian(NDManager manager, Random random, Shape shape, DataType type) {
        double[] v = new double[(int) shape.size()];
        for (int i = 0; i < v.length; i++) v[i] = random.nextGaussian();
        return Constants.owned(manager.create(v, shape), type);
    }

    private static NDArray uniform(NDManager manager, Random random, Shape shape, int fanIn, DataType type) {
        double bound = 1.0 / Math.sqrt(fanIn);
        double[] v = new double[(int) shape.size()];
        for (int i = 0; i < v.length; i++) v[i] = (2 * random.nextDouble() - 1) * bound;
        return Constants.owned(manager.create(v, shape), type);
    }
}
