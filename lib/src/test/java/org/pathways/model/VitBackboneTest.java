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
            List<Graph> graphs = vit.graphs(scene.image()).layers();
            assertEquals(3, graphs.size());
            for (Graph g : graphs) {
                assertEquals(4, g.heads());
                assertEquals(28, g.height());
                assertEquals(37, g.width());
                assertTrue(g.rowStochasticError() < 1e-4, "attention rows sum to 1");
            }
            // and the engine runs on them
            PerImage.Outcome out = PerImage.segment(scene.image(), vit, PerImage.Options.defaults().withSteps(40).withEigs(6));
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
            List<Graph> graphs = mae.graphs(SampleScene.planted(3, 120, 90, 5, 1).image()).layers();
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
            Backbone.Graphs out = vit.graphs(image);
            Backbone.FinalLayer last = out.finalLayer();
            assertEquals(28, last.height());
            assertEquals(37, last.width());
            assertEquals(28 * 37, last.tokens().length);
            assertEquals(64, last.tokens()[0].length);
            assertEquals(64, last.keys()[0].length, "4 heads x 16 dims, concatenated");
            // the attention is the mean of the last layer's heads
            Graph lastLayer = out.layers().get(out.layers().size() - 1);
            for (int r : new int[] {0, 400, 28 * 37 - 1}) {
                for (int c = 0; c < lastLayer.nodes(); c += 13) {
                    double mean = 0;
                    for (int h = 0; h < 4; h++) mean += lastLayer.get(h, r, c) / 4;
                    assertEquals(mean, last.attention().get(0, r, c), 1e-7);
                }
            }
            // tokens and keys are the model's own for the same input: tap final, and the last block's k, head by head
            int[] size = vit.inputSize(90, 120);
            java.awt.image.BufferedImage resized = org.pathways.data.Images.resize(image, size[1], size[0], true);
            Taps taps = new Taps(m, "final", "blocks.2.attn.k");
            model.forward(model.normalise(m.create(VitBackbone.channelsFirst(resized), new ai.djl.ndarray.types.Shape(1, 3, size[0], size[1]))), taps);
            float[] tokens = taps.captured().get("final").toFloatArray();
            float[] k = taps.captured().get("blocks.2.attn.k").toFloatArray(); // (1, heads, T, d)
            int t = 1 + 28 * 37;
            for (int p : new int[] {0, 500, 28 * 37 - 1}) {
                for (int c = 0; c < 64; c += 7) assertEquals(tokens[(1 + p) * 64 + c], last.tokens()[p][c], 1e-5);
                for (int head = 0; head < 4; head++) {
                    for (int d = 0; d < 16; d += 5) assertEquals(k[(head * t + 1 + p) * 16 + d], last.keys()[p][head * 16 + d], 1e-5, "patch " + p + " head " + head);
                }
            }
        }
        try (VitBackbone mae = VitBackbone.of(GoldenVisionTransformerTest.TINY, weights, VitBackbone.Resize.PAPER).withQueryKeyUpsampling(64)) {
            Backbone.FinalLayer last = mae.graphs(image).finalLayer();
            assertEquals(28 * 37, last.tokens().length, "4x4 model grid resampled to the shared 28x37 grid");
            assertEquals(28 * 37, last.keys().length);
            assertEquals(28, last.attention().height());
        }
    }

    /** --graph-top-k is a memory option for our graphs: the baselines' final attention stays the dense head mean. */
    @Test
    void graphTopKLeavesTheBaselinesFinalAttentionDense() throws Exception {
        Path weights = dir.resolve("tiny.safetensors");
        SafeTensors.writeFloat32(weights, WeightsTest.randomTimm(7));
        java.awt.image.BufferedImage image = SampleScene.planted(3, 120, 90, 5, 1).image();
        try (VitBackbone dense = VitBackbone.of(GoldenVisionTransformerTest.TINY, weights, VitBackbone.Resize.PAPER);
             VitBackbone sparse = VitBackbone.of(GoldenVisionTransformerTest.TINY, weights, VitBackbone.Resize.PAPER).withGraphTopK(7)) {
            Backbone.Graphs a = dense.graphs(image);
            Backbone.Graphs b = sparse.graphs(image);
            assertEquals(7, b.layers().get(2).topK());
            assertEquals(0, b.finalLayer().attention().topK());
            int n = a.finalLayer().attention().nodes();
            for (int r = 0; r < n; r += 11) {
                for (int c = 0; c < n; c++) assertEquals(a.finalLayer().attention().get(0, r, c), b.finalLayer().attention().get(0, r, c), 0.0);
            }
        }
    }

    @Test
    void libtorchTopKKeepsTheSameEntriesAsTheJavaSelection() throws Exception {
        Path weights = dir.resolve("tiny.safetensors");
        SafeTensors.writeFloat32(weights, WeightsTest.randomTimm(6));
        java.awt.image.BufferedImage image = SampleScene.planted(3, 120, 90, 5, 1).image();
        try (VitBackbone dense = VitBackbone.of(GoldenVisionTransformerTest.TINY, weights, VitBackbone.Resize.PAPER);
             VitBackbone sparse = VitBackbone.of(GoldenVisionTransformerTest.TINY, weights, VitBackbone.Resize.PAPER).withGraphTopK(7)) {
            List<Graph> expected = dense.graphs(image).layers();
            List<Graph> actual = sparse.graphs(image).layers();
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

    /** Taps keep only what was asked for, and forward passes leave nothing behind (random weights: no golden data needed). */
    @Test
    void onlyRequestedTapsAreKeptAndPassesLeaveNothingBehind() throws Exception {
        String pattern = "blocks.*.attn.patch_probs";
        Path weights = dir.resolve("taps.safetensors");
        SafeTensors.writeFloat32(weights, WeightsTest.randomTimm(9));
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager();
             VisionTransformer vit = VisionTransformer.load(m, GoldenVisionTransformerTest.TINY, weights)) {
            Taps taps = new Taps(m, pattern);
            vit.forward(m.randomUniform(0, 1, new ai.djl.ndarray.types.Shape(1, 3, 48, 64)), taps);
            assertEquals(java.util.List.of("blocks.0.attn.patch_probs", "blocks.1.attn.patch_probs", "blocks.2.attn.patch_probs"),
                    new java.util.ArrayList<>(taps.captured().keySet()));
            // forward passes leave nothing behind in the model's manager
            int before = ((ai.djl.ndarray.BaseNDManager) m).getManagedArrays().size();
            for (int r = 0; r < 3; r++) {
                try (ai.djl.ndarray.NDManager call = m.newSubManager()) {
                    vit.forward(call.randomUniform(0, 1, new ai.djl.ndarray.types.Shape(1, 3, 48, 64)), new Taps(call, pattern));
                }
            }
            assertEquals(before, ((ai.djl.ndarray.BaseNDManager) m).getManagedArrays().size(), "arrays alive after 3 more forward passes");
            float[] probs = taps.captured().get("blocks.0.attn.patch_probs").toFloatArray();
            int n = 12;
            for (int row = 0; row < 4 * n; row++) {
                double s = 0;
                for (int j = 0; j < n; j++) s += probs[row * n + j];
                assertEquals(1.0, s, 1e-5, "attention rows sum to 1");
            }
        }
    }
}
