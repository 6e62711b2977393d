package org.pathways.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.data.SampleScene;
import org.pathways.model.StableDiffusionBackbone;
import org.pathways.testing.TinyStableDiffusion;

/** Ours with sd14 is the same in {@code segment} and {@code run per-image}: both optimise over the varying passes. */
class StableDiffusionPerImageTest {
    @TempDir
    Path dir;

    @Test
    void regionQualityOptimisesOverTheVaryingPasses() throws Exception {
        BufferedImage image = SampleScene.planted(3, 40, 40, 8, 5).image();
        PerImage.Options options = PerImage.Options.defaults().withSteps(40).withEigs(4).withKMax(3).withSeed(2);
        StableDiffusionBackbone.Settings settings = StableDiffusionBackbone.Settings.paper(TinyStableDiffusion.pipeline(dir)).withBuffer(0, 0);
        try (StableDiffusionBackbone sd = new StableDiffusionBackbone(settings)) {
            PerImage.Outcome segment = PerImage.segment(image, sd, options);
            PerImage.Outcome firstPassOnly;
            try (var passes = sd.open(image, options.seed())) {
                firstPassOnly = PerImage.segment(passes.first(), options, null);
            }
            RegionQuality job = new RegionQuality(sd, List.of(RegionQuality.OURS), options, org.pathways.baseline.Baselines.Options.defaults());
            List<RegionQuality.Candidate> ours = job.candidates(RegionQuality.OURS, image);
            RegionQuality.Candidate chosen = ours.stream().filter(RegionQuality.Candidate::selected).findFirst().orElseThrow();
            assertArrayEquals(segment.gridRegions(), chosen.gridLabels(), "run per-image's ours = segment's");
            assertFalse(java.util.Arrays.equals(segment.features().run().probabilities(), firstPassOnly.features().run().probabilities()),
                    "the first pass's graphs alone give other features");
        }
    }
}
