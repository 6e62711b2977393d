package org.pathways.spectral;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.List;

/**
 * Parameter updates with PyTorch's exact semantics: {@code torch.optim.Adam} (the per-image optimiser of
 * single_img/main.py), {@code torch.optim.AdamW} (decoupled weight decay, the data-set optimiser of main_cls.py) and
 * plain {@code torch.optim.SGD}, checked step by step against torch (golden/optim). Written on NDArrays rather than
 * DJL's Adam so that the state is created once, up front, in the parameters' own manager (DJL creates it lazily in
 * whatever manager the weight is attached to then). Updates run outside autograd, so scalar operands are safe here.
 */
public abstract class Optimiser {
    protected final double learningRate;

    protected Optimiser(double learningRate) {
        this.learningRate = learningRate;
    }

    public static Optimiser create(String name, double learningRate, NDList parameters) {
        return switch (name) {
            case "adam" -> adam(learningRate, parameters);
            case "sgd" -> new Sgd(learningRate);
            default -> throw new org.pathways.common.InvalidInputException("unknown optimiser '" + name + "' (adam, sgd)");
        };
    }

    /** Applies one update in place; gradients are in the same order as the parameters. */
    public abstract void step(NDList parameters, List<NDArray> gradients);

    /** Arrays the optimiser keeps between steps (for manager scoping). */
    public abstract List<NDArray> state();

    public static final class Sgd extends Optimiser {
        Sgd(double learningRate) {
            super(learningRate);
        }

        @Override
        public void step(NDList parameters, List<NDArray> gradients) {
            for (int i = 0; i < parameters.size(); i++) parameters.get(i).subi(gradients.get(i).mul(learningRate));
        }

        @Override
        public List<NDArray> state() {
            return List.of();
        }
    }

    /** torch.optim.Adam(lr) with its defaults: betas (0.9, 0.999), eps 1e-8, no weight decay. */
    public static Adam adam(double learningRate, NDList parameters) {
        return new Adam(learningRate, Adam.BETA1, Adam.BETA2, 0, parameters);
    }

    /** torch.optim.Adam(lr, betas=(beta1, beta2)). */
    public static Adam adam(double learningRate, double beta1, double beta2, NDList parameters) {
        return new Adam(learningRate, beta1, beta2, 0, parameters);
    }

    /** torch.optim.AdamW(lr, weight_decay): Adam after the decoupled decay p = p (1 - lr wd); torch's default wd is 0.01. */
    public static Adam adamW(double learningRate, double weightDecay, NDList parameters) {
        return new Adam(learningRate, Adam.BETA1, Adam.BETA2, weightDecay, parameters);
    }

    /**
     * torch's single-tensor Adam step: p = p (1 - lr wd) (AdamW only); m = lerp(m, g, 1 - beta1);
     * v = beta2 v + (1 - beta2) g^2; p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps).
     */
    public static final class Adam extends Optimiser {
        static final double BETA1 = 0.9;
        static final double BETA2 = 0.999;
        private static final double EPS = 1e-8;
        private final double beta1;
        private final double beta2;
        private final double weightDecay;
        private final List<NDArray> first = new ArrayList<>();
        private final List<NDArray> second = new ArrayList<>();
        private int step;

        Adam(double learningRate, double beta1, double beta2, double weightDecay, NDList parameters) {
            super(learningRate);
            if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("betas must lie in [0, 1), got " + beta1 + ", " + beta2);
            if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.weightDecay = weightDecay;
            for (NDArray p : parameters) {
                first.add(p.zerosLike());
                second.add(p.zerosLike());
            }
        }

        @Override
        public void step(NDList parameters, List<NDArray> gradients) {
            step++;
            double correction1 = 1 - Math.pow(beta1, step);
            double correction2 = Math.sqrt(1 - Math.pow(beta2, step));
            for (int i = 0; i < parameters.size(); i++) {
                NDArray p = parameters.get(i);
                NDArray g = gradients.get(i);
                if (weightDecay != 0) p.muli(1 - learningRate * weightDecay);
                NDArray m = first.get(i).addi(g.sub(first.get(i)).muli(1 - beta1)); // torch's lerp_(g, 1 - beta1)
                NDArray v = second.get(i).muli(beta2).addi(g.square().muli(1 - beta2));
                NDArray denominator = v.sqrt().divi(correction2).addi(EPS);
                p.subi(m.div(denominator).muli(learningRate / correction1));
            }
        }

        @Override
        public List<NDArray> state() {
            List<NDArray> all = new ArrayList<>(first);
            all.addAll(second);
            return all;
        }
    }
}
