package org.pathways.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.data.NdData;
import org.pathways.data.Npy;
import org.pathways.testing.Golden;

/**
 * {@code dataset graph} and {@code dataset objective} as the contract writes them, against the authors' outputs
 * (golden/dataset): affinities to 1e-6, the printed loss to 1e-9 relative with their affinity as input (1e-7 with ours),
 * dL/dlogits to 1e-6 relative; and bad input as one line with exit status 2.
 */
class DatasetCommandTest {
    @TempDir
    Path dir;

    private static String golden(String name) {
        return Golden.dir("dataset").resolve(name + ".npy").toString();
    }

    private static JsonObject values() throws Exception {
        return JsonParser.parseString(Files.readString(Golden.dir("dataset").resolve("values.json"))).getAsJsonObject();
    }

    @Test
    void graphMatchesTheAuthorsAffinities() throws Exception {
        for (String graph : new String[] {"QK", "VV"}) {
            String q = golden(graph.equals("QK") ? "in_Q" : "in_V");
            String k = golden(graph.equals("QK") ? "in_K" : "in_V");
            for (String precision : new String[] {"authors", "f64"}) {
                Path out = dir.resolve(graph + "-" + precision);
                CliTest.Run r = CliTest.run("dataset", "graph", "--q", q, "--k", k, "--k-intra", "5", "--k-inter", "5", "--precision", precision, "--out", out.toString());
                assertEquals(0, r.code(), r.err());
                NdData dense = Npy.read(out.resolve("affinity.npy"));
                assertArrayEquals(new int[] {2, 128, 128}, dense.shape());
                assertEquals("f8", dense.dtype());
                // authors: their float32 affinity (dense and sparse builds agree to 4.5e-8); f64: the no-cast numpy build
                String[] expected = precision.equals("authors") ? new String[] {"A_" + graph + "_dense_f32", "A_" + graph + "_sparse_f32", "A_" + graph + "_dense_f64", "A_" + graph + "_sparse_f64"}
                        : new String[] {"A_" + graph + "_numpy_float64_nocast"};
                for (String e : expected) Golden.assertCloseAbs("dataset graph " + graph + " --precision " + precision + " vs " + e, Golden.npy("dataset", e).values(), dense.values(), 1e-6);

                Map<String, NdData> sparse = Npy.readNpz(out.resolve("affinity.npz"));
                NdData indices = sparse.get("indices");
                double[] values = sparse.get("values").values();
                assertEquals(3, indices.shape()[0]);
                int nnz = indices.shape()[1];
                assertEquals(nnz, values.length);
                assertArrayEquals(new double[] {2, 128, 128}, sparse.get("shape").values(), 0);
                assertArrayEquals(new double[] {2}, sparse.get("batch").values(), 0);
                double[] idx = indices.values();
                double[] rebuilt = new double[2 * 128 * 128];
                long previous = -1;
                for (int e = 0; e < nnz; e++) {
                    long key = ((long) idx[e] * 128 + (long) idx[nnz + e]) * 128 + (long) idx[2 * nnz + e];
                    assertTrue(key > previous, "sorted, no duplicates");
                    assertTrue(values[e] != 0, "no stored zeros");
                    previous = key;
                    rebuilt[(int) key] = values[e];
                }
                assertArrayEquals(dense.values(), rebuilt, 0, "the sparse and dense files hold the same graph");
            }
        }
    }

    @Test
    void objectivePrintsTheAuthorsLossAndGradient() throws Exception {
        JsonObject v = values();
        String logits = golden("in_feat_logits");
        CliTest.Run[] r = new CliTest.Run[1];
        for (String graph : new String[] {"QK", "VV"}) {
            for (String variant : new String[] {"dense_f64", "sparse_f64"}) {
                Path out = dir.resolve("objective-" + graph + variant);
                String printed = CliTest.stdout(r, "dataset", "objective", "--graph", golden("A_" + graph + "_" + variant), "--logits", logits, "--out", out.toString());
                assertEquals(0, r[0].code(), r[0].err());
                assertTrue(printed.matches("loss [-+0-9.e]+\\n"), "exactly one line 'loss %.17g': " + printed);
                double loss = Double.parseDouble(printed.strip().substring(5));
                Golden.assertClose("dataset objective loss " + graph + " " + variant, v.getAsJsonObject(graph + "_" + variant).get("loss").getAsDouble(), loss,
                        1e-9 * v.getAsJsonObject(graph + "_" + variant).get("loss").getAsDouble());
                NdData grad = Npy.read(out.resolve("grad.npy"));
                assertArrayEquals(new int[] {2, 6, 32, 32}, grad.shape());
                assertEquals("f8", grad.dtype());
                Golden.assertClose("dataset objective dL/dlogits " + graph + " " + variant, Golden.npy("dataset", "loss_" + graph + "_" + variant + "_dL_dlogits").values(), grad.values(), 1e-6);
            }
        }
        // the deployed two-layer case, graphs passed as they are
        Path out = dir.resolve("objective-b");
        String printed = CliTest.stdout(r, "dataset", "objective", "--graph", golden("A_b_QK_dense_f64_res8"), "--graph", golden("A_b_QK_dense_f64_res4"),
                "--logits", logits, "--out", out.toString());
        assertEquals(0, r[0].code(), r[0].err());
        double b = v.getAsJsonObject("b_QK_dense_f64").get("loss").getAsDouble();
        Golden.assertClose("dataset objective case b loss", b, Double.parseDouble(printed.strip().substring(5)), 1e-9 * b);

        // our graph folder as input: the loss of the rebuilt graph to 1e-7
        Path g = dir.resolve("graph");
        assertEquals(0, CliTest.run("dataset", "graph", "--q", golden("in_Q"), "--k", golden("in_K"), "--k-intra", "5", "--k-inter", "5", "--out", g.toString()).code());
        printed = CliTest.stdout(r, "dataset", "objective", "--graph", g.toString(), "--logits", logits, "--out", dir.resolve("objective-ours").toString());
        double qk = v.getAsJsonObject("QK_dense_f64").get("loss").getAsDouble();
        Golden.assertClose("dataset objective loss of our QK graph", qk, Double.parseDouble(printed.strip().substring(5)), 1e-7 * qk);
    }

    @Test
    void badInputIsOneLine() throws Exception {
        Path q = dir.resolve("q.npy");
        Path k = dir.resolve("k.npy");
        Path nan = dir.resolve("nan.npy");
        double[] values = new double[2 * 1 * 16 * 4];
        for (int i = 0; i < values.length; i++) values[i] = Math.sin(i);
        Npy.writeFloat32(q, new int[] {2, 1, 16, 4}, values);
        Npy.writeFloat32(k, new int[] {2, 1, 16, 2}, java.util.Arrays.copyOf(values, 64));
        values[7] = Double.NaN;
        Npy.writeFloat32(nan, new int[] {2, 1, 16, 4}, values);
        String out = dir.resolve("out").toString();
        CliTest.assertBadInput(CliTest.run("dataset", "graph", "--q", q.toString(), "--k", k.toString(), "--out", out), "k.npy", "differs");
        CliTest.assertBadInput(CliTest.run("dataset", "graph", "--q", nan.toString(), "--k", q.toString(), "--out", out), "nan.npy", "NaN");
        CliTest.assertBadInput(CliTest.run("dataset", "graph", "--q", q.toString(), "--k", q.toString(), "--k-intra", "16", "--k-inter", "5", "--out", out), "k-intra 16", "15 other locations");
        CliTest.assertBadInput(CliTest.run("dataset", "graph", "--q", q.toString(), "--k", q.toString(), "--k-intra", "5", "--k-inter", "17", "--out", out), "k-inter 17", "16 locations");
        CliTest.assertBadInput(CliTest.run("dataset", "graph", "--q", q.toString(), "--k", q.toString(), "--precision", "f16", "--out", out), "--precision 'f16'");
        Path logits = dir.resolve("logits.npy");
        Npy.writeFloat32(logits, new int[] {2, 6, 32, 32}, new double[2 * 6 * 32 * 32]);
        CliTest.assertBadInput(CliTest.run("dataset", "objective", "--graph", q.toString(), "--logits", logits.toString(), "--out", out), "q.npy");
        CliTest.assertBadInput(CliTest.run("run", "dataset", "--dataset", "sample-stuff", "--data", dir.resolve("stuff").toString(), "--images", "4", "--graph", "vv",
                "--layers", "blocks.3", "--out", dir.resolve("run").toString()), "--layers 'blocks.3'", "no such layer", "pixels.");
        assertTrue(!Files.exists(dir.resolve("run")), "a refused filter leaves no run folder behind");
        CliTest.assertBadInput(CliTest.run("run", "dataset", "--dataset", "sample-stuff", "--data", dir.resolve("stuff").toString(), "--graph", "xy",
                "--out", dir.resolve("run2").toString()), "--graph 'xy'");
        CliTest.assertBadInput(CliTest.run("run", "dataset", "--dataset", "images", "--graph", "qk", "--out", dir.resolve("run3").toString()), "--data");
    }
}
