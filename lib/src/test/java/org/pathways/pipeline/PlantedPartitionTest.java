package org.pathways.pipeline;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.pathways.data.SampleScene;
import org.pathways.eval.OracleMiou;
import org.pathways.model.PixelsBackbone;

/** A synthetic image with k flat-coloured regions plus noise: pixels backbone + engine must recover them. */
class PlantedPartitionTest {
    @Test
    void recoversPlantedRegions() {
        SampleScene.Labelled scene = SampleScene.planted(5, 128, 96, 20, 3);
        PixelsBackbone backbone = new PixelsBackbone(PixelsBackbone.Config.defaults().withShortSides(8, 16, 32));
        PerImage.Outcome out = PerImage.segment(scene.image(), backbone, PerImage.Options.defaults(), null);
        double miou = OracleMiou.of(out.regions(), scene.labels());
        System.out.printf("planted partition: k=%d chosen, oracle mIoU %.4f, loss %.4f, %s%n", out.chosenK(), miou,
                out.features().run().finalLoss(), out.seconds());
        assertTrue(miou >= 0.95, "oracle mIoU " + miou);
    }
}
