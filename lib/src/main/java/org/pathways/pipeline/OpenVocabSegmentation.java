package org.pathways.pipeline;

import ai.djl.ndarray.NDArray;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.pathways.data.Images;
import org.pathways.data.InvalidInputException;
import org.pathways.data.LabelledImages;
import org.pathways.eval.IouCounts;
import org.pathways.eval.OpenVocabulary;
import org.pathways.model.Clip;
import org.pathways.model.ClipTokenizer;
import org.pathways.model.VitBackbone;

/**
 * Open-vocabulary semantic segmentation with CLIP (paper App. D.1, Table 6): regions from CLIP's attentions (our
 * per-image method, k by silhouette), MaskCLIP-style dense features from CLIP's last value vectors, each region
 * labelled by {@link OpenVocabulary} against prompt-ensembled class embeddings. Also scores {@code maskclip-patches}:
 * the same rule applied to every patch on its own (no regions), the MaskCLIP-like reference.
 */
public final class OpenVocabSegmentation implements DatasetRunner.ImageJob {
    public static final ResultLog.Table PER_IMAGE = ScoreRows.PER_IMAGE;
    public static final ResultLog.Table COUNTS = ScoreRows.counts("class-counts.csv");
    public static final String OURS = "ours";
    public static final String PATCHES = "maskclip-patches";

    private final VitBackbone backbone;
    private final PerImage.Options options;
    private final OpenVocabulary.Rule rule;
    private final double[][] classEmbeddings;
    private Path predictionsDir;
    private float[] lastDense; // dense embeddings of the last forward pass, (h*w) x dim
    private final int dim;

    /**
     * @param classNames the object classes (label c + 1), as words for the prompts; label 0 is background
     * @param threshold the paper's 0.7; @param onCosine threshold raw cosines instead of softmax probabilities
     */
    public OpenVocabSegmentation(VitBackbone backbone, ClipTokenizer tokenizer, List<String> classNames, List<String> templates,
                                 PerImage.Options options, double threshold, boolean onCosine) {
        if (!(backbone.tower() instanceof Clip clip)) throw new InvalidInputException(backbone.name() + ": open-vocabulary segmentation needs a CLIP backbone (clip-vitb16)");
        this.backbone = backbone;
        this.options = options;
        this.rule = new OpenVocabulary.Rule(threshold, clip.logitScale(), onCosine);
        this.classEmbeddings = OpenVocabulary.classEmbeddings(texts -> clip.embedTexts(tokenizer, texts), classNames, templates);
        this.dim = clip.config().projectionDim();
        String lastValues = "blocks." + (clip.config().vision().depth() - 1) + ".attn.v";
        backbone.onForward(List.of(lastValues), (tower, taps) -> {
            NDArray v = taps.get(lastValues);
            lastDense = clip.denseEmbeddings(v);
        });
    }

    /**
     * CLIP's tokenizer: the given files, else {@code <weights name>.vocab.json} and {@code .merges.txt} beside the
     * weights (the default weights' are where fetch-weights.sh puts them).
     */
    public static ClipTokenizer tokenizer(Path vocab, Path merges, Path weights) {
        Path file = (weights != null ? weights : VitBackbone.defaultWeights("clip-vitb16")).toAbsolutePath();
        String stem = file.getFileName().toString().replaceFirst("\\.safetensors$", "");
        Path v = vocab != null ? vocab : file.resolveSibling(stem + ".vocab.json");   // fetch-weights.sh: clip-vitb16.vocab.json
        Path m = merges != null ? merges : file.resolveSibling(stem + ".merges.txt");
        for (Path p : List.of(v, m)) {
            if (!java.nio.file.Files.isRegularFile(p)) throw new InvalidInputException(p + ": no CLIP tokenizer file; run data-scripts/fetch-weights.sh clip-vitb16 or pass --vocab/--merges");
        }
        return ClipTokenizer.fromFiles(v, m);
    }

    /** Also writes our per-pixel classes as {@code dir/<image id>.png}, a VOC-format palette PNG. */
    public OpenVocabSegmentation writingPredictions(Path dir) {
        this.predictionsDir = dir;
        return this;
    }

    public double[][] classEmbeddings() {
        return classEmbeddings;
    }

    /** Per-pixel class labels (image size) of our regions and of the patch-wise rule, and the chosen k. */
    public record Prediction(int[] ours, int[] patches, int k, int[] gridRegions, int gridHeight, int gridWidth) {}

    public Prediction predict(BufferedImage image) {
        PerImage.Outcome outcome = PerImage.segment(image, backbone, options, null); // runs the forward pass: lastDense is this image's
        int gh = outcome.features().run().height();
        int gw = outcome.features().run().width();
        if (lastDense == null || lastDense.length != gh * gw * dim) {
            throw new IllegalStateException("dense CLIP features (" + (lastDense == null ? 0 : lastDense.length / Math.max(1, dim)) + " patches) do not match the " + gh + "x" + gw + " feature grid");
        }
        int[] grid = outcome.gridRegions();
        int[] oursGrid = OpenVocabulary.labelPixels(lastDense, dim, grid, classEmbeddings, rule);
        int[] eachPatch = new int[gh * gw];
        for (int i = 0; i < eachPatch.length; i++) eachPatch[i] = i;
        int[] patchGrid = OpenVocabulary.labelPixels(lastDense, dim, eachPatch, classEmbeddings, rule);
        int h = image.getHeight();
        int w = image.getWidth();
        return new Prediction(Images.upsampleNearest(oursGrid, gh, gw, h, w), Images.upsampleNearest(patchGrid, gh, gw, h, w), outcome.chosenK(), grid, gh, gw);
    }

    @Override
    public DatasetRunner.Outcome process(LabelledImages.LabelledImage sample) throws java.io.IOException {
        long t0 = System.nanoTime();
        Prediction p = predict(sample.image());
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (predictionsDir != null) {
            java.nio.file.Files.createDirectories(predictionsDir);
            org.pathways.data.VocMasks.write(predictionsDir.resolve(sample.id() + ".png"), p.ours(), sample.width(), sample.height());
        }
        List<String> perImage = new ArrayList<>();
        List<String> counts = new ArrayList<>();
        StringBuilder note = new StringBuilder();
        Map<String, int[]> predictions = new LinkedHashMap<>();
        predictions.put(OURS, p.ours());
        predictions.put(PATCHES, p.patches());
        for (Map.Entry<String, int[]> e : predictions.entrySet()) {
            IouCounts iou = IouCounts.of(e.getValue(), sample.labels());
            int k = e.getKey().equals(OURS) ? p.k() : p.gridHeight() * p.gridWidth();
            perImage.add(ScoreRows.perImage(sample.id(), e.getKey(), k, true, iou.miou(), seconds));
            ScoreRows.addCounts(counts, sample.id(), e.getKey(), k, iou);
            note.append(String.format(Locale.ROOT, "%s %.3f  ", e.getKey(), iou.miou()));
        }
        Map<String, List<String>> rows = new LinkedHashMap<>();
        rows.put(PER_IMAGE.file(), perImage);
        rows.put(COUNTS.file(), counts);
        return new DatasetRunner.Outcome(rows, note.toString().strip());
    }

    @Override
    public void close() {
        backbone.close();
    }
}
