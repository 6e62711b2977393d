package org.pathways.pipeline;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.pathways.data.Images;
import org.pathways.common.InvalidInputException;
import org.pathways.data.LabelledImages;
import org.pathways.data.NdData;
import org.pathways.model.Backbone;
import org.pathways.eval.IouCounts;
import org.pathways.eval.OpenVocabulary;
import org.pathways.model.Clip;
import org.pathways.model.ClipTokenizer;
import org.pathways.model.VitBackbone;

/**
 * Open-vocabulary semantic segmentation with CLIP (paper App. D.1, Table 6): regions from CLIP's attentions (our
 * per-image method, k by silhouette), dense features from CLIP's last block, each region labelled by
 * {@link OpenVocabulary} against prompt-ensembled class embeddings. Scored under both dense features:
 * <ul>
 *   <li>{@link #OURS}: MaskCLIP's chain ({@link Clip#DENSE_EMBEDS}: the last block with identity attention,
 *       its residual and MLP, the final norm and the projection), as MaskCLIP computes them;</li>
 *   <li>{@link #OURS_VALUE_ONLY}: the value vectors through out_proj, the final norm and the projection only
 *       ({@link Clip#DENSE_EMBEDS_VALUE_ONLY}), what Pathways used first;</li>
 * </ul>
 * and, as references without regions, the same rule on every patch alone: {@link #PATCHES} (MaskCLIP's features, i.e.
 * MaskCLIP without its key smoothing and prompt denoising) and {@link #VALUE_ONLY_PATCHES}.
 */
public final class OpenVocabSegmentation implements DatasetRunner.ImageJob {
    public static final ResultLog.Table PER_IMAGE = ScoreRows.PER_IMAGE;
    public static final ResultLog.Table COUNTS = ScoreRows.counts("class-counts.csv");
    public static final String OURS = "ours";
    public static final String OURS_VALUE_ONLY = "ours-value-only";
    public static final String PATCHES = "maskclip-patches";
    public static final String VALUE_ONLY_PATCHES = "value-only-patches";
    /** The rows, in table order. */
    public static final List<String> METHODS = List.of(OURS, OURS_VALUE_ONLY, PATCHES, VALUE_ONLY_PATCHES);

    /**
     * The experiment's settings.
     *
     * @param method            the per-image method's options (the regions)
     * @param templates         a template list of {@link OpenVocabulary#TEMPLATE_LISTS}
     * @param classNames        a class-name list of {@link OpenVocabulary#VOC_CLASS_LISTS}
     * @param threshold         regions whose best score is below it are background (the paper's 0.7)
     * @param thresholdOnCosine threshold raw cosines instead of softmax probabilities
     */
    public record Settings(PerImage.Options method, String templates, String classNames, double threshold, boolean thresholdOnCosine) {
        public static final double PAPER_THRESHOLD = 0.7;

        /** The paper's schedule, CLIP's 80 templates, GroupViT's class names, threshold 0.7 on the probability. */
        public static Settings defaults() {
            return new Settings(PerImage.Options.defaults(), OpenVocabulary.DEFAULT_TEMPLATES, OpenVocabulary.DEFAULT_CLASS_NAMES, PAPER_THRESHOLD, false);
        }

        public Settings withMethod(PerImage.Options o) {
            return new Settings(o, templates, classNames, threshold, thresholdOnCosine);
        }

        public Settings withTemplates(String name) {
            return new Settings(method, name, classNames, threshold, thresholdOnCosine);
        }

        public Settings withClassNames(String name) {
            return new Settings(method, templates, name, threshold, thresholdOnCosine);
        }

        /** @param onCosine threshold raw cosines instead of softmax probabilities */
        public Settings withThreshold(double t, boolean onCosine) {
            return new Settings(method, templates, classNames, t, onCosine);
        }
    }

    private final VitBackbone backbone;
    private final Settings settings;
    private final OpenVocabulary.Rule rule;
    private final double[][] classEmbeddings;
    private final int dim;
    private String predictionsFolder;

    /**
     * @param backbone a CLIP backbone (clip-vitb16); the job owns it from now on and closes it (it runs a copy that
     *     also returns the dense features)
     */
    public OpenVocabSegmentation(VitBackbone backbone, ClipTokenizer tokenizer, Settings settings) {
        this.backbone = backbone.withExtraTaps(List.of(Clip.DENSE_EMBEDS, Clip.DENSE_EMBEDS_VALUE_ONLY));
        backbone.close();
        if (!(this.backbone.tower() instanceof Clip clip)) {
            this.backbone.close();
            throw new InvalidInputException(backbone.name() + ": open-vocabulary segmentation needs a CLIP backbone (clip-vitb16)");
        }
        this.settings = settings;
        this.rule = new OpenVocabulary.Rule(settings.threshold(), clip.logitScale(), settings.thresholdOnCosine());
        OpenVocabulary.PromptList classes = OpenVocabulary.vocClassNames(settings.classNames());
        OpenVocabulary.PromptList templates = OpenVocabulary.templates(settings.templates());
        this.classEmbeddings = OpenVocabulary.classEmbeddings(texts -> clip.embedTexts(tokenizer, texts), classes.entries(), templates.entries());
        this.dim = clip.config().projectionDim();
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

    /** The run folder's folder of predictions. */
    public static final String PREDICTIONS = "predictions";

    /** Also returns our per-pixel classes as the file {@code predictions/<image id>.png} of the outcome, a VOC-format palette PNG. */
    public OpenVocabSegmentation writingPredictions() {
        this.predictionsFolder = PREDICTIONS;
        return this;
    }

    public double[][] classEmbeddings() {
        return classEmbeddings;
    }

    /** Per-pixel class labels (image size) by method ({@link #METHODS}), the chosen k and our regions on the grid. */
    public record Prediction(Map<String, int[]> labels, int k, int[] gridRegions, int gridHeight, int gridWidth) {}

    public Prediction predict(BufferedImage image) {
        Backbone.Graphs graphs = backbone.graphs(image);
        PerImage.Outcome outcome = PerImage.segment(graphs, settings.method(), null);
        int gh = outcome.features().run().height();
        int gw = outcome.features().run().width();
        int[] grid = outcome.gridRegions();
        int[] eachPatch = new int[gh * gw];
        for (int i = 0; i < eachPatch.length; i++) eachPatch[i] = i;
        Map<String, int[]> labels = new LinkedHashMap<>();
        int h = image.getHeight();
        int w = image.getWidth();
        for (String method : METHODS) {
            float[] dense = denseFeatures(graphs, method.equals(OURS) || method.equals(PATCHES) ? Clip.DENSE_EMBEDS : Clip.DENSE_EMBEDS_VALUE_ONLY, gh, gw);
            int[] regions = method.equals(OURS) || method.equals(OURS_VALUE_ONLY) ? grid : eachPatch;
            labels.put(method, Images.upsampleNearest(OpenVocabulary.labelPixels(dense, dim, regions, classEmbeddings, rule), gh, gw, h, w));
        }
        return new Prediction(labels, outcome.chosenK(), grid, gh, gw);
    }

    /** One dense-feature tap, (1, gh*gw, dim), as gh*gw rows of dim values. */
    private float[] denseFeatures(Backbone.Graphs graphs, String tap, int gh, int gw) {
        NdData d = graphs.extra(tap);
        if (d.size() != gh * gw * dim) {
            throw new IllegalStateException("dense CLIP features " + d.shapeString() + " do not match the " + gh + "x" + gw + " feature grid");
        }
        return d.asFloats();
    }

    @Override
    public DatasetRunner.Outcome process(LabelledImages.LabelledImage sample) throws java.io.IOException {
        long t0 = System.nanoTime();
        Prediction p = predict(sample.image());
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, byte[]> files = new LinkedHashMap<>();
        if (predictionsFolder != null) {
            files.put(predictionsFolder + "/" + sample.id() + ".png", org.pathways.data.VocMasks.encode(p.labels().get(OURS), sample.width(), sample.height()));
        }
        List<String> perImage = new ArrayList<>();
        List<String> counts = new ArrayList<>();
        StringBuilder note = new StringBuilder();
        for (Map.Entry<String, int[]> e : p.labels().entrySet()) {
            IouCounts iou = IouCounts.of(e.getValue(), sample.labels());
            boolean regions = e.getKey().equals(OURS) || e.getKey().equals(OURS_VALUE_ONLY);
            int k = regions ? p.k() : p.gridHeight() * p.gridWidth();
            perImage.add(ScoreRows.perImage(sample.id(), e.getKey(), k, true, iou.miou(), seconds));
            ScoreRows.addCounts(counts, sample.id(), e.getKey(), k, iou);
            note.append(String.format(Locale.ROOT, "%s %.3f  ", e.getKey(), iou.miou()));
        }
        Map<String, List<String>> rows = new LinkedHashMap<>();
        rows.put(PER_IMAGE.file(), perImage);
        rows.put(COUNTS.file(), counts);
        return new DatasetRunner.Outcome(rows, note.toString().strip(), files);
    }

    @Override
    public void close() {
        backbone.close();
    }
}
