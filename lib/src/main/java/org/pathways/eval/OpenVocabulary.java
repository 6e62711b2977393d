package org.pathways.eval;

import java.util.List;
import org.pathways.common.InvalidInputException;

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

    /**
     * A published list of prompt templates or class names, read from the resource {@code prompts/<file>.txt} of this
     * package (its header says where it comes from).
     *
     * @param name    the name users type ({@code --templates}, {@code --class-names})
     * @param source  where the list comes from, one line
     * @param entries the templates ({@code {}} stands for the class name) or the class names
     */
    public record PromptList(String name, String source, List<String> entries) {
        public PromptList {
            entries = List.copyOf(entries);
        }
    }

    /**
     * Template lists: {@code clip-80} (the default; CLIP's 80 ImageNet templates, which GroupViT ships as its full
     * list), {@code clip-7} (the 7 CLIP selected), {@code groupvit-simple} ("a photo of a {}.", GroupViT's segmentation
     * default) and {@code maskclip-85} (MaskCLIP's: the 80 plus 5 scene templates). The paper (App. D.1) averages
     * "over many different prompts ... as is done in GroupViT": we default to the full list GroupViT ships, since its
     * segmentation default is a single template.
     */
    public static final List<String> TEMPLATE_LISTS = List.of("clip-80", "clip-7", "groupvit-simple", "maskclip-85");
    public static final String DEFAULT_TEMPLATES = "clip-80";

    /**
     * VOC class-name lists for the prompts: {@code groupvit} (the default, GroupViT's: "table", "plant", "monitor"),
     * {@code maskclip} ("airplane", "dining table", "potted plant", "tv monitor") and {@code voc} (the devkit's words,
     * "diningtable", "pottedplant", "tvmonitor"); VOC's ids 1..20 in order.
     */
    public static final List<String> VOC_CLASS_LISTS = List.of("groupvit", "maskclip", "voc");
    public static final String DEFAULT_CLASS_NAMES = "groupvit";

    /** A template list by name ({@link #TEMPLATE_LISTS}). */
    public static PromptList templates(String name) {
        if (!TEMPLATE_LISTS.contains(name)) throw new InvalidInputException("template list '" + name + "': expected one of " + String.join(", ", TEMPLATE_LISTS));
        return read(name, name);
    }

    /** The 20 VOC class names by list name ({@link #VOC_CLASS_LISTS}). */
    public static PromptList vocClassNames(String name) {
        if (!VOC_CLASS_LISTS.contains(name)) throw new InvalidInputException("class-name list '" + name + "': expected one of " + String.join(", ", VOC_CLASS_LISTS));
        if (name.equals("voc")) {
            return new PromptList("voc", "the VOC 2012 devkit's class names (VocDataset.CLASSES)", org.pathways.data.VocDataset.CLASSES.subList(1, 21));
        }
        return read(name, "voc-" + name);
    }

    private static PromptList read(String name, String file) {
        String resource = "prompts/" + file + ".txt";
        try (java.io.InputStream in = OpenVocabulary.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing resource " + resource);
            StringBuilder source = new StringBuilder();
            List<String> entries = new java.util.ArrayList<>();
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("# ")) source.append(source.length() == 0 ? "" : " ").append(line.substring(2).strip());
                else if (!line.isEmpty()) entries.add(line);
            }
            return new PromptList(name, source.toString(), entries);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read resource " + resource, e);
        }
    }

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
