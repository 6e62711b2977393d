package org.pathways.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.data.CocoStuff;
import org.pathways.data.LabelledImages;
import org.pathways.data.Npy;
import org.pathways.data.SampleStuff;
import org.pathways.model.AttentionTaps;
import org.pathways.model.PixelsBackbone;
import org.pathways.spectral.FeatureTable;

/** The training's pieces: its mini-batches, its layer filter, and the tap cache's round trip. */
class DatasetTrainingTest {
    @TempDir
    Path tmp;

    private DatasetTraining training(LabelledImages set, List<String> ids, DatasetTraining.Settings s) {
        return DatasetTraining.prepare(set, ids, () -> new PixelsBackbone(PixelsBackbone.Config.defaults()), s, tmp.resolve("run"), System.err);
    }

    @Test
    void everyEpochVisitsEachImageOnceAndDropsTheRest() throws Exception {
        LabelledImages set = CocoStuff.open(SampleStuff.write(tmp.resolve("data"), 10, 1));
        DatasetTraining t = training(set, set.ids(), DatasetTraining.Settings.paper(DatasetTraining.Pathway.VV).withBatch(4).withSeed(9));
        List<Set<Integer>> epochs = new ArrayList<>();
        for (int epoch = 0; epoch < 3; epoch++) {
            Set<Integer> seen = new HashSet<>();
            for (int i = 0; i < 2; i++) for (int image : t.batchAt(epoch * 2 + i)) assertTrue(seen.add(image), "an image twice in one epoch");
            assertEquals(8, seen.size(), "10 images in batches of 4: 2 batches, 2 images left out");
            epochs.add(seen);
        }
        assertFalse(epochs.get(0).equals(epochs.get(1)) && epochs.get(1).equals(epochs.get(2)), "each epoch is shuffled anew");
        DatasetTraining again = training(set, set.ids(), DatasetTraining.Settings.paper(DatasetTraining.Pathway.VV).withBatch(4).withSeed(9));
        for (int i = 0; i < 6; i++) assertArrayEquals(t.batchAt(i), again.batchAt(i), "a resumed run draws the same batches");
        DatasetTraining other = training(set, set.ids(), DatasetTraining.Settings.paper(DatasetTraining.Pathway.VV).withBatch(4).withSeed(10));
        assertNotEquals(java.util.Arrays.toString(t.batchAt(0)), java.util.Arrays.toString(other.batchAt(0)) + java.util.Arrays.toString(other.batchAt(1)));
    }

    @Test
    void layerFiltersByNameAndResolution() throws Exception {
        LabelledImages set = CocoStuff.open(SampleStuff.write(tmp.resolve("data"), 2, 1));
        float[] one = new float[4 * 2];
        float[] big = new float[64 * 64 * 2];
        AttentionTaps taps = new AttentionTaps(List.of(
                new AttentionTaps.Layer("blocks.1", 2, 2, 1, 2, 2, null, null, one),
                new AttentionTaps.Layer("blocks.10", 2, 2, 1, 2, 2, null, null, one),
                new AttentionTaps.Layer("blocks.11", 64, 64, 1, 2, 2, null, null, big)));
        DatasetTraining.Settings s = DatasetTraining.Settings.paper(DatasetTraining.Pathway.VV);
        assertEquals(List.of("blocks.1", "blocks.10"), names(training(set, set.ids(), s).kept(taps, "x")), "max-res 32 leaves out the 64 x 64 layer");
        assertEquals(List.of("blocks.10"), names(training(set, set.ids(), s.withLayers(List.of("blocks.10"))).kept(taps, "x")));
        assertEquals(List.of("blocks.1", "blocks.10"), names(training(set, set.ids(), s.withLayers(List.of("blocks.1*"))).kept(taps, "x")));
        assertTrue(DatasetTraining.matches("*.attn", "up.0.attn") && !DatasetTraining.matches("blocks.1", "blocks.10"));
    }

    private static List<String> names(AttentionTaps taps) {
        return taps.layers().stream().map(AttentionTaps.Layer::name).toList();
    }

    @Test
    void tapCacheKeepsFloat16ValuesOfTheGraphItServes() throws Exception {
        float[] q = {0.1f, -2f, 1f / 3, 7f, 0, 1, 2, 3};
        float[] k = {1, 2, 3, 4, 5, 6, 7, 8.5f};
        AttentionTaps taps = new AttentionTaps(List.of(new AttentionTaps.Layer("blocks.0", 2, 2, 2, 1, 1, q, k, k)));
        TapCache qk = new TapCache(tmp.resolve("qk"), true);
        qk.put("img", taps);
        AttentionTaps back = qk.get("img");
        AttentionTaps.Layer l = back.layers().get(0);
        assertEquals(List.of(2, 2, 2, 1, 1), List.of(l.height(), l.width(), l.heads(), l.qkDim(), l.vDim()));
        float[] expected = new float[q.length];
        for (int i = 0; i < q.length; i++) expected[i] = Npy.halfToFloat(Npy.floatToHalf(q[i]));
        assertArrayEquals(expected, l.q());
        assertArrayEquals(k, l.k());
        assertEquals(null, l.v(), "a Q-K cache keeps no values");
        TapCache vv = new TapCache(tmp.resolve("vv"), false);
        vv.put("img", taps);
        assertArrayEquals(k, vv.get("img").layers().get(0).v());
        assertEquals(null, vv.get("img").layers().get(0).q());
    }

    /** R^2 of x, y from features on hand-derived cases: the coordinates themselves (1), x alone (0.5), a checkerboard (0). */
    @Test
    void positionR2OnHandDerivedFeatures() throws Exception {
        int side = FeatureTable.SIDE;
        int n = side * side;
        double[][] cases = {{1, 1}, {1, 0}, {0, 0}};
        double[] expected = {1, 0.5, 0};
        for (int c = 0; c < cases.length; c++) {
            Path dir = tmp.resolve("case" + c);
            java.nio.file.Files.createDirectories(dir);
            double[] f = new double[2 * 2 * n]; // 2 images x 2 channels
            for (int img = 0; img < 2; img++) {
                for (int p = 0; p < n; p++) {
                    int x = p % side;
                    int y = p / side;
                    double checker = (x + y) % 2 == 0 ? 1 : -1; // uncorrelated with x and with y over the grid
                    f[(img * 2) * n + p] = cases[c][0] == 1 ? x : checker;
                    f[(img * 2 + 1) * n + p] = cases[c][1] == 1 ? y : 3 + img;
                }
            }
            Npy.writeFloat32(dir.resolve(DatasetTraining.FEATURES), new int[] {2, 2, side, side}, f);
            java.nio.file.Files.writeString(dir.resolve(DatasetTraining.IMAGES), "a\nb\n");
            assertEquals(expected[c], DatasetFeatures.read(dir).positionR2(), 1e-9, "case " + c);
        }
    }
}
