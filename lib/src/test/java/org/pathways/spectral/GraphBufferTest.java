package org.pathways.spectral;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.pathways.affinity.Graph;
import org.pathways.common.InvalidInputException;

/** The App. B.2 buffer of graph sets and the engine's per-pass path. */
class GraphBufferTest {
    private static final SpectralObjective.Spec SPEC = SpectralObjective.Spec.of(4).onGrid(8, 8).in(DataType.FLOAT64);

    /** A supplier of fresh random sets that counts its calls. */
    private static final class Fresh implements java.util.function.Supplier<List<Graph>> {
        final Random random = new Random(5);
        int calls;

        @Override
        public List<Graph> get() {
            calls++;
            return SpectralEngineTest.graphs(random.nextLong());
        }
    }

    /** Which objective every pass got, as indices of first appearance. */
    private static List<Integer> sequence(GraphBuffer buffer, int passes) {
        List<SpectralObjective> seen = new ArrayList<>();
        List<Integer> out = new ArrayList<>();
        for (int p = 0; p < passes; p++) {
            SpectralObjective o = buffer.objective(p);
            int i = seen.indexOf(o);
            if (i < 0) {
                seen.add(o);
                i = seen.size() - 1;
            }
            out.add(i);
        }
        return out;
    }

    @Test
    void reusesOnlyOnceFullAndReplacesTheOldest() {
        try (NDManager m = NDManager.newBaseManager()) {
            Fresh fresh = new Fresh();
            try (GraphBuffer always = new GraphBuffer(m, SpectralEngineTest.graphs(1), fresh, SPEC, new GraphBuffer.Config(3, 1.0, 7))) {
                List<Integer> s = sequence(always, 30);
                assertEquals(List.of(0, 1, 2), s.subList(0, 3), "fresh until the buffer holds 3 sets");
                assertEquals(2, fresh.calls, "pass 0 is the given set; then 2 fresh sets fill the buffer, then only reuse");
                assertEquals(3, s.stream().distinct().count());
                assertEquals(new GraphBuffer.Counts(3, 27), always.counts());
            }
            Fresh never = new Fresh();
            try (GraphBuffer none = new GraphBuffer(m, SpectralEngineTest.graphs(1), never, SPEC, new GraphBuffer.Config(3, 0.0, 7))) {
                List<Integer> s = sequence(none, 20);
                assertEquals(20, s.stream().distinct().count(), "reuse 0: every pass fresh");
                assertEquals(19, never.calls);
            }
            Fresh off = new Fresh();
            try (GraphBuffer unbuffered = new GraphBuffer(m, SpectralEngineTest.graphs(1), off, SPEC, new GraphBuffer.Config(0, 1.0, 7))) {
                assertEquals(10, sequence(unbuffered, 10).stream().distinct().count(), "size 0: no buffer");
            }
            Fresh half = new Fresh();
            try (GraphBuffer b = new GraphBuffer(m, SpectralEngineTest.graphs(1), half, SPEC, new GraphBuffer.Config(5, 0.75, 3))) {
                GraphBuffer.Counts c;
                sequence(b, 2005);
                c = b.counts();
                assertEquals(2005, c.fresh() + c.reused());
                // 5 to fill, then fresh with p 1/4 over 2000 passes: 505 expected, sd ~19
                assertEquals(505, c.fresh(), 80);
            }
        }
    }

    @Test
    void seededAndInOrder() {
        try (NDManager m = NDManager.newBaseManager()) {
            List<List<Integer>> runs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                try (GraphBuffer b = new GraphBuffer(m, SpectralEngineTest.graphs(1), new Fresh(), SPEC, new GraphBuffer.Config(4, 0.75, 11))) {
                    runs.add(sequence(b, 60));
                }
            }
            assertEquals(runs.get(0), runs.get(1));
            try (GraphBuffer b = new GraphBuffer(m, SpectralEngineTest.graphs(1), new Fresh(), SPEC, new GraphBuffer.Config(4, 0.75, 11))) {
                b.objective(0);
                assertThrows(IllegalStateException.class, () -> b.objective(2));
            }
            assertThrows(InvalidInputException.class, () -> new GraphBuffer.Config(5, 1.5, 0));
            assertThrows(InvalidInputException.class, () -> new GraphBuffer.Config(-1, 0.5, 0));
        }
    }

    /** One objective every pass through the per-pass path = the fixed path with every pass computed, bit for bit. */
    @Test
    void perPassPathMatchesTheFixedPathOnFixedGraphs() {
        SpectralEngine.Config config = new SpectralEngine.Config(45, 20, 1e-2, "adam", false);
        try (NDManager m = NDManager.newBaseManager()) {
            SpectralEngine.Result fixed;
            try (SpectralObjective objective = new SpectralObjective(m, SpectralEngineTest.graphs(2), SPEC)) {
                fixed = SpectralEngine.run(m, objective, new ToyCnn(m, new ToyCnn.Config(4, 8, 8, 8), DataType.FLOAT64, 3), config, null);
            }
            SpectralEngine.Result varying;
            try (SpectralObjective objective = new SpectralObjective(m, SpectralEngineTest.graphs(2), SPEC)) {
                GraphSource same = new GraphSource() {
                    @Override
                    public SpectralObjective objective(int pass) {
                        return objective;
                    }

                    @Override
                    public void close() {}
                };
                varying = SpectralEngine.run(m, same, new ToyCnn(m, new ToyCnn.Config(4, 8, 8, 8), DataType.FLOAT64, 3), config, null);
                assertThrows(IllegalArgumentException.class, () -> SpectralEngine.run(m, same, new ToyCnn(m, new ToyCnn.Config(4, 8, 8, 8), DataType.FLOAT64, 3),
                        config.withReuseWindowPass(true), null));
            }
            assertArrayEquals(fixed.probabilities(), varying.probabilities());
            assertArrayEquals(fixed.lossPerUpdate(), varying.lossPerUpdate());
            assertEquals(fixed.finalLoss(), varying.finalLoss());
            assertEquals(46, varying.computedPasses());
        }
    }

    /** Graphs that differ between passes give a different result from the first set alone (the source is really read). */
    @Test
    void changingGraphsChangeTheResult() {
        SpectralEngine.Config config = new SpectralEngine.Config(40, 20, 1e-2, "adam", false);
        try (NDManager m = NDManager.newBaseManager()) {
            SpectralEngine.Result fixed;
            try (SpectralObjective objective = new SpectralObjective(m, SpectralEngineTest.graphs(1), SPEC)) {
                fixed = SpectralEngine.run(m, objective, new ToyCnn(m, new ToyCnn.Config(4, 8, 8, 8), DataType.FLOAT64, 3), config, null);
            }
            try (GraphBuffer b = new GraphBuffer(m, SpectralEngineTest.graphs(1), new Fresh(), SPEC, new GraphBuffer.Config(0, 0, 0))) {
                SpectralEngine.Result varying = SpectralEngine.run(m, b, new ToyCnn(m, new ToyCnn.Config(4, 8, 8, 8), DataType.FLOAT64, 3), config, null);
                assertEquals(41, b.counts().fresh());
                assertNotSame(fixed, varying);
                assertEquals(false, java.util.Arrays.equals(fixed.probabilities(), varying.probabilities()));
            }
        }
    }

    /**
     * float16 storage (the sd14 default): half the bytes, and the objective within float16's rounding of the float32
     * one (unit round-off 2^-11 per entry; the eigenvalue estimates are O(1) weighted sums of entries).
     */
    @Test
    void float16StorageHalvesTheGraphsAndKeepsTheObjective() {
        SpectralObjective.Spec spec = SpectralObjective.Spec.of(4).onGrid(8, 8);
        try (NDManager m = NDManager.newBaseManager();
             SpectralObjective wide = new SpectralObjective(m, SpectralEngineTest.graphs(2), spec);
             SpectralObjective narrow = new SpectralObjective(m, SpectralEngineTest.graphs(2), spec, DataType.FLOAT16)) {
            assertEquals(wide.graphBytes(), 2 * narrow.graphBytes());
            assertEquals((2 * 64 * 64 + 16 * 16) * 4L, wide.graphBytes());
            ai.djl.ndarray.NDArray x = m.randomUniform(0, 1, new ai.djl.ndarray.types.Shape(1, 4, 8, 8)).softmax(1);
            SpectralObjective.Terms a = wide.evaluate(x);
            SpectralObjective.Terms b = narrow.evaluate(x);
            double[] ea = wide.eigenvaluesInGraphOrder(a);
            double[] eb = narrow.eigenvaluesInGraphOrder(b);
            double worst = 0;
            for (int i = 0; i < ea.length; i++) worst = Math.max(worst, Math.abs(ea[i] - eb[i]));
            assertTrue(worst > 0 && worst < 1e-3, "float16 changes the eigenvalue estimates by " + worst);
            double la = a.loss().getFloat();
            double lb = b.loss().getFloat();
            assertEquals(la, lb, 1e-3 * Math.abs(la));
        }
        try (NDManager m = NDManager.newBaseManager();
             GraphBuffer b = new GraphBuffer(m, SpectralEngineTest.graphs(1), new Fresh(), spec, new GraphBuffer.Config(2, 0.5, 1, DataType.FLOAT16))) {
            assertEquals((2 * 64 * 64 + 16 * 16) * 2L, b.objective(0).graphBytes(), "stored sets are narrowed");
        }
        try (NDManager m = NDManager.newBaseManager();
             GraphBuffer b = new GraphBuffer(m, SpectralEngineTest.graphs(1), new Fresh(), spec, new GraphBuffer.Config(0, 0.5, 1, DataType.FLOAT16))) {
            assertEquals((2 * 64 * 64 + 16 * 16) * 4L, b.objective(0).graphBytes(), "no buffer: the one pass's set stays as computed");
        }
    }
}
