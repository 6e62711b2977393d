package org.pathways.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;
import org.pathways.data.NdData;
import org.pathways.testing.Golden;

/**
 * The data-set kNN graph against the authors' build_knn_graph (golden/dataset): Q-K and V-V, their dense and sparse
 * paths, float32 and float64 inputs (their affinity is float32 even then), and the numpy float64 rebuild.
 */
class GoldenKnnGraphTest {
    /** The affinities match to this absolute error (the golden README: sparse and dense differ by 4.5e-8). */
    static final double TOL = 1e-6;

    private static SparseGraph build(String graph, KnnGraph.Precision precision, DataType type) {
        NdData q = Golden.npy("dataset", graph.equals("VV") ? "in_V" : "in_Q");
        NdData k = Golden.npy("dataset", graph.equals("VV") ? "in_V" : "in_K");
        int[] s = q.shape(); // B x heads x n x d
        return KnnGraph.build(graph, q.values(), k.values(), s[0], s[1], 8, 8, s[3], type, new KnnGraph.Settings(5, 5, 0.1, precision));
    }

    private static void compare(String what, SparseGraph g, String golden) {
        double[] expected = Golden.npy("dataset", golden).values();
        Golden.assertCloseAbs("dataset " + what + " vs " + golden, expected, g.dense(), TOL);
    }

    @Test
    void queryKeyAndValueGraphsMatchTheAuthors() {
        for (String graph : new String[] {"QK", "VV"}) {
            SparseGraph authors = build(graph, KnnGraph.Precision.AUTHORS, DataType.FLOAT64);
            assertEquals(2, authors.heads());
            assertEquals(128, authors.nodes());
            for (String variant : new String[] {"dense_f64", "sparse_f64"}) compare(graph + " authors precision", authors, "A_" + graph + "_" + variant);
            SparseGraph fromF32 = build(graph, KnnGraph.Precision.AUTHORS, DataType.FLOAT32);
            for (String variant : new String[] {"dense_f32", "sparse_f32"}) compare(graph + " float32 inputs", fromF32, "A_" + graph + "_" + variant);
            compare(graph + " f64 precision", build(graph, KnnGraph.Precision.F64, DataType.FLOAT64), "A_" + graph + "_numpy_float64_nocast");
        }
    }

    /** The deployed layout (heads = 1): two layers at 8 x 8 and 4 x 4 per image. */
    @Test
    void theDeployedTwoLayerCase() {
        for (int res : new int[] {8, 4}) {
            NdData q = Golden.npy("dataset", "in_b_Q" + res);
            NdData k = Golden.npy("dataset", "in_b_K" + res);
            int[] s = q.shape();
            SparseGraph g = KnnGraph.build("b" + res, q.values(), k.values(), s[0], s[1], res, res, s[3], DataType.FLOAT64, new KnnGraph.Settings(5, 5, 0.1, KnnGraph.Precision.AUTHORS));
            compare("case b res " + res, g, "A_b_QK_dense_f64_res" + res);
            compare("case b res " + res, g, "A_b_QK_sparse_f64_res" + res);
        }
    }
}
