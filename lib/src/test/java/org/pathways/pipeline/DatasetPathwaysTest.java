package org.pathways.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.affinity.KnnGraph;
import org.pathways.data.CocoStuff;
import org.pathways.data.Images;
import org.pathways.data.LabelledImages;
import org.pathways.data.SampleStuff;
import org.pathways.model.PixelsBackbone;
import org.pathways.spectral.FeatureTable;

/**
 * The planted test of the two pathways: images made of four textures placed in random quadrants (texture and position
 * independent), the {@code pixels} stand-in's taps (values = appearance, queries = keys = position). Trained at the data
 * set level, V-V features must group by texture across images (Hungarian-matched mIoU of 4 clusters against the planted
 * textures, all 24 matchings tried) and Q-K features by position (R^2 of the location's coordinates regressed on the
 * features, {@link DatasetFeatures#positionR2()}), each far better than the other pathway on the other's measure.
 */
class DatasetPathwaysTest {
    @TempDir
    Path tmp;

    static final int IMAGES = 16;
    static final int SIDE = FeatureTable.SIDE;

    static DatasetTraining.Settings small(DatasetTraining.Pathway graph) {
        return DatasetTraining.Settings.paper(graph).withChannels(8).withBatch(8).withIterations(60).withSolverIterations(5)
                .withAdam(new FeatureTable.AdamW(0.1, 0.9, 0.999, 1e-8, 0)).withEma(0.5).withKnn(new KnnGraph.Settings(10, 10, 0.1, KnnGraph.Precision.AUTHORS));
    }

    static DatasetFeatures train(LabelledImages set, DatasetTraining.Settings settings, Path out) throws Exception {
        DatasetTraining.Result r = DatasetTraining.run(set, set.ids(), () -> new PixelsBackbone(PixelsBackbone.Config.defaults()), new PixelsBackbone(PixelsBackbone.Config.defaults()).describe(), settings, out,
                new com.google.gson.JsonObject(), new PrintStream(System.err, true));
        assertEquals(settings.iterations(), r.iterations());
        return DatasetFeatures.read(out);
    }

    @Test
    void valuesGroupByTextureAndQueriesKeysByPosition() throws Exception {
        LabelledImages set = CocoStuff.open(SampleStuff.write(tmp.resolve("data"), IMAGES, 5));
        int[][] textures = plantedTextures(set);
        DatasetFeatures what = train(set, small(DatasetTraining.Pathway.VV), tmp.resolve("vv"));
        DatasetFeatures where = train(set, small(DatasetTraining.Pathway.QK), tmp.resolve("qk"));

        double vvTexture = bestMatchedMiou(what.clusters(4, 0), textures);
        double qkTexture = bestMatchedMiou(where.clusters(4, 0), textures);
        double vvPosition = what.positionR2(); // checked on hand-derived cases in DatasetTrainingTest
        double qkPosition = where.positionR2();
        System.err.printf("texture mIoU: V-V %.3f, Q-K %.3f; coordinate R^2: V-V %.3f, Q-K %.3f%n", vvTexture, qkTexture, vvPosition, qkPosition);
        // measured: 0.895, 0.170, 0.038, 0.804 (chance mIoU of 4 balanced classes is about 0.14)
        assertTrue(vvTexture > 0.8, "V-V groups by texture: mIoU " + vvTexture);
        assertTrue(qkTexture < 0.4, "Q-K does not: mIoU " + qkTexture);
        assertTrue(qkPosition > 0.7, "Q-K features tell the position: R^2 " + qkPosition);
        assertTrue(vvPosition < 0.2, "V-V features do not: R^2 " + vvPosition);
    }

    /** The planted texture (0..3) at the centre of each cell of the 32 x 32 grid of the paper's 320 crop. */
    static int[][] plantedTextures(LabelledImages set) {
        Map<Integer, Integer> coarseToTexture = new java.util.HashMap<>();
        for (int t = 0; t < SampleStuff.FINE_IDS.length; t++) coarseToTexture.put(CocoStuff.coarse(SampleStuff.FINE_IDS[t]), t);
        int crop = DatasetTraining.Crop.PAPER.side();
        int[][] out = new int[set.ids().size()][SIDE * SIDE];
        for (int i = 0; i < out.length; i++) {
            LabelledImages.LabelledImage li = set.load(set.ids().get(i));
            int[] cropped = Images.squareCropLabels(li.labels(), li.height(), li.width(), crop);
            for (int y = 0; y < SIDE; y++) {
                for (int x = 0; x < SIDE; x++) {
                    int c = cropped[(y * crop / SIDE + crop / SIDE / 2) * crop + x * crop / SIDE + crop / SIDE / 2];
                    out[i][y * SIDE + x] = coarseToTexture.get(c);
                }
            }
        }
        return out;
    }

    /** mIoU of 4 clusters against 4 classes under the best of all 24 one-to-one matchings (brute force). */
    static double bestMatchedMiou(int[][] clusters, int[][] truth) {
        long[][] joint = new long[4][4];
        for (int i = 0; i < truth.length; i++) for (int p = 0; p < truth[i].length; p++) joint[clusters[i][p]][truth[i][p]]++;
        double best = 0;
        for (List<Integer> perm : permutations(List.of(0, 1, 2, 3))) {
            double sum = 0;
            for (int cls = 0; cls < 4; cls++) {
                int cluster = perm.get(cls);
                long tp = joint[cluster][cls];
                long predicted = 0;
                long actual = 0;
                for (int j = 0; j < 4; j++) {
                    predicted += joint[cluster][j];
                    actual += joint[j][cls];
                }
                sum += (double) tp / (predicted + actual - tp);
            }
            best = Math.max(best, sum / 4);
        }
        return best;
    }

    private static List<List<Integer>> permutations(List<Integer> items) {
        if (items.size() <= 1) return List.of(items);
        List<List<Integer>> out = new java.util.ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            List<Integer> rest = new java.util.ArrayList<>(items);
            Integer head = rest.remove(i);
            for (List<Integer> p : permutations(rest)) {
                List<Integer> full = new java.util.ArrayList<>();
                full.add(head);
                full.addAll(p);
                out.add(full);
            }
        }
        return out;
    }
}
