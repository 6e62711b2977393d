package org.pathways.eval.instances;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.pathways.data.NdData;
import org.pathways.eval.instances.InstanceProposals.Options;
import org.pathways.eval.instances.InstanceProposals.Proposals;

/** The whole proposal step on planted feature maps, where the instances are known. */
class InstanceProposalsTest {
    @Test
    void recoversPlantedInstances() {
        for (long seed = 0; seed < 3; seed++) {
            PlantedInstances planted = PlantedInstances.make(12, 28, 28, 0.4, seed);
            for (Options o : new Options[] {Options.paper().seed(seed), Options.paper().fixed().seed(seed), Options.paper().ks(2, 10).seed(seed)}) {
                Proposals p = InstanceProposals.of(planted.features(), planted.channels(), planted.height(), planted.width(), o);
                double[] best = planted.bestIou(p.masks());
                for (int t = 0; t < best.length; t++) {
                    assertTrue(best[t] > 0.8, "seed " + seed + " " + o.variant() + " k " + o.kMin() + ".." + o.kMax() + ": object " + (t + 1) + " best IoU " + best[t] + ", " + p.count() + " masks");
                }
                checkInvariants(p, o);
            }
        }
    }

    /** Scores best first and above the threshold; no more than the cap; sizes within 1-90 %; no two masks at IoU >= 0.7. */
    private static void checkInvariants(Proposals p, Options o) {
        int n = p.height() * p.width();
        assertTrue(p.count() <= o.maxMasks());
        assertEquals(p.count(), p.scores().length);
        for (int i = 0; i < p.count(); i++) {
            assertTrue(p.scores()[i] > o.minScore(), "score " + p.scores()[i]);
            if (i > 0) assertTrue(p.scores()[i] <= p.scores()[i - 1], "best first");
            int size = 0;
            for (boolean b : p.mask(i)) if (b) size++;
            assertTrue(size >= 0.01 * n && size <= 0.9 * n, "size " + size);
            for (int j = 0; j < i; j++) assertTrue(MaskNms.iou(p.mask(i), p.mask(j)) < 0.7, "masks " + j + " and " + i + " overlap");
        }
    }

    @Test
    void authorsKeepNegativeScoresAndTheCapHolds() {
        PlantedInstances planted = PlantedInstances.make(12, 28, 28, 0.4, 5);
        Proposals paper = InstanceProposals.of(planted.features(), 12, 28, 28, Options.paper());
        Proposals authors = InstanceProposals.of(planted.features(), 12, 28, 28, Options.authors());
        assertTrue(authors.count() > paper.count(), authors.count() + " vs " + paper.count());
        assertTrue(authors.scores()[authors.count() - 1] <= 0, "the authors keep negative scores");
        // the paper's masks are the authors' up to the threshold
        assertArrayEquals(paper.scores(), Arrays.copyOf(authors.scores(), paper.count()));
        Proposals capped = InstanceProposals.of(planted.features(), 12, 28, 28, Options.authors().maxMasks(3));
        assertEquals(3, capped.count());
        assertArrayEquals(Arrays.copyOf(authors.scores(), 3), capped.scores());
    }

    @Test
    void seededRunsRepeatAndArraysHaveTheAuthorsLayout() {
        PlantedInstances planted = PlantedInstances.make(8, 20, 24, 0.4, 9);
        NdData features = NdData.float32(new int[] {8, 20, 24}, planted.features());
        Proposals a = InstanceProposals.of(features, Options.paper().seed(4));
        Proposals b = InstanceProposals.of(features, Options.paper().seed(4));
        assertArrayEquals(a.scores(), b.scores());
        NdData m = a.masksArray();
        assertArrayEquals(new int[] {20, 24, a.count()}, m.shape());
        for (int i = 0; i < a.count(); i++) for (int p = 0; p < 20 * 24; p++) assertEquals(a.mask(i)[p] ? 1.0 : 0.0, m.values()[p * a.count() + i]);
        assertThrows(IllegalArgumentException.class, () -> InstanceProposals.of(NdData.float32(new int[] {4, 4}, new double[16]), Options.paper()));
    }

    /** Their normalisation: per channel unit L2 norm, then min-max to [-1, 1]; a constant channel becomes 0. */
    @Test
    void scaling() {
        double[] v = {3, 4, 0, 5, 5, 5};
        double[] s = InstanceProposals.scale(v, 2, 3);
        assertArrayEquals(new double[] {0.5, 1, -1, 0, 0, 0}, s, 1e-12);
    }
}
