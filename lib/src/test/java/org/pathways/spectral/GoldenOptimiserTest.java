package org.pathways.spectral;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.pathways.testing.Golden;

/**
 * The optimisers against torch.optim step by step (golden/optim, torch 2.13, float64): Adam with the per-image
 * defaults and with other betas, AdamW with and without weight decay, and the authors' EMA of the AdamW run. Six
 * steps with gradients scaled by 1e-3 .. 30, so that bias correction, eps and large steps all show.
 */
class GoldenOptimiserTest {
    /** Matches torch to this relative error (of the largest |parameter|); measured up to 3e-16. */
    static final double TOL = 1e-14;
    private static final Shape SHAPE = new Shape(4, 5);

    private static double[] step(double[] all, int s) {
        double[] out = new double[20];
        System.arraycopy(all, s * 20, out, 0, 20);
        return out;
    }

    private static void check(String name, Function<NDList, Optimiser> make, boolean withEma) {
        double[] p0 = Golden.npy("optim", "p0").values();
        double[] grads = Golden.npy("optim", "grads").values();
        double[] expected = Golden.npy("optim", name).values();
        double[] expectedEma = withEma ? Golden.npy("optim", "ema0.99_of_" + name).values() : null;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray p = Constants.owned(m.create(p0, SHAPE), DataType.FLOAT64);
            NDList params = new NDList(p);
            Optimiser optimiser = make.apply(params);
            ExponentialAverage ema = withEma ? new ExponentialAverage(params, 0.99) : null;
            for (int s = 0; s < 6; s++) {
                NDArray g = Constants.owned(m.create(step(grads, s), SHAPE), DataType.FLOAT64);
                optimiser.step(params, List.of(g));
                Golden.assertClose("optim " + name + " step " + (s + 1), step(expected, s), p.toDoubleArray(), TOL);
                if (ema != null) {
                    ema.update(params);
                    Golden.assertClose("optim EMA 0.99 of " + name + " step " + (s + 1), step(expectedEma, s), ema.averages().get(0).toDoubleArray(), TOL);
                }
            }
        }
    }

    @Test
    void adamWithTorchDefaults() {
        check("adam_lr1e-3", params -> Optimiser.adam(1e-3, params), false);
    }

    @Test
    void adamWithOtherBetas() {
        check("adam_lr3e-4_betas0.5_0.9", params -> Optimiser.adam(3e-4, 0.5, 0.9, params), false);
    }

    @Test
    void adamWWithoutWeightDecayAndTheAuthorsEma() {
        check("adamw_lr1e-2_wd0", params -> Optimiser.adamW(1e-2, 0, params), true);
    }

    @Test
    void adamWWithDecoupledWeightDecay() {
        check("adamw_lr1e-2_wd0.01", params -> Optimiser.adamW(1e-2, 0.01, params), false);
        check("adamw_lr1e-2_default_wd", params -> Optimiser.adamW(1e-2, 0.01, params), false);
    }
}
