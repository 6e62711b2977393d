package org.pathways.spectral;

import static org.pathways.testing.Golden.assertClose;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pathways.affinity.Graph;
import org.pathways.data.NdData;
import org.pathways.testing.Golden;

/** The objective, eigenvalues, orthogonality terms and dL/dX against the authors' ncut_loss (golden/single). */
class GoldenSingleImageTest {
    /**
     * float64: every value within this relative error of the authors' (of the largest |expected|); measured at most
     * 1.9e-15 (dL/dX). The README states the same bound.
     */
    static final double TOL = 4e-15;
    /** float32 against the authors' float32 run: measured 7.8e-7 relative on dL/dX, 0 on the loss. */
    static final double TOL_F32 = 2e-6;

    private static Graph graph(String file, int heads, int side) {
        NdData a = Golden.npy("single", file);
        return Graph.ofDoubles(file, heads, side, side, a.values());
    }

    private static JsonObject values() throws Exception {
        return JsonParser.parseString(Files.readString(Golden.dir("single").resolve("values.json"))).getAsJsonObject();
    }

    private static void check(String caseName, List<Graph> graphs, boolean hasOrtho) throws Exception {
        NdData x = Golden.npy("single", "X");
        JsonObject expected = values().getAsJsonObject(caseName);
        try (NDManager manager = NDManager.newBaseManager();
             SpectralObjective objective = new SpectralObjective(manager, graphs, SpectralObjective.Spec.of(6).onGrid(16, 16).in(DataType.FLOAT64))) {
            SpectralEngine.Gradient g = SpectralEngine.gradientAt(manager, objective, x.values());
            double loss = expected.get("loss").getAsDouble();
            assertClose(caseName + " loss", new double[] {loss}, new double[] {g.loss()}, TOL);
            assertClose(caseName + " eigval", Golden.npy("single", caseName + "_eigval").values(), g.eigenvalues(), TOL);
            if (hasOrtho) assertClose(caseName + " ortho_sq", Golden.npy("single", caseName + "_ortho_sq").values(), g.orthoSquares(), TOL);
            assertClose(caseName + " dL_dX", Golden.npy("single", caseName + "_dL_dX").values(), g.dLossDx(), TOL);
        }
    }

    private static List<Graph> threeGraphs() {
        List<Graph> graphs = new ArrayList<>();
        graphs.add(graph("attn_0_8x8", 1, 8));
        graphs.add(graph("attn_1_16x16", 1, 16));
        graphs.add(graph("attn_2_16x16", 1, 16));
        return graphs;
    }

    @Test
    void threeGraphsAtTwoResolutions() throws Exception {
        check("sym0_f64", threeGraphs(), true);
    }

    @Test
    void twoHeadsOfOneLayer() throws Exception {
        check("twohead_sym0_f64", List.of(graph("attn_2heads_8x8", 2, 8)), false);
    }

    @Test
    void fourDimensionalHeadLayoutGivesTheSameGradient() throws Exception {
        // (1, 2, 64, 64), the DINO hook layout: the same data as the two-head case, so the same graph.
        NdData x = Golden.npy("single", "X");
        try (NDManager manager = NDManager.newBaseManager();
             SpectralObjective objective = new SpectralObjective(manager, List.of(graph("attn_2heads_8x8", 2, 8)), SpectralObjective.Spec.of(6).onGrid(16, 16).in(DataType.FLOAT64))) {
            SpectralEngine.Gradient g = SpectralEngine.gradientAt(manager, objective, x.values());
            assertClose("4d_heads_sym0_f64 loss", new double[] {values().getAsJsonObject("4d_heads_sym0_f64").get("loss").getAsDouble()}, new double[] {g.loss()}, TOL);
            assertClose("4d_heads_sym0_f64 dL_dX", Golden.npy("single", "4d_heads_sym0_f64_dL_dX").values(), g.dLossDx(), TOL);
        }
    }

    @Test
    void float32MatchesTheAuthorsFloat32Run() throws Exception {
        NdData x = Golden.npy("single", "X");
        try (NDManager manager = NDManager.newBaseManager();
             SpectralObjective objective = new SpectralObjective(manager, threeGraphs(), SpectralObjective.Spec.of(6).onGrid(16, 16))) {
            SpectralEngine.Gradient g = SpectralEngine.gradientAt(manager, objective, x.values());
            assertClose("sym0_f32 loss", new double[] {values().getAsJsonObject("sym0_f32").get("loss").getAsDouble()}, new double[] {g.loss()}, TOL_F32);
            assertClose("sym0_f32 dL_dX", Golden.npy("single", "sym0_f32_dL_dX").values(), g.dLossDx(), TOL_F32);
        }
    }
}
