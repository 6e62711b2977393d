package org.pathways.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.cli.Main;
import org.pathways.data.LabelledImages;
import org.pathways.data.SampleVoc;
import org.pathways.data.VocDataset;
import org.pathways.data.VocMasks;
import org.pathways.eval.OpenVocabulary;
import org.pathways.model.Clip;
import org.pathways.model.SafeTensors;
import org.pathways.model.SampleModels;
import org.pathways.model.Taps;
import org.pathways.model.VitBackbone;
import picocli.CommandLine;

/** Open-vocabulary segmentation end to end on a tiny random-weight CLIP and a generated VOC-layout set. */
class OpenVocabSegmentationTest {
    @TempDir
    Path tmp;

    /** The tiny CLIP with random biases and LayerNorm parameters too, so that every term of the chains shows. */
    private Path tinyClipWithBiases(Map<String, SafeTensors.Tensor> tensors) throws Exception {
        Random r = new Random(11);
        for (Map.Entry<String, SafeTensors.Tensor> e : tensors.entrySet()) {
            SafeTensors.Tensor t = e.getValue();
            boolean bias = e.getKey().endsWith(".bias");
            boolean norm = e.getKey().contains("norm") || e.getKey().contains("layrnorm");
            if (!bias && !norm) continue;
            float[] v = t.values().clone();
            for (int i = 0; i < v.length; i++) v[i] = (float) ((norm && !bias ? 1 : 0) + 0.1 * r.nextGaussian());
            e.setValue(new SafeTensors.Tensor(t.name(), t.dtype(), t.shape(), v));
        }
        Path file = tmp.resolve("clip-biased.safetensors");
        SafeTensors.writeFloat32(file, tensors);
        return file;
    }

    // ---- an independent reference of the chains, in plain double arithmetic on the checkpoint's tensors

    private static double[] linear(Map<String, SafeTensors.Tensor> w, String name, double[] x) {
        SafeTensors.Tensor weight = w.get(name + ".weight");
        SafeTensors.Tensor bias = w.get(name + ".bias");
        int out = (int) weight.shape()[0];
        int in = (int) weight.shape()[1];
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            double s = bias == null ? 0 : bias.values()[o];
            for (int i = 0; i < in; i++) s += weight.values()[o * in + i] * x[i];
            y[o] = s;
        }
        return y;
    }

    private static double[] layerNorm(Map<String, SafeTensors.Tensor> w, String name, double[] x, double eps) {
        double mean = 0;
        for (double v : x) mean += v / x.length;
        double var = 0;
        for (double v : x) var += (v - mean) * (v - mean) / x.length;
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = (x[i] - mean) / Math.sqrt(var + eps) * w.get(name + ".weight").values()[i] + w.get(name + ".bias").values()[i];
        return y;
    }

    private static double[] add(double[] a, double[] b) {
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) c[i] = a[i] + b[i];
        return c;
    }

    /** MaskCLIP's chain for one token x entering the last block (layer L): mmseg vit.py with return_qkv. */
    private static double[] maskClip(Map<String, SafeTensors.Tensor> w, int last, double[] x, boolean valueOnly) {
        String b = "vision_model.encoder.layers." + last + ".";
        double eps = 1e-5;
        double[] v = linear(w, b + "self_attn.out_proj", linear(w, b + "self_attn.v_proj", layerNorm(w, b + "layer_norm1", x, eps)));
        if (!valueOnly) {
            v = add(v, x);
            double[] h = linear(w, b + "mlp.fc1", layerNorm(w, b + "layer_norm2", v, eps));
            for (int i = 0; i < h.length; i++) h[i] = h[i] / (1 + Math.exp(-1.702 * h[i])); // quick_gelu
            v = add(v, linear(w, b + "mlp.fc2", h));
        }
        return linear(w, "visual_projection", layerNorm(w, "vision_model.post_layernorm", v, eps));
    }

    @Test
    void denseFeaturesFollowMaskClipsChainAndTheValueOnlyVariant() throws Exception {
        Map<String, SafeTensors.Tensor> tensors = Clip.randomWeights(SampleModels.TINY_CLIP, 3);
        Path weights = tinyClipWithBiases(tensors);
        int last = SampleModels.TINY_CLIP.vision().depth() - 1;
        try (NDManager m = NDManager.newBaseManager(); Clip clip = Clip.load(m, SampleModels.TINY_CLIP, weights)) {
            Taps taps = new Taps(m, "blocks." + (last - 1) + ".out", Clip.DENSE_EMBEDS, Clip.DENSE_EMBEDS_VALUE_ONLY);
            clip.forward(clip.normalise(m.randomUniform(0, 1, new Shape(1, 3, 48, 64))), taps);
            float[] in = taps.captured().get("blocks." + (last - 1) + ".out").toFloatArray(); // (1, 1 + 12, 64): the last block's input
            float[] dense = taps.captured().get(Clip.DENSE_EMBEDS).toFloatArray();            // (1, 12, 64), CLS dropped
            float[] valueOnly = taps.captured().get(Clip.DENSE_EMBEDS_VALUE_ONLY).toFloatArray();
            int d = 64;
            int p = SampleModels.TINY_CLIP.projectionDim();
            assertEquals(12 * p, dense.length);
            double worst = 0;
            double worstValueOnly = 0;
            double differ = 0;
            for (int patch = 0; patch < 12; patch++) {
                double[] x = new double[d];
                for (int c = 0; c < d; c++) x[c] = in[(1 + patch) * d + c];
                double[] want = maskClip(tensors, last, x, false);
                double[] wantValueOnly = maskClip(tensors, last, x, true);
                for (int c = 0; c < p; c++) {
                    worst = Math.max(worst, Math.abs(want[c] - dense[patch * p + c]));
                    worstValueOnly = Math.max(worstValueOnly, Math.abs(wantValueOnly[c] - valueOnly[patch * p + c]));
                    differ = Math.max(differ, Math.abs(want[c] - wantValueOnly[c]));
                }
            }
            assertTrue(worst < 1e-4, "MaskCLIP's chain: max |diff| " + worst);
            assertTrue(worstValueOnly < 1e-4, "value-only: max |diff| " + worstValueOnly);
            assertTrue(differ > 1e-2, "the residual and the MLP change the features: " + differ);
        }
    }

    @Test
    void predictsAClassPerPixelUnderBothFeaturesAndRunsFromTheCommandLine() throws Exception {
        SampleModels.ClipFiles files = SampleModels.tinyClip(tmp.resolve("clip"), 1);
        Path data = SampleVoc.write(tmp.resolve("voc"), 2, 5);
        LabelledImages set = VocDataset.open(data, "val");
        LabelledImages.LabelledImage sample = set.load(set.ids().get(0));
        OpenVocabSegmentation.Settings settings = OpenVocabSegmentation.Settings.defaults()
                .withMethod(PerImage.Options.defaults().withSteps(30)).withTemplates("clip-7").withThreshold(0.0, false);
        try (OpenVocabSegmentation job = new OpenVocabSegmentation(SampleModels.tinyClipBackbone(files), SampleModels.tinyClipTokenizer(files), settings)) {
            assertEquals(20, job.classEmbeddings().length);
            OpenVocabSegmentation.Prediction p = job.predict(sample.image());
            assertEquals(OpenVocabSegmentation.METHODS, List.copyOf(p.labels().keySet()));
            int[] upsampled = org.pathways.data.Images.upsampleNearest(p.gridRegions(), p.gridHeight(), p.gridWidth(), sample.height(), sample.width());
            for (String method : List.of(OpenVocabSegmentation.OURS, OpenVocabSegmentation.OURS_VALUE_ONLY)) {
                int[] labels = p.labels().get(method);
                assertEquals(sample.labels().length, labels.length);
                // threshold 0: nothing is background, every region takes a class 1..20, constant over the region
                int[] perRegion = new int[p.k()];
                java.util.Arrays.fill(perRegion, -1);
                for (int i = 0; i < upsampled.length; i++) {
                    assertTrue(labels[i] >= 1 && labels[i] <= 20, "label " + labels[i]);
                    if (perRegion[upsampled[i]] < 0) perRegion[upsampled[i]] = labels[i];
                    assertEquals(perRegion[upsampled[i]], labels[i], method + ": one class per region");
                }
            }
        }

        Path out = tmp.resolve("out");
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute("run", "open-vocab", "--dataset", "voc", "--data", data.toString(), "--backbone", "clip-vitb16",
                "--weights", files.weights().toString(), "--model-config", files.config().toString(), "--vocab", files.vocab().toString(),
                "--merges", files.merges().toString(), "--steps", "30", "--templates", "clip-7", "--out", out.toString());
        assertEquals(0, code, err.toString());
        List<String> rows = Files.readAllLines(out.resolve("per-image.csv"));
        assertEquals(1 + 2 * 4, rows.size(), "two images x (ours, ours-value-only, maskclip-patches, value-only-patches): " + rows);
        String table = Files.readString(out.resolve("table6.md"));
        assertTrue(table.contains("paper (Table 6)") && table.contains("MaskCLIP's dense features") && table.contains("value-only"), table);
        assertTrue(Files.size(out.resolve(OpenVocabTable.FIGURE)) > 0);
        String config = Files.readString(out.resolve("run.json"));
        assertTrue(config.contains("\"templates\": \"clip-7\"") && config.contains("\"classNames\": \"groupvit\""), config);
    }

    /**
     * The threshold end to end, through the command line: no probability exceeds 1, so a threshold above it makes every
     * region background (all-zero prediction PNGs); a threshold of 0 leaves none.
     */
    @Test
    void theThresholdDecidesBackgroundEndToEnd() throws Exception {
        SampleModels.ClipFiles files = SampleModels.tinyClip(tmp.resolve("clip"), 1);
        Path data = SampleVoc.write(tmp.resolve("voc"), 1, 6);
        for (double threshold : new double[] {1.01, 0.0}) {
            Path out = tmp.resolve("out-" + threshold);
            StringWriter err = new StringWriter();
            CommandLine cli = Main.commandLine();
            cli.setErr(new PrintWriter(err, true));
            int code = cli.execute("run", "open-vocab", "--dataset", "voc", "--data", data.toString(), "--weights", files.weights().toString(),
                    "--model-config", files.config().toString(), "--vocab", files.vocab().toString(), "--merges", files.merges().toString(),
                    "--steps", "20", "--templates", "groupvit-simple", "--threshold", Double.toString(threshold), "--out", out.toString());
            assertEquals(0, code, err.toString());
            String id = VocDataset.open(data, "val").ids().get(0);
            int[] labels = VocMasks.read(out.resolve("predictions").resolve(id + ".png")).labels();
            long background = java.util.Arrays.stream(labels).filter(v -> v == 0).count();
            if (threshold > 1) assertEquals(labels.length, background, "threshold above every probability: all background");
            else assertEquals(0, background, "threshold 0: no background");
        }
    }

    @Test
    void theBackboneReturnsDenseFeaturesOfTheGraphGrid() throws Exception {
        SampleModels.ClipFiles files = SampleModels.tinyClip(tmp.resolve("clip"), 2);
        try (VitBackbone b = SampleModels.tinyClipBackbone(files).withExtraTaps(List.of(Clip.DENSE_EMBEDS))) {
            java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(64, 48, java.awt.image.BufferedImage.TYPE_INT_RGB);
            var graphs = b.graphs(image);
            int nodes = graphs.layers().get(0).nodes();
            assertArrayEquals(new int[] {1, nodes, SampleModels.TINY_CLIP.projectionDim()}, graphs.extra(Clip.DENSE_EMBEDS).shape());
            assertArrayEquals(new int[] {28, 37}, new int[] {graphs.layers().get(0).height(), graphs.layers().get(0).width()});
            assertEquals(List.of(Clip.DENSE_EMBEDS), List.copyOf(graphs.extras().keySet()), "only what was asked for");
        }
    }

    @Test
    void promptListsAreThePublishedOnes() {
        OpenVocabulary.PromptList clip = OpenVocabulary.templates("clip-80");
        assertEquals(80, clip.entries().size());
        assertEquals("a bad photo of a {}.", clip.entries().get(0));
        assertTrue(clip.source().contains("Prompt_Engineering_for_ImageNet.ipynb"), clip.source());
        assertEquals(85, OpenVocabulary.templates("maskclip-85").entries().size());
        assertEquals(clip.entries(), OpenVocabulary.templates("maskclip-85").entries().subList(0, 80), "MaskCLIP's list starts with CLIP's 80");
        assertEquals(List.of("a photo of a {}."), OpenVocabulary.templates("groupvit-simple").entries());
        assertEquals(7, OpenVocabulary.templates("clip-7").entries().size());
        for (String names : OpenVocabulary.VOC_CLASS_LISTS) assertEquals(20, OpenVocabulary.vocClassNames(names).entries().size(), names);
        assertEquals("table", OpenVocabulary.vocClassNames("groupvit").entries().get(10));
        assertEquals("dining table", OpenVocabulary.vocClassNames("maskclip").entries().get(10));
        assertEquals("diningtable", OpenVocabulary.vocClassNames("voc").entries().get(10));
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(org.pathways.common.InvalidInputException.class,
                () -> OpenVocabulary.templates("clip-81")).getMessage().contains("clip-80"));
    }
}
