package org.pathways.spectral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.pathways.data.SampleScene;
import org.pathways.eval.OracleMiou;
import org.pathways.model.PixelsBackbone;
import org.pathways.pipeline.PerImage;

/** --solver exact and --init exact end to end on a planted partition with the pixels backbone. */
class ExactSolverPlantedTest {
    private static final PixelsBackbone BACKBONE = new PixelsBackbone(PixelsBackbone.Config.defaults().withShortSides(8, 16, 32));

    @Test
    void exactSolverRecoversPlantedRegions() {
        SampleScene.Labelled scene = SampleScene.planted(5, 128, 96, 20, 3);
        PerImage.Outcome out = PerImage.segment(scene.image(), BACKBONE, PerImage.Options.defaults().withSolver("exact"), null);
        double miou = OracleMiou.of(out.regions(), scene.labels());
        PerImage.Features f = out.features();
        System.out.printf("planted partition, exact solver: k=%d chosen, oracle mIoU %.4f, objective at the eigenvectors %.4f, eigenvalues %s, %s%n",
                out.chosenK(), miou, f.run().finalLoss(), java.util.Arrays.toString(f.exact().values()), out.seconds());
        assertNotNull(f.exact());
        assertEquals(0, f.run().updates(), "nothing is optimised");
        assertEquals(15, f.reorth().channels());
        int n = f.reorth().nodes();
        assertEquals(32 * 43, n, "the finest graph's grid");
        for (int a = 0; a < 15; a++) { // U S with S = max(eigenvalue, 0)^FEATURE_POWER: orthogonal features, norms S
            for (int b = 0; b <= a; b++) {
                double dot = 0;
                for (int i = 0; i < n; i++) dot += f.reorth().features()[a * n + i] * f.reorth().features()[b * n + i];
                double s = Math.pow(Math.max(f.exact().values()[a], 0), ExactSolver.FEATURE_POWER);
                assertEquals(a == b ? s * s : 0, dot, 1e-9, "<u" + a + ", u" + b + ">");
            }
        }
        assertTrue(miou >= 0.95, "oracle mIoU " + miou);
    }

    /** --init exact starts the direct parametrisation lower than its random start, on the same objective. */
    @Test
    void exactInitStartsBelowTheRandomStart() {
        SampleScene.Labelled scene = SampleScene.planted(5, 128, 96, 20, 3);
        PerImage.Options direct = PerImage.Options.defaults().withParametrisation("direct").withSteps(40);
        PerImage.Outcome random = PerImage.segment(scene.image(), BACKBONE, direct, null);
        PerImage.Outcome exact = PerImage.segment(scene.image(), BACKBONE, direct.withInit("exact"), null);
        double first = exact.features().run().lossPerUpdate()[0];
        double randomFirst = random.features().run().lossPerUpdate()[0];
        System.out.printf("first-update loss: init exact %.4f, random %.4f; after 2 updates %.4f vs %.4f%n", first, randomFirst,
                exact.features().run().finalLoss(), random.features().run().finalLoss());
        assertNotNull(exact.features().exact());
        assertTrue(first < randomFirst, "init exact " + first + " vs random " + randomFirst);
    }
}
