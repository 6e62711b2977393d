package org.pathways.spectral;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.List;

/**
 * Parameter updates with PyTorch's exact semantics ({@code torch.optim.Adam} with default betas and eps, and plain
 * {@code torch.optim.SGD}). Written on NDArrays rather than DJL's Adam so that the state is created once, up
 * front, in the parameters' own manager (DJL creates it lazily in whatever manager the weight is attached to then).
 */
public abstract class Optimiser {
    protected final double learningRate;

    protected Optimiser(double learningRate) {
        this.learningRate = learningRate;
    }

    public static Optimiser create(String name, double learningRate, NDList parameters) {
        return switch (name) {
            case "adam" -> new Adam(learningRate, parameters);
            case "sgd" -> new Sgd(learningRate);
            default -> throw new org.pathways.data.InvalidInputException("unknown optimiser '" + name + "' (adam, sgd)");
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

    public static final class Adam extends Optimiser {
        private static final double BETA1 = 0.9;
        private static final double BETA2 = 0.999;
        private static final double EPS = 1e-8;
        private final List<NDArray> first = new ArrayList<>();
        private final List<NDArray> second = new ArrayList<>();
        private int step;

        Adam(double learningRate, NDList parameters) {
            super(learningRate);
            for (NDArray p : parameters) {
                first.add(p.zerosLike());
                second.add(p.zerosLike());
            }
        }

        @Override
        public void step(NDList parameters, List<NDArray> gradients) {
            step++;
            double correction1 = 1 - Math.pow(BETA1, step);
            double correction2 = Math.sqrt(1 - Math.pow(BETA2, step));
            for (int i = 0; i < parameters.size(); i++) {
                NDArray g = gradients.get(i);
                NDArray m = first.get(i).muli(BETA1).addi(g.mul(1 - BETA1));
                NDArray v = second.get(i).muli(BETA2).addi(g.square().muli(1 - BETA2));
                NDArray denominator = v.sqrt().divi(correction2).addi(EPS);
                parameters.get(i).subi(m.div(denominator).muli(learningRate / correction1));
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
