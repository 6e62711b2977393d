package org.pathways.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.cli.Main;
import org.pathways.data.LabelledImages;
import org.pathways.data.SampleVoc;
import org.pathways.data.VocDataset;
import org.pathways.eval.OpenVocabulary;
import org.pathways.model.Clip;
import org.pathways.model.SampleModels;
import org.pathways.model.Taps;
import org.pathways.model.VitBackbone;
import picocli.CommandLine;

/** Open-vocabulary segmentation end to end on a tiny random-weight CLIP and a generated VOC-layout set. */
class OpenVocabSegmentationTest {
    @TempDir
    Path tmp;

    @Test
    void denseFeaturesAreTheLastValuesThroughProjectionNormAndVisualProjection() throws Exception {
        SampleModels.ClipFiles files = SampleModels.tinyClip(tmp.resolve("clip"), 1);
        try (NDManager m = NDManager.newBaseManager(); Clip clip = Clip.load(m, SampleModels.TINY_CLIP, files.weights())) {
            // random weights have zero biases: an all-zero value vector must come out zero, a one-hot one must not
            int heads = SampleModels.TINY_CLIP.vision().heads();
            int d = SampleModels.TINY_CLIP.vision().dim() / heads;
            float[] v = new float[heads * 3 * d];
            v[(0 * 3 + 1) * d] = 1; // token 1 (first patch), head 0, channel 0 -> merged channel 0
            float[] out = clip.denseEmbeddings(m.create(v, new Shape(1, heads, 3, d)));
            assertEquals(2 * SampleModels.TINY_CLIP.projectionDim(), out.length, "two patches (CLS dropped)");
            // patch 2 had all-zero values: through zero biases and unit/zero layernorm it stays zero
            for (int i = SampleModels.TINY_CLIP.projectionDim(); i < out.length; i++) assertEquals(0, out[i], 1e-6);
            boolean any = false;
            for (int i = 0; i < SampleModels.TINY_CLIP.projectionDim(); i++) any |= Math.abs(out[i]) > 1e-4;
            assertTrue(any, "patch 1 carries its value vector through");
        }
    }

    @Test
    void predictsAClassPerPixelAndRunsFromTheCommandLine() throws Exception {
        SampleModels.ClipFiles files = SampleModels.tinyClip(tmp.resolve("clip"), 1);
        Path data = SampleVoc.write(tmp.resolve("voc"), 2, 5);
        LabelledImages set = VocDataset.open(data, "val");
        LabelledImages.LabelledImage sample = set.load(set.ids().get(0));
        PerImage.Options options = PerImage.Options.defaults().withPasses(30);
        try (OpenVocabSegmentation job = new OpenVocabSegmentation(SampleModels.tinyClipBackbone(files), SampleModels.tinyClipTokenizer(files),
                OpenVocabulary.VOC_PROMPT_NAMES, OpenVocabulary.TEMPLATES.subList(0, 3), options, 0.0, false)) {
            assertEquals(20, job.classEmbeddings().length);
            OpenVocabSegmentation.Prediction p = job.predict(sample.image());
            assertEquals(sample.labels().length, p.ours().length);
            // threshold 0: nothing is background, every region takes a class 1..20, constant over the region
            for (int label : p.ours()) assertTrue(label >= 1 && label <= 20, "label " + label);
            int[] perRegion = new int[p.k()];
            java.util.Arrays.fill(perRegion, -1);
            int[] upsampled = org.pathways.data.Images.upsampleNearest(p.gridRegions(), p.gridHeight(), p.gridWidth(), sample.height(), sample.width());
            for (int i = 0; i < upsampled.length; i++) {
                if (perRegion[upsampled[i]] < 0) perRegion[upsampled[i]] = p.ours()[i];
                assertEquals(perRegion[upsampled[i]], p.ours()[i], "one class per region");
            }
        }

        Path out = tmp.resolve("out");
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute("run", "open-vocab", "--dataset", "voc", "--data", data.toString(), "--backbone", "clip-vitb16",
                "--weights", files.weights().toString(), "--model-config", files.config().toString(), "--vocab", files.vocab().toString(),
                "--merges", files.merges().toString(), "--steps", "30", "--out", out.toString());
        assertEquals(0, code, err.toString());
        List<String> rows = Files.readAllLines(out.resolve("per-image.csv"));
        assertEquals(1 + 2 * 2, rows.size(), "two images x (ours, maskclip-patches): " + rows);
        assertTrue(Files.readString(out.resolve("table6.md")).contains("paper (Table 6)"));
        assertTrue(Files.size(out.resolve(OpenVocabTable.FIGURE)) > 0);
    }

    @Test
    void theTapFeedsDenseFeaturesOfTheGraphGrid() throws Exception {
        SampleModels.ClipFiles files = SampleModels.tinyClip(tmp.resolve("clip"), 2);
        float[][] captured = new float[1][];
        try (VitBackbone b = SampleModels.tinyClipBackbone(files)) {
            b.onForward(List.of("blocks.3.attn.v"), (tower, taps) -> {
                NDArray v = taps.get("blocks.3.attn.v");
                captured[0] = ((Clip) tower).denseEmbeddings(v);
            });
            java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(64, 48, java.awt.image.BufferedImage.TYPE_INT_RGB);
            var graphs = b.graphs(image);
            int nodes = graphs.get(0).nodes();
            assertEquals(nodes * SampleModels.TINY_CLIP.projectionDim(), captured[0].length);
            assertArrayEquals(new int[] {28, 37}, new int[] {graphs.get(0).height(), graphs.get(0).width()});
            assertTrue(Taps.matches("blocks.*.attn.v", "blocks.3.attn.v"));
        }
    }
}
