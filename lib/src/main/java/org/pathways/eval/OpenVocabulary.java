package org.pathways.eval;

import java.util.List;

/**
 * Open-vocabulary labelling of regions (paper App. D.1, Table 6): a region's feature is the mean of its pixels'
 * features in CLIP's joint space; its class scores are the softmax over the classes of CLIP's logit scale times the
 * cosine similarity with each class's text embedding; the best class wins unless its score is below the threshold,
 * in which case the region is background.
 *
 * <p>The paper thresholds "similarities" at 0.7 without saying which. Raw CLIP cosines lie around 0.2-0.35, so a raw
 * threshold of 0.7 would make every region background; we read it as the softmax probability (our assumption;
 * {@link Rule#onCosine} switches to raw cosines).
 */
public final class OpenVocabulary {
    /**
     * The paper's decision rule.
     *
     * @param threshold regions whose best score is below it are background (paper: 0.7)
     * @param logitScale CLIP's exp(logit_scale), 100 for the released models
     * @param onCosine threshold the raw cosine instead of the softmax probability
     */
    public record Rule(double threshold, double logitScale, boolean onCosine) {
        public static Rule paper(double logitScale) {
            return new Rule(0.7, logitScale, false);
        }
    }

    /** Prompt templates averaged per class, as GroupViT and CLIP do (a subset of CLIP's ImageNet ensemble). */
    public static final List<String> TEMPLATES = List.of(
            "a photo of a {}.",
            "a picture of a {}.",
            "a photo of the {}.",
            "a photo of one {}.",
            "a photo of the large {}.",
            "a photo of the small {}.",
            "a good photo of a {}.",
            "a bad photo of the {}.",
            "a close-up photo of the {}.",
            "a cropped photo of the {}.",
            "a bright photo of the {}.",
            "a dark photo of the {}.",
            "itap of a {}.",
            "art of the {}.",
            "a rendering of the {}.",
            "there is a {} in the scene.",
            "this is a photo of a {}.");

    /** The 20 VOC object classes as words CLIP reads (VOC's ids 1..20 in order). */
    public static final List<String> VOC_PROMPT_NAMES = List.of("aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat",
            "chair", "cow", "dining table", "dog", "horse", "motorbike", "person", "potted plant", "sheep", "sofa", "train", "tv monitor");

    private OpenVocabulary() {}

    /**
     * One embedding per class: every template filled with the class name and embedded, each embedding normalised,
     * averaged over the templates and normalised again (CLIP's prompt ensembling).
     */
    public static double[][] classEmbeddings(java.util.function.Function<List<String>, double[][]> embedTexts, List<String> classNames, List<String> templates) {
        List<String> prompts = new java.util.ArrayList<>();
        for (String name : classNames) for (String t : templates) prompts.add(t.replace("{}", name));
        double[][] all = embedTexts.apply(prompts);
        double[][] out = new double[classNames.size()][];
        for (int c = 0; c < out.length; c++) {
            double[] mean = new double[all[0].length];
            for (int t = 0; t < templates.size(); t++) {
                double[] e = all[c * templates.size() + t];
                double n = Math.sqrt(dot(e, e));
                for (int d = 0; d < mean.length; d++) mean[d] += n == 0 ? 0 : e[d] / n;
            }
            double n = Math.sqrt(dot(mean, mean));
            for (int d = 0; d < mean.length; d++) mean[d] = n == 0 ? 0 : mean[d] / n;
            out[c] = mean;
        }
        return out;
    }

    /** Mean feature of every region: regions x dim. {@code features} is pixels x dim, row-major. */
    public static double[][] regionMeans(float[] features, int dim, int[] regions) {
        int regionCount = 0;
        for (int r : regions) regionCount = Math.max(regionCount, r + 1);
        if ((long) regions.length * dim != features.length) {
            throw new IllegalArgumentException(features.length + " feature values are not " + regions.length + " pixels x " + dim);
        }
        double[][] means = new double[regionCount][dim];
        int[] sizes = new int[regionCount];
        for (int i = 0; i < regions.length; i++) {
            sizes[regions[i]]++;
            for (int d = 0; d < dim; d++) means[regions[i]][d] += features[i * dim + d];
        }
        for (int r = 0; r < regionCount; r++) for (int d = 0; d < dim; d++) means[r][d] /= Math.max(1, sizes[r]);
        return means;
    }

    /** Scores of one region against every class: softmax(scale x cosine) probabilities, or raw cosines. */
    public static double[] scores(double[] regionFeature, double[][] classEmbeddings, Rule rule) {
        double norm = Math.sqrt(dot(regionFeature, regionFeature));
        double[] cos = new double[classEmbeddings.length];
        for (int c = 0; c < cos.length; c++) {
            double cn = Math.sqrt(dot(classEmbeddings[c], classEmbeddings[c]));
            cos[c] = norm == 0 || cn == 0 ? 0 : dot(regionFeature, classEmbeddings[c]) / (norm * cn);
        }
        if (rule.onCosine()) return cos;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : cos) max = Math.max(max, rule.logitScale() * v);
        double sum = 0;
        double[] p = new double[cos.length];
        for (int c = 0; c < p.length; c++) {
            p[c] = Math.exp(rule.logitScale() * cos[c] - max);
            sum += p[c];
        }
        for (int c = 0; c < p.length; c++) p[c] /= sum;
        return p;
    }

    /** The label of every region: 0 = background, c + 1 = class c. */
    public static int[] labelRegions(double[][] regionFeatures, double[][] classEmbeddings, Rule rule) {
        int[] labels = new int[regionFeatures.length];
        for (int r = 0; r < labels.length; r++) {
            double[] s = scores(regionFeatures[r], classEmbeddings, rule);
            int best = 0;
            for (int c = 1; c < s.length; c++) if (s[c] > s[best]) best = c;
            labels[r] = s[best] < rule.threshold() ? 0 : best + 1;
        }
        return labels;
    }

    /** Per-pixel class labels (0 = background) for regions over pixels with the given features. */
    public static int[] labelPixels(float[] features, int dim, int[] regions, double[][] classEmbeddings, Rule rule) {
        int[] regionLabels = labelRegions(regionMeans(features, dim, regions), classEmbeddings, rule);
        int[] out = new int[regions.length];
        for (int i = 0; i < out.length; i++) out[i] = regionLabels[regions[i]];
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
