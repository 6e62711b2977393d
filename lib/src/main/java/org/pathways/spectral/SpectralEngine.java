package org.pathways.spectral;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * The per-image optimisation loop of the authors' single_img/main.py: {@code passes + 1} loop passes
 * ({@code train_steps} counts them), gradients accumulated over {@code accumulation} passes, an optimiser update
 * after pass {@code accumulation} (which closes a first window of accumulation + 1 passes) and then every
 * {@code accumulation} passes.
 *
 * <p>When the graphs and the network do not change inside a window (every ViT, the {@code pixels} backbone:
 * BatchNorm uses batch statistics, so a pass is a pure function of the parameters), all passes of a window give
 * the same gradient; {@link Config#reuseWindowPass()} computes it once and scales it by the window's length.
 *
 * <p>Memory: every pass runs in its own sub-manager, closed after it; parameters, optimiser state and graphs live
 * in the caller's manager and are only temp-attached to the pass's manager, so a long run does not grow.
 */
public final class SpectralEngine {

    /**
     * @param passes the authors' {@code train_steps}: the loop runs passes + 1 times
     * @param accumulation passes per optimiser update ({@code accum_grads})
     * @param optimiser "adam" (the authors') or "sgd"
     * @param reuseWindowPass compute each window's gradient once and scale it (exact when passes are identical)
     */
    public record Config(int passes, int accumulation, double learningRate, String optimiser, boolean reuseWindowPass) {
        public Config {
            if (passes < 0) throw new IllegalArgumentException("passes must be >= 0, got " + passes);
            if (accumulation < 1) throw new IllegalArgumentException("accumulation must be >= 1, got " + accumulation);
            if (!(learningRate > 0)) throw new IllegalArgumentException("learning rate must be > 0, got " + learningRate);
        }

        /** The authors' defaults (single_img/main.py): 1300 passes, accumulation 20, Adam 1e-3. */
        public static Config authors() {
            return new Config(1300, 20, 1e-3, "adam", true);
        }

        public Config withPasses(int n) {
            return new Config(n, accumulation, learningRate, optimiser, reuseWindowPass);
        }

        public Config withAccumulation(int n) {
            return new Config(passes, n, learningRate, optimiser, reuseWindowPass);
        }

        public Config withLearningRate(double lr) {
            return new Config(passes, accumulation, lr, optimiser, reuseWindowPass);
        }

        public Config withOptimiser(String name) {
            return new Config(passes, accumulation, learningRate, name, reuseWindowPass);
        }

        public Config withReuseWindowPass(boolean reuse) {
            return new Config(passes, accumulation, learningRate, optimiser, reuse);
        }

        /** Optimiser updates in a run: one after each full window. */
        public int updates() {
            return accumulation < 1 ? 0 : passes / accumulation;
        }

        /** Passes the gradient of update u (1-based) accumulates. */
        public int windowLength(int update) {
            return update == 1 ? accumulation + 1 : accumulation;
        }
    }

    /** Progress of a run, reported after every computed pass. */
    public interface Listener {
        /**
         * @param pass the authors' pass index reached (0..passes)
         * @param update optimiser updates done so far
         */
        void onProgress(int pass, int passes, int update, double loss, double elapsedSeconds);
    }

    /** Outcome of a run: the final features and the loss history. */
    public record Result(double[] probabilities, int channels, int height, int width, double finalLoss,
                         int passes, int computedPasses, int updates, double[] lossPerUpdate, double seconds) {}

    private SpectralEngine() {}

    /** Runs the optimisation and returns the softmaxed features (K x H x W, channel-first) of the final parameters. */
    public static Result run(NDManager manager, SpectralObjective objective, FeatureMap features, Config config, Listener listener) {
        if (!config.reuseWindowPass()) return run(manager, constant(objective), features, config, listener);
        long start = System.nanoTime();
        State state = new State(features, config);
        NDList parameters = state.parameters;
        Optimiser optimiser = state.optimiser;
        List<NDArray> accumulated = state.accumulated;
        NDArray[] attach = state.attach;

        int updates = config.updates();
        double[] lossPerUpdate = new double[updates];
        int computed = 0;
        double lastLoss;
        for (int u = 1; u <= updates; u++) {
            try (NDManager step = manager.newSubManager()) {
                step.tempAttachAll(attach);
                step.tempAttachAll(objective.longLived());
                lastLoss = passInto(objective, features, accumulated);
                computed++;
                for (NDArray g : accumulated) g.muli(config.windowLength(u)); // the window's passes are all this one
                optimiser.step(parameters, accumulated);
                for (NDArray g : accumulated) g.muli(0);
            }
            lossPerUpdate[u - 1] = lastLoss;
            if (listener != null) listener.onProgress(u * config.accumulation(), config.passes(), u, lastLoss, seconds(start));
        }
        return finish(manager, attach, objective, features, accumulated, optimiser, config, computed, lossPerUpdate, start);
    }

    /** The same objective for every pass (fixed graphs, computed pass by pass); the caller keeps owning it. */
    private static GraphSource constant(SpectralObjective objective) {
        return new GraphSource() {
            @Override
            public SpectralObjective objective(int pass) {
                return objective;
            }

            @Override
            public void close() {}
        };
    }

    /**
     * The optimisation's state: the parameters, the optimiser, the accumulated gradients, and what every step's scope
     * must keep alive besides the objective's arrays (attached on their own, once: an array temp-attached twice to one
     * scope would be freed with it).
     */
    private static final class State {
        final NDList parameters;
        final Optimiser optimiser;
        final List<NDArray> accumulated = new ArrayList<>();
        final NDArray[] attach;

        State(FeatureMap features, Config config) {
            parameters = features.parameters();
            optimiser = Optimiser.create(config.optimiser(), config.learningRate(), parameters);
            for (NDArray p : parameters) accumulated.add(p.zerosLike());
            List<NDArray> longLived = new ArrayList<>(parameters);
            longLived.addAll(optimiser.state());
            longLived.addAll(accumulated);
            attach = longLived.toArray(new NDArray[0]);
        }
    }

    /** The softmaxed features of the final parameters and the loss there; frees the optimiser's arrays. */
    private static Result finish(NDManager manager, NDArray[] attach, SpectralObjective objective, FeatureMap features, List<NDArray> accumulated,
                                 Optimiser optimiser, Config config, int computed, double[] lossPerUpdate, long start) {
        double[] probabilities;
        double finalLoss;
        try (NDManager step = manager.newSubManager()) {
            step.tempAttachAll(attach);
            step.tempAttachAll(objective.longLived());
            NDArray x = features.logits().softmax(1);
            finalLoss = objective.evaluate(x).loss().toType(DataType.FLOAT64, false).getDouble();
            probabilities = x.toType(DataType.FLOAT64, false).toDoubleArray();
        }
        for (NDArray a : accumulated) a.close();
        for (NDArray a : optimiser.state()) a.close();
        return new Result(probabilities, objective.channels(), objective.featureHeight(), objective.featureWidth(), finalLoss,
                config.passes(), computed, config.updates(), lossPerUpdate, seconds(start));
    }

    /**
     * As {@link #run(NDManager, SpectralObjective, FeatureMap, Config, Listener)} when the graphs change between
     * passes: every one of the {@code passes + 1} loop passes is computed on {@code source}'s objective for it (window
     * reuse would be wrong here, so {@link Config#reuseWindowPass()} is refused), and the final loss is the last
     * pass's objective at the final parameters. The fixed-graph path above is left untouched.
     */
    public static Result run(NDManager manager, GraphSource source, FeatureMap features, Config config, Listener listener) {
        if (config.reuseWindowPass()) throw new IllegalArgumentException("graphs that change between passes need every pass computed (reuseWindowPass off)");
        long start = System.nanoTime();
        State state = new State(features, config);
        NDList parameters = state.parameters;
        Optimiser optimiser = state.optimiser;
        List<NDArray> accumulated = state.accumulated;
        NDArray[] attach = state.attach;

        double[] lossPerUpdate = new double[config.updates()];
        int computed = 0;
        double lastLoss = Double.NaN;
        SpectralObjective objective = null;
        int u = 0;
        for (int pass = 0; pass <= config.passes(); pass++) {
            objective = source.objective(pass); // may run the model: outside the pass's scope
            try (NDManager step = manager.newSubManager()) {
                step.tempAttachAll(attach);
                step.tempAttachAll(objective.longLived());
                lastLoss = passInto(objective, features, accumulated);
                computed++;
                if (pass % config.accumulation() == 0 && pass != 0) {
                    optimiser.step(parameters, accumulated);
                    for (NDArray g : accumulated) g.muli(0);
                    lossPerUpdate[u++] = lastLoss;
                }
            }
            if (listener != null) listener.onProgress(pass, config.passes(), u, lastLoss, seconds(start));
        }
        return finish(manager, attach, objective, features, accumulated, optimiser, config, computed, lossPerUpdate, start);
    }

    /** One forward and backward pass; adds the parameters' gradients into {@code accumulated}; returns the loss. */
    static double passInto(SpectralObjective objective, FeatureMap features, List<NDArray> accumulated) {
        NDList parameters = features.parameters();
        double loss = Autograd.collect(collector -> {
            NDArray value = objective.evaluate(features.logits().softmax(1)).loss();
            collector.backward(value);
            return value.toType(DataType.FLOAT64, false).getDouble();
        });
        for (int i = 0; i < parameters.size(); i++) {
            NDArray g = parameters.get(i).getGradient();
            accumulated.get(i).addi(g);
            g.muli(0); // clear .grad in place so the next backward starts from zero
        }
        return loss;
    }

    /** Objective value and dL/dX at fixed features X (K*H*W values, channel-first). */
    public record Gradient(double loss, double[] dLossDx, double[] eigenvalues, double[] orthoSquares) {}

    /** Evaluates the objective and its gradient with respect to X itself (the authors' {@code dense_feat}). */
    public static Gradient gradientAt(NDManager manager, SpectralObjective objective, double[] x) {
        try (NDManager scope = manager.newSubManager()) {
            scope.tempAttachAll(objective.longLived());
            NDArray features = scope.create(x, new Shape(1, objective.channels(), objective.featureHeight(), objective.featureWidth()));
            NDArray typed = Constants.owned(features, objective.dataType()); // libtorch-owned, not the Java buffer
            typed.setRequiresGradient(true);
            SpectralObjective.Terms terms = Autograd.collect(collector -> {
                SpectralObjective.Terms t = objective.evaluate(typed);
                collector.backward(t.loss());
                return t;
            });
            double loss = terms.loss().toType(DataType.FLOAT64, false).getDouble();
            double[] grad = typed.getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
            return new Gradient(loss, grad, objective.eigenvaluesInGraphOrder(terms), objective.orthoSquaresInGraphOrder(terms));
        }
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
