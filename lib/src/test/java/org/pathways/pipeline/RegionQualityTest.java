package org.pathways.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.baseline.Baselines;
import org.pathways.data.LabelledImages;
import org.pathways.data.SampleVoc;
import org.pathways.data.VocDataset;
import org.pathways.model.PositionalEmbedding;
import org.pathways.model.SafeTensors;
import org.pathways.model.VisionTransformer;
import org.pathways.model.VitBackbone;

/** Every method of Table 1 on a random-weight ViT: rows that add up. */
class RegionQualityTest {
    @TempDir
    Path tmp;

    static final VisionTransformer.Config TINY = new VisionTransformer.Config("tiny-dino", 16, 64, 3, 4, 4, 1e-6,
            new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f}, PositionalEmbedding.Mode.DINO);

    /** A uniform image: Table 1 still scores every k, and one warning line names the image and says why. */
    @Test
    void aUniformImageIsScoredWithAWarningLine() throws Exception {
        Path weights = tmp.resolve("tiny.safetensors");
        SafeTensors.writeFloat32(weights, VisionTransformer.randomWeights(TINY, 14, 3));
        java.awt.image.BufferedImage grey = new java.awt.image.BufferedImage(64, 48, java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 48; y++) for (int x = 0; x < 64; x++) grey.setRGB(x, y, 0x808080);
        LabelledImages.LabelledImage sample = new LabelledImages.LabelledImage("grey-1", grey, new int[64 * 48]);
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream saved = System.err;
        DatasetRunner.Outcome out;
        try (RegionQuality job = new RegionQuality(VitBackbone.of(TINY, weights, VitBackbone.Resize.PAPER), List.of(RegionQuality.OURS),
                PerImage.Options.defaults().withSteps(20).withEigs(4), Baselines.Options.defaults())) {
            System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
            out = job.process(sample);
        } finally {
            System.setErr(saved);
        }
        List<String> warnings = err.toString(java.nio.charset.StandardCharsets.UTF_8).lines().filter(l -> l.contains("warning")).toList();
        assertEquals(1, warnings.size(), "one warning line: " + warnings);
        assertTrue(warnings.get(0).contains("image grey-1") && warnings.get(0).contains("no variation"), warnings.get(0));
        assertEquals(9, out.rows().get(RegionQuality.PER_IMAGE.file()).size(), "k = 2..10 still scored");
    }

    @Test
    void everyMethodScoresEveryKItProposes() throws Exception {
        Path weights = tmp.resolve("tiny.safetensors");
        SafeTensors.writeFloat32(weights, VisionTransformer.randomWeights(TINY, 14, 3));
        LabelledImages data = VocDataset.open(SampleVoc.write(tmp.resolve("voc"), 1, 2), "val");
        LabelledImages.LabelledImage sample = data.load(data.ids().get(0));
        long counted = 0;
        for (int t : sample.labels()) if (t != 255) counted++;
        PerImage.Options options = PerImage.Options.defaults().withSteps(30).withEigs(6);
        try (RegionQuality job = new RegionQuality(VitBackbone.of(TINY, weights, VitBackbone.Resize.PAPER), RegionQuality.allMethods(), options,
                Baselines.Options.defaults())) {
            DatasetRunner.Outcome out = job.process(sample);
            List<String> perImage = out.rows().get(RegionQuality.PER_IMAGE.file());
            Map<String, Integer> selected = new HashMap<>();
            for (String row : perImage) {
                String[] c = row.split(",");
                double miou = Double.parseDouble(c[4]);
                assertTrue(miou >= 0 && miou <= 1, row);
                if (Boolean.parseBoolean(c[3])) selected.merge(c[1], 1, Integer::sum);
            }
            for (String m : RegionQuality.allMethods()) assertEquals(1, selected.get(m), "one selected k for " + m + ": " + perImage);
            assertEquals(9 * 4 + 2, perImage.size(), "k = 2..10 for ours, kmeans and the two Ncuts; one row for TokenCut and MaskCut");
            // every non-ignored pixel is in the union of its true label once per (method, k)
            Map<String, Long> unions = new HashMap<>();
            for (String row : out.rows().get(RegionQuality.COUNTS.file())) {
                String[] c = row.split(",");
                unions.merge(c[1] + "," + c[2], Long.parseLong(c[5]), Long::sum);
            }
            for (Map.Entry<String, Long> e : unions.entrySet()) assertTrue(e.getValue() >= counted, e.toString());
        }
    }

    /** --graph-top-k sparsifies our graphs only: ncut-attention gives the same rows with and without it. */
    @Test
    void graphTopKDoesNotChangeNcutOnTheAttention() throws Exception {
        Path weights = tmp.resolve("tiny.safetensors");
        SafeTensors.writeFloat32(weights, VisionTransformer.randomWeights(TINY, 14, 4));
        LabelledImages data = VocDataset.open(SampleVoc.write(tmp.resolve("voc"), 1, 3), "val");
        LabelledImages.LabelledImage sample = data.load(data.ids().get(0));
        PerImage.Options options = PerImage.Options.defaults().withSteps(0).withEigs(6);
        List<List<String>> rows = new java.util.ArrayList<>();
        for (int topK : new int[] {0, 8}) {
            VitBackbone vit = VitBackbone.of(TINY, weights, VitBackbone.Resize.PAPER);
            try (RegionQuality job = new RegionQuality(topK > 0 ? vit.withGraphTopK(topK) : vit, List.of(Baselines.NCUT_ATTENTION), options.withGraphTopK(topK),
                    Baselines.Options.defaults())) {
                rows.add(job.process(sample).rows().get(RegionQuality.COUNTS.file()));
            }
        }
        assertEquals(rows.get(0), rows.get(1));
        assertTrue(rows.get(0).size() > 9, "counts for k = 2..10: " + rows.get(0));
    }
}
