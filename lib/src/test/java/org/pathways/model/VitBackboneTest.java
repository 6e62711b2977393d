package org.pathways.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.affinity.Graph;
import org.pathways.data.SampleScene;
import org.pathways.pipeline.PerImage;

class VitBackboneTest {
    @TempDir
    Path dir;

    @Test
    void everyLayerIsAGraphOfAllHeadsOverThePatchGrid() throws Exception {
        Path weights = dir.resolve("tiny.safetensors");
        SafeTensors.writeFloat32(weights, WeightsTest.randomTimm(3));
        try (VitBackbone vit = VitBackbone.of(GoldenVisionTransformerTest.TINY, weights, VitBackbone.Resize.PAPER)) {
            assertArrayEquals(new int[] {448, 592}, vit.inputSize(300, 400)); // short side 448, long side 597 -> 37 patches
            try (VitBackbone square = VitBackbone.of(GoldenVisionTransformerTest.TINY, weights, VitBackbone.Resize.AUTHORS)) {
                assertArrayEquals(new int[] {480, 480}, square.inputSize(300, 400));
            }
            SampleScene.Labelled scene = SampleScene.planted(3, 120, 90, 5, 1);
            List<Graph> graphs = vit.graphs(scene.image());
            assertEquals(3, graphs.size());
            for (Graph g : graphs) {
                assertEquals(4, g.heads());
                assertEquals(28, g.height());
                assertEquals(37, g.width());
                assertTrue(g.rowStochasticError() < 1e-4, "attention rows sum to 1");
            }
            // and the engine runs on them
            PerImage.Outcome out = PerImage.segment(scene.image(), vit, PerImage.Options.defaults().withPasses(40).withEigs(6), null);
            assertEquals(120 * 90, out.regions().length);
        }
    }

    @Test
    void maePaperModeUpsamplesQueriesAndKeysToTheSharedGrid() throws Exception {
        Path weights = dir.resolve("tiny.safetensors");
        SafeTensors.writeFloat32(weights, WeightsTest.randomTimm(4));
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager();
             VisionTransformer vit = VisionTransformer.load(m, GoldenVisionTransformerTest.TINY, weights)) {
            // at the same grid, upsampling is the identity: the model's own patch attention comes back
            Taps taps = new Taps(m, "blocks.1.attn.*");
            vit.forward(m.randomUniform(-1, 1, new ai.djl.ndarray.types.Shape(1, 3, 64, 64)), taps);
            ai.djl.ndarray.NDArray same = VitBackbone.upsampledPatchAttention(m, taps.captured().get("blocks.1.attn.q"), taps.captured().get("blocks.1.attn.k"), 4, 4, 4, 4);
            float[] a = same.toFloatArray();
            float[] b = taps.captured().get("blocks.1.attn.patch_probs").toFloatArray();
            for (int i = 0; i < a.length; i++) assertEquals(b[i], a[i], 1e-6);
        }
        try (VitBackbone mae = VitBackbone.of(GoldenVisionTransformerTest.TINY, weights, VitBackbone.Resize.PAPER).withQueryKeyUpsampling(64)) {
            List<Graph> graphs = mae.graphs(SampleScene.planted(3, 120, 90, 5, 1).image());
            assertEquals(3, graphs.size());
            for (Graph g : graphs) {
                assertEquals(28, g.height());
                assertEquals(37, g.width());
                assertTrue(g.rowStochasticError() < 1e-4);
            }
        }
    }

    @Test
    void theFinalLayerComesFromTheSameForwardPass() throws Exception {
        Path weights = dir.resolve("tiny.safetensors");
        SafeTensors.writeFloat32(weights, WeightsTest.randomTimm(5));
        java.awt.image.BufferedImage image = SampleScene.planted(3, 120, 90, 5, 1).image();
        try (VitBackbone vit = VitBackbone.of(GoldenVisionTransformerTest.TINY, weights, VitBackbone.Resize.PAPER);
             ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager();
             VisionTransformer model = VisionTransformer.load(m, GoldenVisionTransformerTest.TINY, weights)) {
            List<Graph> graphs = vit.graphs(image);
            Backbone.FinalLayer last = vit.finalLayer(image);
            assertEquals(28, last.height());
            assertEquals(37, last.width());
            assertEquals(28 * 37, last.features().length);
            assertEquals(64, last.features()[0].length);
            assertTrue(last.attention() == graphs.get(graphs.size() - 1), "the last layer's graph, not a second forward pass");
            // the features are the model's own final patch tokens for the same input
            int[] size = vit.inputSize(90, 120);
            java.awt.image.BufferedImage resized = org.pathways.data.Images.resize(image, size[1], size[0], true);
            Taps taps = new Taps(m, "final");
            model.forward(model.normalise(m.create(VitBackbone.channelsFirst(resized), new ai.djl.ndarray.types.Shape(1, 3, size[0], size[1]))), taps);
            float[] tokens = taps.captured().get("final").toFloatArray();
            for (int p : new int[] {0, 500, 28 * 37 - 1}) {
                for (int c = 0; c < 64; c += 7) assertEquals(tokens[(1 + p) * 64 + c], last.features()[p][c], 1e-5);
            }
        }
        try (VitBackbone mae = VitBackbone.of(GoldenVisionTransformerTest.TINY, weights, VitBackbone.Resize.PAPER).withQueryKeyUpsampling(64)) {
            Backbone.FinalLayer last = mae.finalLayer(image); // no graphs() call first: it runs the pass itself
            assertEquals(28 * 37, last.features().length, "4x4 model grid resampled to the shared 28x37 grid");
            assertEquals(28, last.attention().height());
        }
    }

    @Test
    void libtorchTopKKeepsTheSameEntriesAsTheJavaSelection() throws Exception {
        Path weights = dir.resolve("tiny.safetensors");
        SafeTensors.writeFloat32(weights, WeightsTest.randomTimm(6));
        java.awt.image.BufferedImage image = SampleScene.planted(3, 120, 90, 5, 1).image();
        try (VitBackbone dense = VitBackbone.of(GoldenVisionTransformerTest.TINY, weights, VitBackbone.Resize.PAPER);
             VitBackbone sparse = VitBackbone.of(GoldenVisionTransformerTest.TINY, weights, VitBackbone.Resize.PAPER).withGraphTopK(7)) {
            List<Graph> expected = dense.graphs(image);
            List<Graph> actual = sparse.graphs(image);
            assertEquals(expected.size(), actual.size());
            for (int l = 0; l < expected.size(); l++) {
                Graph want = expected.get(l).topK(7);
                Graph got = actual.get(l);
                assertEquals(7, got.topK());
                assertEquals(want.name(), got.name());
                for (int h = 0; h < got.heads(); h++) {
                    for (int r = 0; r < got.nodes(); r += 37) {
                        for (int c = 0; c < got.nodes(); c++) assertEquals(want.get(h, r, c), got.get(h, r, c), 1e-7, "layer " + l + " head " + h + " row " + r + " col " + c);
                    }
                }
            }
        }
    }
}
