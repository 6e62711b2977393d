package org.pathways.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.affinity.Graph;
import org.pathways.data.SampleScene;
import org.pathways.pipeline.PerImage;

/**
 * {@link SampleModels#tinyStableDiffusion}: the library's own tiny random SD pipeline (no golden data needed) loads
 * as {@code sd14} and segments; it is deterministic and kept once written.
 */
class SampleStableDiffusionTest {
    private static final List<String> WEIGHTS = List.of("unet/diffusion_pytorch_model.safetensors",
            "vae/diffusion_pytorch_model.safetensors", "text_encoder/model.safetensors");

    @TempDir
    Path dir;

    @Test
    void deterministicAndKeptOnceWritten() throws Exception {
        Path first = SampleModels.tinyStableDiffusion(dir.resolve("a"), 7);
        Path second = SampleModels.tinyStableDiffusion(dir.resolve("b"), 7);
        for (String file : WEIGHTS) assertArrayEquals(Files.readAllBytes(first.resolve(file)), Files.readAllBytes(second.resolve(file)), file);
        byte[] before = Files.readAllBytes(first.resolve(WEIGHTS.get(0)));
        SampleModels.tinyStableDiffusion(first, 8);
        assertArrayEquals(before, Files.readAllBytes(first.resolve(WEIGHTS.get(0))), "an existing pipeline is kept, whatever the seed");
    }

    @Test
    void loadsAsSd14AndSegments() throws Exception {
        Path pipeline = SampleModels.tinyStableDiffusion(dir.resolve("sd-tiny"), 0);
        BufferedImage image = SampleScene.planted(3, 40, 40, 8, 5).image();
        Backbone backbone = Backbones.create(StableDiffusionBackbone.NAME, pipeline, VitBackbone.Resize.PAPER);
        try (StableDiffusionBackbone sd = assertInstanceOf(StableDiffusionBackbone.class, backbone)) {
            try (VaryingBackbone.Passes passes = sd.open(image, 1)) {
                List<Graph> layers = passes.first().layers();
                assertEquals(List.of(16, 8, 16, 16), layers.stream().map(Graph::height).toList(), "self-attention at 16 x 16, 8 x 8, 16 x 16 twice");
                for (Graph g : layers) {
                    // the scaled-up, tied queries and keys: rows far from uniform (1 / N), so the pictures show structure
                    double meanRowMax = meanRowMax(g);
                    assertTrue(meanRowMax > 10.0 / (g.height() * g.width()), g.name() + ": mean row maximum " + meanRowMax);
                }
            }
            PerImage.Options options = PerImage.Options.defaults().withSteps(20).withEigs(4).withKMax(3).withSeed(1);
            PerImage.Outcome outcome = PerImage.segment(image, sd, options);
            assertEquals(40 * 40, outcome.regions().length, "one region per pixel");
            assertEquals(16 * 16, outcome.gridRegions().length, "clustered on the finest attention grid");
        }
    }

    @Test
    void theLatentsCarryTheImage() throws Exception {
        Path pipeline = SampleModels.tinyStableDiffusion(dir.resolve("sd-tiny"), 0);
        BufferedImage landscape = SampleScene.landscape(64, 64, 6, 1).image(); // sky above, ground below
        var settings = StableDiffusionBackbone.Settings.paper(pipeline).withBuffer(0, 0);
        try (StableDiffusionBackbone sd = new StableDiffusionBackbone(settings); VaryingBackbone.Passes passes = sd.open(landscape, 0)) {
            Graph finest = passes.first().layers().get(0);
            double[][] attention = finest.headMean();
            int h = finest.height();
            int w = finest.width();
            int skyNode = h / 4 * w + w / 2;
            // rows clear of the horizon and of the borders (zero padding alone makes border rows alike)
            double toSky = 0;
            double toGround = 0;
            for (int row = 1; row < h * 2 / 5; row++) for (int col = 0; col < w; col++) toSky += attention[skyNode][row * w + col];
            for (int row = h * 7 / 10; row < h - 1; row++) for (int col = 0; col < w; col++) toGround += attention[skyNode][row * w + col];
            assertTrue(toSky > 3 * toGround, "a sky node attends to the sky: " + toSky + ", to the ground: " + toGround);
        }
    }

    private static double meanRowMax(Graph g) {
        double sum = 0;
        double[][] head = g.head(0);
        for (double[] row : head) {
            double max = 0;
            for (double v : row) max = Math.max(max, v);
            sum += max;
        }
        return sum / head.length;
    }
}
