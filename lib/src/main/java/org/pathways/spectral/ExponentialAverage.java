package org.pathways.spectral;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.List;

/**
 * An exponential moving average of parameters, the authors' {@code update_ema_model} (single_img/main.py and
 * main_cls.py): after each optimiser step, e = m e + (1 - m) p, starting from a copy of the parameters
 * ({@code copy_param_to_ema_model}). The data-set objective reads its features from the average (m = 0.99).
 * Checked step by step against torch (golden/optim).
 */
public final class ExponentialAverage implements AutoCloseable {
    private final double momentum;
    private final List<NDArray> averages = new ArrayList<>();

    /** Starts from a copy of {@code parameters}, in their manager. */
    public ExponentialAverage(NDList parameters, double momentum) {
        if (!(momentum >= 0 && momentum <= 1)) throw new IllegalArgumentException("momentum must lie in [0, 1], got " + momentum);
        this.momentum = momentum;
        for (NDArray p : parameters) averages.add(p.duplicate().stopGradient());
    }

    /** e = m e + (1 - m) p for every parameter (outside autograd, in place). */
    public void update(NDList parameters) {
        for (int i = 0; i < averages.size(); i++) averages.get(i).muli(momentum).addi(parameters.get(i).mul(1 - momentum));
    }

    /** The averaged parameters, in the order of the parameters. */
    public List<NDArray> averages() {
        return averages;
    }

    @Override
    public void close() {
        averages.forEach(NDArray::close);
    }
}
