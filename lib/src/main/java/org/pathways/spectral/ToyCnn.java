package org.pathways.spectral;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.Random;

/**
 * The authors' feature parametrisation ({@code ToyCNN} in single_img/train_utils.py): a learnable
 * (1, hidden, H, W) input map, conv3x3 + BatchNorm + ReLU twice, then conv3x3 to K channels. BatchNorm always uses
 * the batch statistics (the authors never switch to eval mode), so a pass is deterministic. Initialisation follows
 * PyTorch's defaults: input ~ N(0, 1); conv weights and biases ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)); BN scale 1,
 * shift 0.
 */
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
        NDArray h = Activation.relu(batchNorm(conv(input, w1, b1), gamma1, beta1));
        h = Activation.relu(batchNorm(conv(h, w2, b2), gamma2, beta2));
        return conv(h, w3, b3);
    }

    /**
     * conv3x3, stride 1, padding 1, as im2col and one matrix product. Not DJL's Conv2d: libtorch 2.7.1's CPU
     * convolution backward intermittently returns NaN input gradients on this hardware (seen with 128 -> 15
     * channels on a 60 x 80 grid, about one run in ten), while matrix products and slicing are exact.
     */
    static NDArray conv(NDArray x, NDArray weight, NDArray bias) {
        Shape s = x.getShape();
        long c = s.get(1);
        long h = s.get(2);
        long w = s.get(3);
        NDArray padded = x.reshape(c, h, w).pad(new Shape(1, 1, 1, 1), 0);      // (C, H+2, W+2)
        NDList shifted = new NDList(9);
        for (int dy = 0; dy < 3; dy++) {
            for (int dx = 0; dx < 3; dx++) shifted.add(padded.get(new NDIndex(":, {}:{}, {}:{}", dy, dy + h, dx, dx + w)));
        }
        NDArray columns = NDArrays.stack(shifted, 1).reshape(c * 9, h * w);       // row c*9 + dy*3 + dx
        long out = weight.getShape().get(0);
        return weight.reshape(out, c * 9).matMul(columns).add(bias.reshape(out, 1)).reshape(1, out, h, w);
    }

    /** Training-mode BatchNorm2d: batch mean and biased variance over (N, H, W); here N = 1. */
    private NDArray batchNorm(NDArray x, NDArray gamma, NDArray beta) {
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
