package org.pathways.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The open-vocabulary decision rule on synthetic embeddings whose answers are known by hand. */
class OpenVocabularyTest {
    // three classes along the axes of a 3-d joint space
    private static final double[][] CLASSES = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};

    @Test
    void aClearRegionTakesItsClassAndAnAmbiguousOneIsBackground() {
        OpenVocabulary.Rule rule = OpenVocabulary.Rule.paper(100);
        // cosines (0.96, 0.28, 0): softmax(100 x cos) puts ~1 on class 0 -> label 1
        // cosines (0.6, 0.6, 0.53): the two best tie at ~0.5 each -> below 0.7 -> background
        double[][] regions = {{0.96, 0.28, 0}, {0.6, 0.6, 0.53}, {0, 0.1, 2}};
        assertArrayEquals(new int[] {1, 0, 3}, OpenVocabulary.labelRegions(regions, CLASSES, rule));
        double[] p = OpenVocabulary.scores(regions[1], CLASSES, rule);
        assertEquals(1.0, p[0] + p[1] + p[2], 1e-12);
        assertEquals(p[0], p[1], 1e-12);
        // with logit scale 1 the softmax is nearly flat: nothing reaches 0.7
        assertArrayEquals(new int[] {0, 0, 0}, OpenVocabulary.labelRegions(regions, CLASSES, new OpenVocabulary.Rule(0.7, 1, false)));
    }

    @Test
    void onRawCosinesTheThresholdIsTheCosine() {
        OpenVocabulary.Rule rule = new OpenVocabulary.Rule(0.7, 100, true);
        double[][] regions = {{0.96, 0.28, 0}, {0.6, 0.8, 0}, {0.6, 0.6, 0.53}};
        // cosines: 0.96 -> class 0; 0.8 -> class 1; best 0.6/|r| = 0.6/0.999 = 0.60 < 0.7 -> background
        assertArrayEquals(new int[] {1, 2, 0}, OpenVocabulary.labelRegions(regions, CLASSES, rule));
        assertEquals(0.8, OpenVocabulary.scores(regions[1], CLASSES, rule)[1], 1e-12);
    }

    @Test
    void regionFeaturesAreMeansOverTheirPixels() {
        float[] features = {1, 0, 3, 0, 0, 2, 0, 4}; // four pixels, two dims
        int[] regions = {0, 0, 1, 1};
        double[][] means = OpenVocabulary.regionMeans(features, 2, regions);
        assertArrayEquals(new double[] {2, 0}, means[0], 1e-12);
        assertArrayEquals(new double[] {0, 3}, means[1], 1e-12);
        // per-pixel labels follow the region: region 1 lies along class 1 (second axis)
        int[] labels = OpenVocabulary.labelPixels(features, 2, regions, new double[][] {{1, 0}, {0, 1}}, OpenVocabulary.Rule.paper(100));
        assertArrayEquals(new int[] {1, 1, 2, 2}, labels);
    }

    @Test
    void promptEnsembleNormalisesAveragesAndNormalisesAgain() {
        List<List<String>> asked = new ArrayList<>();
        // the fake text tower: "a {x}" -> (2, 0) for x = "cat", "the {x}" -> (0, 1) for "cat"; anything for "dog" -> (0, 3)
        double[][] out = OpenVocabulary.classEmbeddings(texts -> {
            asked.add(texts);
            double[][] e = new double[texts.size()][];
            for (int i = 0; i < e.length; i++) {
                String t = texts.get(i);
                e[i] = t.contains("dog") ? new double[] {0, 3} : t.startsWith("a ") ? new double[] {2, 0} : new double[] {0, 1};
            }
            return e;
        }, List.of("cat", "dog"), List.of("a {}", "the {}"));
        assertEquals(List.of(List.of("a cat", "the cat", "a dog", "the dog")), asked);
        // cat: normalised (1,0) and (0,1), mean (0.5,0.5), normalised (0.7071, 0.7071); dog: (0,1)
        assertArrayEquals(new double[] {Math.sqrt(0.5), Math.sqrt(0.5)}, out[0], 1e-12);
        assertArrayEquals(new double[] {0, 1}, out[1], 1e-12);
    }
}
