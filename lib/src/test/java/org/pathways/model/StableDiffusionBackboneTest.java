package org.pathways.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.affinity.Graph;
import org.pathways.common.InvalidInputException;
import org.pathways.data.SampleScene;
import org.pathways.testing.TinyStableDiffusion;

/**
 * {@code sd14} on the tiny golden SD models (golden/sd: a VAE of spatial factor 2 and sample_size 32, a UNet with
 * self-attention at 16 x 16 (down_blocks.0, up_blocks.1 twice) and 8 x 8 (mid_block), 2 heads each), assembled into
 * a pipeline folder ({@link TinyStableDiffusion}).
 */
class StableDiffusionBackboneTest {
    @TempDir
    Path dir;

    private static Path tinyPipeline(Path parent) throws IOException {
        return TinyStableDiffusion.pipeline(parent);
    }

    private static BufferedImage image() {
        return SampleScene.planted(3, 48, 40, 8, 2).image();
    }

    @Test
    void everySelfAttentionIsAGraphAtItsGrid() throws Exception {
        try (StableDiffusionBackbone sd = new StableDiffusionBackbone(StableDiffusionBackbone.Settings.paper(tinyPipeline(dir)));
             VaryingBackbone.Passes passes = sd.open(image(), 4)) {
            Backbone.Graphs g = passes.first();
            assertEquals(List.of("down_blocks.0.attentions.0.transformer_blocks.0.attn1", "mid_block.attentions.0.transformer_blocks.0.attn1",
                    "up_blocks.1.attentions.0.transformer_blocks.0.attn1", "up_blocks.1.attentions.1.transformer_blocks.0.attn1"),
                    g.layers().stream().map(Graph::name).toList());
            int[] sides = {16, 8, 16, 16};
            for (int i = 0; i < sides.length; i++) {
                Graph graph = g.layers().get(i);
                assertEquals(2, graph.heads());
                assertEquals(sides[i], graph.height());
                assertEquals(sides[i], graph.width());
                assertTrue(graph.rowStochasticError() < 1e-5, "softmax rows " + graph.rowStochasticError());
            }
            assertEquals(40, g.imageHeight());
            assertEquals(48, g.imageWidth());
            Backbone.FinalLayer f = g.finalLayer();
            assertEquals(16, f.height());
            assertEquals(256, f.tokens().length);
            assertEquals(32, f.tokens()[0].length, "norm1(h) at 32 channels");
            assertEquals(32, f.keys()[0].length, "2 heads x 16");
            assertTrue(f.attention().rowStochasticError() < 1e-5);
            assertTrue(g.description().contains("image 32x32"), g.description());

            List<Graph> next = passes.next();
            assertEquals(4, next.size());
            assertFalse(java.util.Arrays.deepEquals(next.get(0).head(0), g.layers().get(0).head(0)), "fresh noise, new timestep: new graphs");
        }
    }

    @Test
    void seededAndFiltered() throws Exception {
        Path root = tinyPipeline(dir);
        try (StableDiffusionBackbone sd = new StableDiffusionBackbone(StableDiffusionBackbone.Settings.paper(root))) {
            double[][] a;
            double[][] a2;
            try (VaryingBackbone.Passes p = sd.open(image(), 9)) {
                p.first();
                a = p.next().get(1).head(1);
            }
            try (VaryingBackbone.Passes p = sd.open(image(), 9)) {
                p.first();
                a2 = p.next().get(1).head(1);
            }
            for (int i = 0; i < a.length; i++) assertArrayEquals(a[i], a2[i], "same seed, same second pass");
            try (VaryingBackbone.Passes p = sd.open(image(), 10)) {
                assertFalse(java.util.Arrays.deepEquals(a, p.next().get(1).head(1)), "another seed");
            }
        }
        StableDiffusionBackbone.Settings coarse = StableDiffusionBackbone.Settings.paper(root).withLayers(StableDiffusionBackbone.LayerFilter.parse("<=8"));
        try (StableDiffusionBackbone sd = new StableDiffusionBackbone(coarse)) {
            Backbone.Graphs g = sd.graphs(image());
            assertEquals(List.of("mid_block.attentions.0.transformer_blocks.0.attn1"), g.layers().stream().map(Graph::name).toList());
            assertEquals(16, g.finalLayer().height(), "the final layer whatever the filter");
        }
        try (StableDiffusionBackbone sd = new StableDiffusionBackbone(StableDiffusionBackbone.Settings.paper(root).withLayers(StableDiffusionBackbone.LayerFilter.parse(">16")))) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> sd.graphs(image()));
            assertTrue(e.getMessage().contains("--sd-layers >16"), e.getMessage());
        }
        assertThrows(InvalidInputException.class, () -> StableDiffusionBackbone.LayerFilter.parse("32"));
        assertTrue(StableDiffusionBackbone.LayerFilter.parse("<=32").keeps(32, 32));
        assertFalse(StableDiffusionBackbone.LayerFilter.parse("<=32").keeps(64, 64));
    }

    @Test
    void missingFilesAreOneLineNamingTheFetchScript() throws Exception {
        Path absent = dir.resolve("nothing");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> new StableDiffusionBackbone(StableDiffusionBackbone.Settings.paper(absent)));
        assertTrue(e.getMessage().contains(absent.toString()) && e.getMessage().contains("data-scripts/fetch-weights.sh sd14"), e.getMessage());
        Path root = tinyPipeline(dir);
        Files.delete(root.resolve("scheduler/scheduler_config.json"));
        e = assertThrows(InvalidInputException.class, () -> new StableDiffusionBackbone(StableDiffusionBackbone.Settings.paper(root)));
        assertTrue(e.getMessage().contains("scheduler_config.json") && e.getMessage().contains("fetch-weights.sh sd14"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }
}
