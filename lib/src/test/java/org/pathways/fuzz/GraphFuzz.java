package org.pathways.fuzz;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.pathways.affinity.Graph;
import org.pathways.affinity.GraphFiles;
import org.pathways.data.NdData;
import org.pathways.data.Npy;

/** Graphs from .npz (spectral --graphs) under corruption: negative, NaN and Inf entries, bad grids, damaged archives. */
@AddLifecycleHook(FuzzBudget.class)
class GraphFuzz {
    /** Set entry {@code index} (wrapping) of the first graph to {@code value}. */
    record SetValue(int index, double value) {}

    @Provide
    Arbitrary<List<SetValue>> valueEdits() {
        Arbitrary<Double> nasty = Arbitraries.of(-1.0, -1e-12, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e308, Double.MIN_VALUE);
        return Combinators.combine(Arbitraries.integers().between(0, 1000), nasty).as(SetValue::new).list().ofMaxSize(2);
    }

    @Provide
    Arbitrary<List<Mutation>> byteEdits() {
        return Mutation.bytes(0, 30, 40, 60, 100, 128, 200).list().ofMaxSize(2);
    }

    @Property
    void graphIsReadOrRefusedInOneLine(@ForAll @IntRange(min = 1, max = 4) int side, @ForAll @IntRange(min = 1, max = 2) int heads, @ForAll boolean withGrid,
                                       @ForAll long seed, @ForAll("valueEdits") List<SetValue> valueEdits, @ForAll("byteEdits") List<Mutation> byteEdits) throws Exception {
        int n = side * side;
        Random r = new Random(seed);
        double[] values = new double[heads * n * n];
        for (int i = 0; i < values.length; i++) values[i] = r.nextDouble();
        for (SetValue e : valueEdits) values[Math.floorMod(e.index(), values.length)] = e.value();
        Map<String, NdData> arrays = new LinkedHashMap<>();
        arrays.put("attn", new NdData(heads == 1 ? new int[] {n, n} : new int[] {heads, n, n}, values, "f8"));
        if (withGrid) arrays.put("attn_hw", new NdData(new int[] {2}, new double[] {side, side}, "i8"));
        Path valid = Scratch.write("valid.npz", new byte[0]);
        Npy.writeNpz(valid, arrays);
        byte[] bytes = Mutation.applyAll(java.nio.file.Files.readAllBytes(valid), byteEdits);
        Scratch.delete(valid);
        Path file = Scratch.write("graphs.npz", bytes);
        try {
            Contract.check("graph", file, () -> GraphFiles.readNpz(file, null, false), GraphFuzz::sane);
        } finally {
            Scratch.delete(file);
        }
    }

    /** Graphs that the method can take: every entry finite and non-negative, the grid holding every node. */
    static String sane(List<Graph> graphs) {
        for (Graph g : graphs) {
            if ((long) g.height() * g.width() != g.nodes()) return "accepted graph " + g.name() + " on a grid that does not hold its nodes";
            for (int h = 0; h < g.heads(); h++) {
                for (int i = 0; i < g.nodes(); i++) {
                    for (int j = 0; j < g.nodes(); j++) {
                        double v = g.get(h, i, j);
                        if (!Double.isFinite(v) || v < 0) return "accepted graph " + g.name() + " with entry " + v + " (head " + h + ", " + i + ", " + j + ")";
                    }
                }
            }
        }
        return null;
    }
}
