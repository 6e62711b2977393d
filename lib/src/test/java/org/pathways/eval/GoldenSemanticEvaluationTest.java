package org.pathways.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.pathways.data.NdData;
import org.pathways.testing.Golden;
import smile.validation.metric.AdjustedRandIndex;

/**
 * The semantic-segmentation evaluation against the authors' {@code eval_semantic_segmentation} (golden/eval): counts,
 * assignments and confusion matrices exactly, IoU to 1e-6 (they compute in float32), the clustering up to a label
 * permutation (case C) or by ARI (case D).
 */
class GoldenSemanticEvaluationTest {
    static final double IOU_TOL = 1e-6;
    static final int IGNORE = -1;

    private static JsonObject values() throws Exception {
        return JsonParser.parseString(Files.readString(Golden.dir("eval").resolve("values.json"))).getAsJsonObject();
    }

    /** images x h x w integer arrays as a source; the labels keep their -1. */
    static SemanticEvaluation.Source source(NdData clusters, NdData labels) {
        int[] c = clusters.asInts();
        int[] l = labels.asInts();
        int[] cs = clusters.shape();
        int[] ls = labels.shape();
        return new SemanticEvaluation.Source() {
            public int size() {
                return cs[0];
            }

            public SemanticEvaluation.LabelMap clusters(int i) {
                int n = cs[1] * cs[2];
                return new SemanticEvaluation.LabelMap(java.util.Arrays.copyOfRange(c, i * n, (i + 1) * n), cs[1], cs[2]);
            }

            public SemanticEvaluation.LabelMap labels(int i) {
                int n = ls[1] * ls[2];
                return new SemanticEvaluation.LabelMap(java.util.Arrays.copyOfRange(l, i * n, (i + 1) * n), ls[1], ls[2]);
            }

            public String name(int i) {
                return "image " + i;
            }
        };
    }

    private static double[] flat(long[][] m) {
        return java.util.Arrays.stream(m).flatMapToLong(java.util.Arrays::stream).asDoubleStream().toArray();
    }

    private static int[] ints(JsonArray a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsInt();
        return out;
    }

    private static double[] doubles(JsonArray a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsDouble();
        return out;
    }

    private static void assertScores(String what, JsonObject expected, SemanticEvaluation.Scores actual, boolean assignment) {
        if (assignment) assertArrayEquals(ints(expected.getAsJsonArray("assignment")), actual.assignment(), what + " assignment");
        Golden.assertCloseAbs(what + " IoU", doubles(expected.getAsJsonArray("iou")), actual.iou(), IOU_TOL);
        Golden.assertClose(what + " mIoU", expected.get("miou").getAsDouble(), actual.meanIou(), IOU_TOL);
    }

    @Test
    void caseACountsAssignmentsAndIou() throws Exception {
        JsonObject a = values().getAsJsonObject("caseA");
        SemanticEvaluation.Result r = SemanticEvaluation.evaluate(source(Golden.npy("eval", "A_pred_clusters"), Golden.npy("eval", "A_gt")), 6, IGNORE);
        Golden.assertCloseAbs("eval A label_matching (exact)", Golden.npy("eval", "A_label_matching").values(), flat(r.clusterClassCounts()), 0);
        Golden.assertCloseAbs("eval A hungarian hist (exact)", Golden.npy("eval", "A_hungarian_hist").values(), flat(r.hungarian().confusion()), 0);
        Golden.assertCloseAbs("eval A greedy hist (exact)", Golden.npy("eval", "A_greedy_hist").values(), flat(r.greedy().confusion()), 0);
        assertScores("eval A hungarian", a.getAsJsonObject("hungarian"), r.hungarian(), true);
        assertScores("eval A greedy", a.getAsJsonObject("greedy"), r.greedy(), true);
    }

    @Test
    void caseBNearestUpsamplingThenTheSameProtocol() throws Exception {
        JsonObject b = values().getAsJsonObject("caseB");
        NdData small = Golden.npy("eval", "B_pred_clusters_8x8");
        SemanticEvaluation.Source s = source(small, Golden.npy("eval", "A_gt"));
        int[] upsampled = new int[0];
        for (int i = 0; i < s.size(); i++) {
            int[] one = SemanticEvaluation.nearest(s.clusters(i), 20, 20).values();
            int[] grown = java.util.Arrays.copyOf(upsampled, upsampled.length + one.length);
            System.arraycopy(one, 0, grown, upsampled.length, one.length);
            upsampled = grown;
        }
        assertArrayEquals(Golden.npy("eval", "B_nearest_upsampled_clusters_20x20").asInts(), upsampled, "nearest 8 -> 20");
        Golden.record("eval B nearest upsampling (exact)", 0, 0);
        SemanticEvaluation.Result r = SemanticEvaluation.evaluate(s, 6, IGNORE);
        Golden.assertCloseAbs("eval B label_matching (exact)", Golden.npy("eval", "B_label_matching").values(), flat(r.clusterClassCounts()), 0);
        int[] matched = new int[upsampled.length];
        for (int p = 0; p < matched.length; p++) matched[p] = r.hungarian().assignment()[upsampled[p]];
        assertArrayEquals(Golden.npy("eval", "B_hungarian_pred_upsampled_20x20").asInts(), matched, "hungarian prediction at 20 x 20");
        assertScores("eval B hungarian", b.getAsJsonObject("hungarian"), r.hungarian(), true);
        assertScores("eval B greedy", b.getAsJsonObject("greedy"), r.greedy(), true);
    }

    /** C_prob: images x channels x 32 x 32 float32 as the features. */
    private static FeatureClustering.Features caseCFeatures() {
        NdData prob = Golden.npy("eval", "C_prob");
        int[] s = prob.shape();
        return new FeatureClustering.Features(prob.asFloats(), s[0], s[1], s[2], s[3]);
    }

    @Test
    void caseCProjectionIsTheExactSvdUpToSign() throws Exception {
        JsonObject c = values().getAsJsonObject("caseC");
        FeatureClustering.Projection all = FeatureClustering.project(caseCFeatures(), 8);
        Golden.assertClose("eval C singular values (exact SVD)", doubles(c.getAsJsonArray("singular_values_exact")), all.singularValues(), 1e-9);
        FeatureClustering.Projection p = FeatureClustering.project(caseCFeatures(), 4);
        double[] expected = Golden.npy("eval", "C_data_for_cluster_exact_f64").values();
        double[] actual = new double[expected.length];
        for (int d = 0; d < 4; d++) {
            double dot = 0;
            for (int r = 0; r < p.points().length; r++) dot += p.points()[r][d] * expected[r * 4 + d];
            double sign = dot < 0 ? -1 : 1;
            for (int r = 0; r < p.points().length; r++) actual[r * 4 + d] = sign * p.points()[r][d];
        }
        Golden.assertClose("eval C U*S (exact, up to column sign)", expected, actual, 1e-9);
    }

    @Test
    void caseCClustersAndScoresUpToALabelPermutation() throws Exception {
        JsonObject c = values().getAsJsonObject("caseC").getAsJsonObject("harness");
        FeatureClustering.Clusters ours = FeatureClustering.cluster(caseCFeatures(), 4, 10, 0);
        int[] golden = Golden.npy("eval", "C_kmeans_labels").asInts();
        int[] flat = java.util.Arrays.stream(ours.labels()).flatMapToInt(java.util.Arrays::stream).toArray();
        double ari = AdjustedRandIndex.of(golden, flat);
        Golden.record("eval C k-means ARI against sklearn (1 = same partition)", 1 - ari, 0);
        assertEquals(1.0, ari, 0.0, "the same partition as sklearn's");
        NdData ourLabels = new NdData(new int[] {3, 32, 32}, java.util.Arrays.stream(flat).asDoubleStream().toArray(), "i8");
        SemanticEvaluation.Result r = SemanticEvaluation.evaluate(source(ourLabels, Golden.npy("eval", "C_gt")), 4, IGNORE);
        SemanticEvaluation.Result g = SemanticEvaluation.evaluate(source(Golden.npy("eval", "C_kmeans_labels"), Golden.npy("eval", "C_gt")), 4, IGNORE);
        for (SemanticEvaluation.Scores s : r.both()) {
            JsonObject e = c.getAsJsonObject(s.rule().label());
            assertScores("eval C " + s.rule().label(), e, s, false);
            // the assignment, seen through the permutation: each pixel gets the same class
            int[] theirs = ints(e.getAsJsonArray("assignment"));
            for (int p = 0; p < flat.length; p++) assertEquals(theirs[golden[p]], s.assignment()[flat[p]], "class at location " + p);
        }
        assertArrayEquals(ints(c.getAsJsonObject("hungarian").getAsJsonArray("assignment")), g.hungarian().assignment(), "on their own clusters");
    }

    @Test
    void caseDRandomFeaturesAgreeWithSklearnByAri() throws Exception {
        NdData d = Golden.npy("eval", "D_data_for_cluster_f32");
        double[][] points = new double[d.shape()[0]][d.shape()[1]];
        for (int r = 0; r < points.length; r++) for (int j = 0; j < points[r].length; j++) points[r][j] = d.values()[r * points[r].length + j];
        int[] ours = FeatureClustering.kMeans(points, 5, 10, 0).y;
        double ari = AdjustedRandIndex.of(Golden.npy("eval", "D_kmeans_labels_sklearn121").asInts(), ours);
        System.out.println("case D ARI " + ari);
        Golden.record("eval D k-means ARI against sklearn 1.2.1 (1 - ARI)", 1 - ari, 1 - CASE_D_ARI);
        assertTrue(ari >= CASE_D_ARI, "ARI " + ari);
    }

    /** sklearn's own n_init = 1 against n_init = 10 scores 0.981 here (golden README): we ask as much. */
    static final double CASE_D_ARI = 0.95;
}
