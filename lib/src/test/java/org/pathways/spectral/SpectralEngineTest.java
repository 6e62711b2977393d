package org.pathways.spectral;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.pathways.affinity.Graph;

/** The optimisation schedule, its shortcut, determinism, gradients and memory. */
class SpectralEngineTest {
    private static final int K = 4;

    /** Random row-stochastic graphs at 8x8 (2 heads) and 4x4 (1 head), float64. */
    static List<Graph> graphs(long seed) {
        Random r = new Random(seed);
        return List.of(randomGraph("a", 2, 8, r), randomGraph("b", 1, 4, r));
    }

    static Graph randomGraph(String name, int heads, int side, Random r) {
        int n = side * side;
        double[] v = new double[heads * n * n];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < n; i++) {
                double sum = 0;
                for (int j = 0; j < n; j++) sum += v[(h * n + i) * n + j] = Math.exp(2 * r.nextGaussian());
                for (int j = 0; j < n; j++) v[(h * n + i) * n + j] /= sum;
            }
        }
        return Graph.ofDoubles(name, heads, side, side, v);
    }

    private static FeatureMap smallCnn(NDManager m, long seed) {
        return new ToyCnn(m, new ToyCnn.Config(K, 8, 8, 8), DataType.FLOAT64, seed);
    }

    private static double[] flatParameters(FeatureMap f) {
        List<Double> all = new ArrayList<>();
        for (NDArray p : f.parameters()) for (double d : p.toDoubleArray()) all.add(d);
        return all.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static SpectralEngine.Config config(int passes, String optimiser, boolean reuse, double lr) {
        return new SpectralEngine.Config(passes, 20, lr, optimiser, reuse);
    }

    /** One pass's gradient at the current parameters, flattened. */
    private static double[] onePassGradient(NDManager m, SpectralObjective objective, FeatureMap f) {
        NDManager step = m.newSubManager();
        try (step) {
            step.tempAttachAll(f.parameters());
            step.tempAttachAll(objective.longLived());
            List<NDArray> acc = new ArrayList<>();
            for (NDArray p : f.parameters()) acc.add(p.zerosLike());
            SpectralEngineAccess.pass(objective, f, acc);
            List<Double> all = new ArrayList<>();
            for (NDArray g : acc) for (double d : g.toDoubleArray()) all.add(d);
            return all.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }

    @Test
    void accumulatedGradientIs21TimesThenTwentyTimesOnePass() {
        double lr = 1e-3;
        try (NDManager m = NDManager.newBaseManager();
             SpectralObjective objective = new SpectralObjective(m, graphs(1), SpectralObjective.Spec.of(K).in(DataType.FLOAT64))) {
            FeatureMap f = smallCnn(m, 7);
            double[] p0 = flatParameters(f);
            double[] g0 = onePassGradient(m, objective, f);
            SpectralEngine.run(m, objective, f, config(20, "sgd", false, lr), null); // passes 0..20: one update
            double[] p1 = flatParameters(f);
            double[] g1 = onePassGradient(m, objective, f);
            double[] step1 = new double[p0.length];
            for (int i = 0; i < p0.length; i++) step1[i] = (p0[i] - p1[i]) / lr;
            assertClose(scale(g0, 21), step1, 1e-9, "first window = 21 x one pass");
            // one run of passes 0..40: its second window accumulates passes 21..40, all at p1
            FeatureMap f2 = smallCnn(m, 7);
            SpectralEngine.run(m, objective, f2, config(40, "sgd", false, lr), null);
            double[] p2 = flatParameters(f2);
            double[] step2 = new double[p0.length];
            for (int i = 0; i < p0.length; i++) step2[i] = (p1[i] - p2[i]) / lr;
            assertClose(scale(g1, 20), step2, 1e-9, "later windows = 20 x one pass");
        }
    }

    @Test
    void reusingTheWindowPassGivesTheSameTrajectoryWithAdamAndSgd() {
        for (String optimiser : List.of("adam", "sgd")) {
            double lr = optimiser.equals("adam") ? 1e-2 : 1e-2;
            try (NDManager m = NDManager.newBaseManager();
                 SpectralObjective objective = new SpectralObjective(m, graphs(2), SpectralObjective.Spec.of(K).in(DataType.FLOAT64))) {
                FeatureMap exact = smallCnn(m, 3);
                FeatureMap reused = smallCnn(m, 3);
                SpectralEngine.Result a = SpectralEngine.run(m, objective, exact, config(65, optimiser, false, lr), null);
                SpectralEngine.Result b = SpectralEngine.run(m, objective, reused, config(65, optimiser, true, lr), null);
                assertEquals(66, a.computedPasses());
                assertEquals(3, b.computedPasses());
                assertEquals(3, a.updates());
                double moved = maxAbsDiff(flatParameters(smallCnn(m, 3)), flatParameters(exact));
                assertTrue(moved > 1e-4, optimiser + ": parameters must move, moved " + moved);
                assertClose(a.probabilities(), b.probabilities(), 1e-9, optimiser + " trajectory");
                assertClose(a.lossPerUpdate(), b.lossPerUpdate(), 1e-9, optimiser + " losses");
            }
        }
    }

    @Test
    void sameSeedSameResultOtherSeedOtherResult() {
        try (NDManager m = NDManager.newBaseManager();
             SpectralObjective objective = new SpectralObjective(m, graphs(3), SpectralObjective.Spec.of(K))) {
            SpectralEngine.Config c = SpectralEngine.Config.authors().withPasses(100);
            double[] a = SpectralEngine.run(m, objective, new ToyCnn(m, new ToyCnn.Config(K, 8, 8, 16), DataType.FLOAT32, 5), c, null).probabilities();
            double[] b = SpectralEngine.run(m, objective, new ToyCnn(m, new ToyCnn.Config(K, 8, 8, 16), DataType.FLOAT32, 5), c, null).probabilities();
            double[] other = SpectralEngine.run(m, objective, new ToyCnn(m, new ToyCnn.Config(K, 8, 8, 16), DataType.FLOAT32, 6), c, null).probabilities();
            assertArrayEquals(a, b);
            assertTrue(maxAbsDiff(a, other) > 1e-3);
        }
    }

    @Test
    void gradientMatchesCentralFiniteDifferences() {
        Random r = new Random(11);
        List<Graph> graphs = List.of(randomGraph("fine", 2, 4, r), randomGraph("coarse", 1, 2, r));
        int k = 3;
        int n = 16;
        double[] x = new double[k * n];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int c = 0; c < k; c++) sum += x[c * n + i] = Math.exp(r.nextGaussian());
            for (int c = 0; c < k; c++) x[c * n + i] /= sum;
        }
        try (NDManager m = NDManager.newBaseManager();
             SpectralObjective objective = new SpectralObjective(m, graphs, SpectralObjective.Spec.of(k).in(DataType.FLOAT64))) {
            double[] analytic = SpectralEngine.gradientAt(m, objective, x).dLossDx();
            double eps = 1e-6;
            double worst = 0;
            double scale = 0;
            for (int i = 0; i < x.length; i++) {
                double[] plus = x.clone();
                double[] minus = x.clone();
                plus[i] += eps;
                minus[i] -= eps;
                double fd = (SpectralEngine.gradientAt(m, objective, plus).loss() - SpectralEngine.gradientAt(m, objective, minus).loss()) / (2 * eps);
                worst = Math.max(worst, Math.abs(fd - analytic[i]));
                scale = Math.max(scale, Math.abs(analytic[i]));
            }
            assertTrue(scale > 1e-3, "gradient is not trivial");
            assertTrue(worst < 1e-6 * Math.max(1, scale), "max |FD - analytic| = " + worst);
        }
    }

    @Test
    void aLongRunKeepsTheNumberOfLiveArraysFlat() {
        try (NDManager m = NDManager.newBaseManager();
             SpectralObjective objective = new SpectralObjective(m, graphs(4), SpectralObjective.Spec.of(K))) {
            FeatureMap f = new ToyCnn(m, new ToyCnn.Config(K, 8, 8, 8), DataType.FLOAT32, 1);
            List<Integer> counts = new ArrayList<>();
            SpectralEngine.run(m, objective, f, SpectralEngine.Config.authors().withPasses(400).withReuseWindowPass(false),
                    (pass, passes, update, loss, s) -> counts.add(((BaseNDManager) m).getManagedArrays().size()));
            assertEquals(401, counts.size());
            assertEquals(counts.get(1), counts.get(counts.size() - 1), "arrays alive after pass 1 vs after pass 400: " + counts.get(1) + " vs " + counts.get(counts.size() - 1));
        }
    }

    private static double[] scale(double[] v, double s) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i] * s;
        return out;
    }

    static double maxAbsDiff(double[] a, double[] b) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
        return worst;
    }

    private static void assertClose(double[] expected, double[] actual, double relTol, String what) {
        assertEquals(expected.length, actual.length, what);
        double scale = 0;
        for (double e : expected) scale = Math.max(scale, Math.abs(e));
        double diff = maxAbsDiff(expected, actual);
        assertTrue(diff <= relTol * Math.max(scale, 1e-12), what + ": max|diff| " + diff + " vs scale " + scale);
    }
}
