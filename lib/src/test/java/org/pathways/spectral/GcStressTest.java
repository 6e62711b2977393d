package org.pathways.spectral;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The native-memory rules under a garbage collector that runs all the time: a thread forcing collections during
 * every pass of a float64 and a float32 run (ToyCNN, graphs at two grids). Memory that libtorch reads but the Java
 * heap owns (DJL's number-argument ops under autograd, {@code toType(same, copy)} aliases, {@code createCoo}
 * buffers) is freed under it, so gradients turn NaN or drift; with every such array owning its memory the run is
 * finite and identical to the same run without the stress.
 */
class GcStressTest {
    private record Run(double[] losses, double[] parameters) {}

    private static Run run(DataType type, boolean stress) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Thread collector = new Thread(() -> {
            while (!stop.get()) {
                System.gc();
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "gc-stress");
        collector.setDaemon(true);
        if (stress) collector.start();
        try (NDManager m = NDManager.newBaseManager();
             SpectralObjective objective = new SpectralObjective(m, SpectralEngineTest.graphs(7), SpectralObjective.Spec.of(4).in(type))) {
            FeatureMap f = new ToyCnn(m, new ToyCnn.Config(4, 8, 8, 16), type, 3);
            List<Double> losses = new ArrayList<>();
            SpectralEngine.Config config = new SpectralEngine.Config(100, 20, 1e-2, "adam", false);
            SpectralEngine.run(m, objective, f, config, (pass, passes, update, loss, elapsed) -> losses.add(loss));
            List<Double> params = new ArrayList<>();
            for (NDArray p : f.parameters()) for (double d : p.toType(DataType.FLOAT64, false).toDoubleArray()) params.add(d);
            return new Run(losses.stream().mapToDouble(Double::doubleValue).toArray(), params.stream().mapToDouble(Double::doubleValue).toArray());
        } finally {
            stop.set(true);
            collector.join();
        }
    }

    @Test
    void passesUnderConstantCollectionAreFiniteAndUnchanged() throws Exception {
        for (DataType type : new DataType[] {DataType.FLOAT64, DataType.FLOAT32}) {
            Run quiet = run(type, false);
            Run stressed = run(type, true);
            for (double l : stressed.losses()) assertTrue(Double.isFinite(l), type + ": a loss is not finite under GC stress");
            for (double p : stressed.parameters()) assertTrue(Double.isFinite(p), type + ": a parameter is not finite under GC stress");
            assertArrayEquals(quiet.losses(), stressed.losses(), 0, type + ": losses change when the collector runs");
            assertArrayEquals(quiet.parameters(), stressed.parameters(), 0, type + ": parameters change when the collector runs");
        }
    }
}
