package org.pathways.eval.instances;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.pathways.data.NdData;
import org.pathways.testing.Golden;

/**
 * The instance-proposal functions against the authors' own ({@code ../shared/golden/instances}, see its README): their
 * normalisation, binary silhouette, balanced background, one NMS step, border removal, skimage's labelling, their
 * {@code hierarchical_clustering} (exactly, as a multiset of masks), and what the whole pipeline recovers.
 */
class GoldenInstancesTest {
    static final String SUB = "instances";
    static final int H = 24;
    static final int W = 20;
    static final int N = H * W;

    static double[][] scaledPoints() {
        NdData f = Golden.npy(SUB, "feat_scaled");
        return InstanceProposals.points(f.values(), f.shape()[0], N);
    }

    /** The masks of an h x w x M array, each as N booleans, row-major. */
    static List<boolean[]> masks(NdData a) {
        int m = a.shape()[2];
        List<boolean[]> out = new ArrayList<>();
        for (int k = 0; k < m; k++) {
            boolean[] mask = new boolean[N];
            for (int p = 0; p < N; p++) mask[p] = a.values()[p * m + k] != 0;
            out.add(mask);
        }
        return out;
    }

    @Test
    void normalisation() {
        NdData feat = Golden.npy(SUB, "feat");
        NdData expected = Golden.npy(SUB, "feat_scaled");
        double[] ours = InstanceProposals.scale(feat.values(), feat.shape()[0], N);
        Golden.assertCloseAbs("instances feat_scaled", expected.values(), ours, 1e-6);
    }

    @Test
    void binarySilhouette() {
        BinarySilhouette s = new BinarySilhouette(scaledPoints());
        double[] ours = s.scores(masks(Golden.npy(SUB, "masks")));
        Golden.assertCloseAbs("instances binary_silhouette", Golden.npy(SUB, "binary_silhouette").values(), ours, 2e-5);
    }

    @Test
    void balancedBackground() {
        BinarySilhouette s = new BinarySilhouette(scaledPoints());
        List<boolean[]> masks = masks(Golden.npy(SUB, "masks"));
        NdData expected = Golden.npy(SUB, "comp_bg_mask"); // N x 6
        int differ = 0;
        for (int k = 0; k < masks.size(); k++) {
            boolean[] bg = s.background(masks.get(k));
            for (int p = 0; p < N; p++) if (bg[p] != (expected.values()[p * masks.size() + k] != 0)) differ++;
        }
        Golden.record("instances comp_bg_mask pixels that differ", differ, 0);
        assertEquals(0, differ, "background pixels chosen differently");
    }

    @Test
    void nmsStep() {
        List<boolean[]> masks = masks(Golden.npy(SUB, "masks"));
        double[] scores = Golden.npy(SUB, "binary_silhouette").values();
        int[] survivors = MaskNms.survivors(masks.get(0), masks.subList(1, masks.size()), MaskNms.IOU);
        double[] kept = new double[survivors.length];
        for (int i = 0; i < kept.length; i++) kept[i] = scores[1 + survivors[i]];
        Golden.assertCloseAbs("instances nms_kept_scores", Golden.npy(SUB, "nms_kept_scores").values(), kept, 0);
    }

    @Test
    void borderRemoval() {
        List<boolean[]> masks = masks(Golden.npy(SUB, "masks"));
        for (int edges = 2; edges <= 3; edges++) {
            List<boolean[]> expected = masks(Golden.npy(SUB, "remove_bg_" + edges));
            int[] kept = BorderFilter.remove(masks, H, W, edges);
            Golden.record("instances remove_bg_" + edges + " count", Math.abs(kept.length - expected.size()), 0);
            assertEquals(expected.size(), kept.length, "masks kept touching < " + edges + " borders");
            for (int i = 0; i < kept.length; i++) assertArrayEquals(expected.get(i), masks.get(kept[i]), "kept mask " + i);
        }
    }

    @Test
    void skimageLabelling() {
        int[] kmeans = Golden.npy(SUB, "init_kmeans6").asInts();
        int[] expected = Golden.npy(SUB, "init_components").asInts();
        int[] ours = Components.skimage(kmeans, H, W);
        int differ = 0;
        for (int p = 0; p < N; p++) if (ours[p] != expected[p]) differ++;
        Golden.record("instances init_components pixels that differ", differ, 0);
        assertArrayEquals(expected, ours);
    }

    /** Their hierarchical_clustering on their components: the same masks, each as often (a multiset), and in the same order. */
    @Test
    void hierarchicalSegmentsExactly() {
        int[] init = Golden.npy(SUB, "init_components").asInts();
        NdData expected = Golden.npy(SUB, "hierarchical_segments");
        List<int[]> ours = HierarchicalSegments.authors(init, H, W, scaledPoints()).masks();
        int m = expected.shape()[2];
        List<String> theirs = new ArrayList<>();
        for (int k = 0; k < m; k++) {
            StringBuilder b = new StringBuilder();
            for (int p = 0; p < N; p++) b.append((int) expected.values()[p * m + k]);
            theirs.add(b.toString());
        }
        List<String> mine = new ArrayList<>();
        for (int[] mask : ours) {
            StringBuilder b = new StringBuilder();
            for (int v : mask) b.append(v);
            mine.add(b.toString());
        }
        Map<String, Integer> a = multiset(theirs);
        Map<String, Integer> b = multiset(mine);
        int differ = 0;
        for (String key : a.keySet()) differ += Math.abs(a.get(key) - b.getOrDefault(key, 0));
        for (String key : b.keySet()) if (!a.containsKey(key)) differ += b.get(key);
        Golden.record("instances hierarchical_segments masks not matched (multiset)", differ, 0);
        assertEquals(m, ours.size(), "number of segments");
        assertEquals(a, b, "the segments as a multiset");
        assertEquals(theirs, mine, "the segments in their loop's order");
    }

    private static Map<String, Integer> multiset(List<String> items) {
        Map<String, Integer> out = new TreeMap<>();
        for (String s : items) out.merge(s, 1, Integer::sum);
        return out;
    }

    /**
     * Their pipeline recovered the 4 planted instances at IoU 0.978, 1, 0.984, 1 (values.json): the best-scoring mask of
     * an instance may leave out a noisy pixel or two that some k's K-means put in another cluster, because such a
     * mask scores higher. K-means is implementation-specific (theirs unseeded sklearn, ours Smile), so we ask what
     * theirs shows: every instance is among the candidates exactly (IoU 1) before scoring, and the returned masks
     * recover each at IoU >= 0.93 (ours, seeds 0-4: at least 0.9375, i.e. 4 pixels of 64) and all at >= 0.97 on
     * average (theirs 0.99).
     */
    @Test
    void wholePipelineRecoversTheInstances() {
        NdData feat = Golden.npy(SUB, "feat");
        int[] truth = Golden.npy(SUB, "truth").asInts();
        for (InstanceProposals.Options o : List.of(InstanceProposals.Options.authors(), InstanceProposals.Options.paper(),
                InstanceProposals.Options.paper().fixed())) {
            String name = "instances pipeline " + o.variant() + " minScore " + o.minScore();
            double[][] points = InstanceProposals.points(InstanceProposals.scale(feat.values(), feat.shape()[0], N), feat.shape()[0], N);
            List<int[]> candidates = InstanceProposals.candidates(points, H, W, o);
            List<boolean[]> binary = new ArrayList<>();
            for (int[] c : candidates) {
                boolean[] m = new boolean[N];
                for (int p = 0; p < N; p++) m[p] = c[p] > 0;
                binary.add(m);
            }
            double[] amongCandidates = bestIou(binary, truth, 4);
            InstanceProposals.Proposals p = InstanceProposals.of(feat, o);
            double[] best = bestIou(p.masks(), truth, 4);
            double mean = 0;
            for (int t = 0; t < 4; t++) {
                Golden.record(name + " instance " + (t + 1) + " candidates' IoU shortfall below 1", 1 - amongCandidates[t], 0);
                assertEquals(1.0, amongCandidates[t], name + ": instance " + (t + 1) + " among the candidates");
                Golden.record(name + " instance " + (t + 1) + " IoU shortfall below 0.93", Math.max(0, 0.93 - best[t]), 0);
                assertTrue(best[t] >= 0.93, name + ": instance " + (t + 1) + " best IoU " + best[t]);
                mean += best[t] / 4;
            }
            Golden.record(name + " mean IoU shortfall below 0.97", Math.max(0, 0.97 - mean), 0);
            assertTrue(mean >= 0.97, name + ": mean best IoU " + mean + " (theirs 0.9905)");
        }
    }

    static double[] bestIou(List<boolean[]> masks, int[] truth, int instances) {
        double[] best = new double[instances];
        for (int t = 0; t < instances; t++) {
            boolean[] inst = new boolean[truth.length];
            for (int q = 0; q < truth.length; q++) inst[q] = truth[q] == t + 1;
            for (boolean[] mask : masks) best[t] = Math.max(best[t], MaskNms.iou(inst, mask));
        }
        return best;
    }
}
