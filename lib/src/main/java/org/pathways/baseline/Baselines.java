package org.pathways.baseline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.pathways.affinity.Graph;
import org.pathways.common.InvalidInputException;
import org.pathways.linalg.Signs;
import org.pathways.model.Backbone;
import org.pathways.eval.KMeansSweep;

/**
 * The single-affinity baselines of the paper's Table 1 (Sec. 4.1, Appendix B.3), each turning one image's final-layer
 * features or final attention into region labels per grid cell (row-major, node y*w+x):
 * <ul>
 *   <li>{@code kmeans-features}: K-means on the features, k = 2..kMax, the silhouette picks k (the paper's
 *       "K-Means" rows; the same sweep as our own method's region step, {@link KMeansSweep}).</li>
 *   <li>{@code ncut-features}, {@code ncut-attention}: "Ncut + K-Means [TokenCut]": every node embedded by the first
 *       E nontrivial normalised-cut eigenvectors ({@link NormalizedCut}) of TokenCut's binary feature graph or of
 *       the final attention, then the same k sweep. E is per method; {@code ncut-features:8} asks for E = 8.</li>
 *   <li>{@code tokencut-features}: TokenCut's own single bipartition (foreground / background).</li>
 *   <li>{@code maskcut-features}: CutLER's MaskCut, up to 3 foreground masks.</li>
 * </ul>
 * The "final features" are, by default, the keys of the last attention block, heads concatenated, CLS dropped: the
 * matrix TokenCut and MaskCut propose (App. B.3: "the original proposed matrix for these methods"; TokenCut
 * {@code main_tokencut.py} {@code --which_features} default {@code k}; CutLER {@code maskcut.py} {@code --vit-feat}
 * default {@code k}, and {@code dino.py} takes {@code k[:, 1:]}). {@link FeatureSource#FINAL} takes the final
 * layer's tokens instead. {@code kmeans-features} clusters the same features as the Ncut rows, so that the "Final
 * Features" rows of Table 1 differ only in their decoding (App. C.3 cites prior work that uses either).
 * {@link #run} is the entry point a batch runner calls.
 */
public final class Baselines {
    public static final String KMEANS_FEATURES = "kmeans-features";
    public static final String NCUT_FEATURES = "ncut-features";
    public static final String NCUT_ATTENTION = "ncut-attention";
    public static final String TOKENCUT_FEATURES = "tokencut-features";
    public static final String MASKCUT_FEATURES = "maskcut-features";
    /** The method names {@link #run} knows ({@code ncut-*} also as {@code name:E}). */
    public static final List<String> METHODS = List.of(KMEANS_FEATURES, NCUT_FEATURES, NCUT_ATTENTION, TOKENCUT_FEATURES, MASKCUT_FEATURES);

    /** An opt-in method set: both Ncut + K-means baselines at every E of {@link #SWEEP_EIGENVECTORS}. */
    public static final String NCUT_SWEEP = "ncut-eigenvector-sweep";
    /** The eigenvector counts {@link #NCUT_SWEEP} tries. */
    public static final List<Integer> SWEEP_EIGENVECTORS = List.of(2, 3, 5, 8, 10, 15, 20, 30);

    /** Which features of the final layer the feature baselines use. */
    public enum FeatureSource {
        /** The last attention block's keys, heads concatenated (TokenCut's and CutLER's default). */
        KEYS("keys"),
        /** The final layer's tokens (tap {@code final}). */
        FINAL("final");

        private final String word;

        FeatureSource(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }

        /** keys or final. */
        public static FeatureSource named(String word) {
            for (FeatureSource f : values()) if (f.word.equals(word)) return f;
            throw new InvalidInputException("baseline features '" + word + "': expected keys or final");
        }
    }

    /**
     * Settings of the baselines.
     *
     * @param features                  which final-layer features the feature baselines use
     * @param tau                       threshold of TokenCut's binary graph for {@code ncut-features} and {@code tokencut-features}
     * @param maskCutTau                the same threshold for {@code maskcut-features}
     * @param eps                       weight of the edges below the threshold
     * @param ncutFeatureEigenvectors   E of {@code ncut-features}
     * @param ncutAttentionEigenvectors E of {@code ncut-attention}
     * @param masks                     MaskCut's N, the most masks per image
     * @param maskCutStopsAtRejection   end MaskCut at the first rejected mask instead of going on as CutLER does
     * @param restarts                  k-means restarts per k (best distortion kept, as sklearn's n_init)
     */
    public record Options(FeatureSource features, double tau, double maskCutTau, double eps, int ncutFeatureEigenvectors,
                          int ncutAttentionEigenvectors, int masks, boolean maskCutStopsAtRejection, int restarts) {
        public Options {
            if (features == null) throw new IllegalArgumentException("no feature source");
            if (!Double.isFinite(tau) || !Double.isFinite(maskCutTau)) throw new IllegalArgumentException("thresholds must be finite");
            if (!(eps >= 0) || !Double.isFinite(eps)) throw new IllegalArgumentException("eps must be finite and >= 0, got " + eps);
            if (ncutFeatureEigenvectors < 1 || ncutAttentionEigenvectors < 1) {
                throw new InvalidInputException("the Ncut baselines need at least one eigenvector, got " + ncutFeatureEigenvectors + " and " + ncutAttentionEigenvectors);
            }
            if (masks < 1) throw new IllegalArgumentException("need at least one mask, got " + masks);
            if (restarts < 1) throw new IllegalArgumentException("need at least one k-means restart, got " + restarts);
        }

        /**
         * Keys, tau = 0.2 and eps = 1e-5 (TokenCut's defaults, {@link Affinities#TOKENCUT_TAU}), MaskCut tau = 0.15
         * (CutLER's published runs, {@link Affinities#MASKCUT_TAU}), E = 15 for both Ncut rows, N = 3 masks (CutLER
         * {@code maskcut.py} line 323, {@code --N} default 3, and Table 7 of the Pathways paper), MaskCut going on
         * after a rejected mask as CutLER does, 10 k-means restarts (as our own method's region step).
         *
         * <p>E = 15 is our assumption: Appendix B.3 says "For methods except TokenCut, we find best results with [E]
         * eigenvectors. For TokenCut we found the performance with [E] to be subpar, so we use [E'] instead", but both
         * numbers are lost from the text we have; 15 matches the K = 15 feature channels of our own method, and
         * {@link #NCUT_SWEEP} shows how much the choice matters.
         */
        public static Options defaults() {
            return new Options(FeatureSource.KEYS, Affinities.TOKENCUT_TAU, Affinities.MASKCUT_TAU, Affinities.TOKENCUT_EPS, 15, 15, 3, false, 10);
        }

        public Options withFeatures(FeatureSource f) {
            return new Options(f, tau, maskCutTau, eps, ncutFeatureEigenvectors, ncutAttentionEigenvectors, masks, maskCutStopsAtRejection, restarts);
        }

        /** The same E for both Ncut rows. */
        public Options withEigenvectors(int e) {
            return withEigenvectors(e, e);
        }

        public Options withEigenvectors(int onFeatures, int onAttention) {
            return new Options(features, tau, maskCutTau, eps, onFeatures, onAttention, masks, maskCutStopsAtRejection, restarts);
        }

        public Options withMasks(int n) {
            return new Options(features, tau, maskCutTau, eps, ncutFeatureEigenvectors, ncutAttentionEigenvectors, n, maskCutStopsAtRejection, restarts);
        }

        public Options withMaskCutStoppingAtRejection(boolean stop) {
            return new Options(features, tau, maskCutTau, eps, ncutFeatureEigenvectors, ncutAttentionEigenvectors, masks, stop, restarts);
        }

        public Options withThresholds(double tokenCut, double maskCut, double epsilon) {
            return new Options(features, tokenCut, maskCut, epsilon, ncutFeatureEigenvectors, ncutAttentionEigenvectors, masks, maskCutStopsAtRejection, restarts);
        }

        /** E of an Ncut method name, {@code name:E} or the option's. */
        int eigenvectors(String method) {
            int colon = method.indexOf(':');
            if (colon >= 0) return Integer.parseInt(method.substring(colon + 1));
            return method.equals(NCUT_ATTENTION) ? ncutAttentionEigenvectors : ncutFeatureEigenvectors;
        }
    }

    /**
     * One image's inputs.
     *
     * @param features  N x C final-layer patch features, N = height * width, row-major; needed by every method but
     *                  {@code ncut-attention}
     * @param attention the final layer's attention over the same grid; needed by {@code ncut-attention} only, may be
     *                  null otherwise
     * @param kMax      the largest k of the k sweeps (the paper sweeps 2..10)
     * @param seed      k-means seed
     */
    public record Inputs(double[][] features, Graph attention, int height, int width, int kMax, long seed, Options options) {
        public Inputs {
            if (height < 1 || width < 1) throw new IllegalArgumentException("empty grid " + height + "x" + width);
            if (kMax < 2) throw new IllegalArgumentException("kMax must be at least 2, got " + kMax);
            if (options == null) throw new IllegalArgumentException("options are null");
        }

        /**
         * A backbone's final layer with the features {@code options} ask for (the tokens when the backbone has no
         * keys, as {@code pixels}).
         */
        public static Inputs of(Backbone.FinalLayer last, int kMax, long seed, Options options) {
            double[][] f = options.features() == FeatureSource.KEYS && last.keys() != null ? last.keys() : last.tokens();
            return new Inputs(f, last.attention(), last.height(), last.width(), kMax, seed, options);
        }

        public int nodes() {
            return height * width;
        }
    }

    /**
     * One segmentation: labels per grid cell (row-major), {@code k} distinct regions. The k sweeps give one per k with
     * {@code selected} marking the silhouette's choice and {@code silhouette} its score; one-shot methods
     * (TokenCut, MaskCut) give one, selected, with silhouette NaN (they are not chosen by it).
     */
    public record Regions(String method, int k, int[] labels, boolean selected, double silhouette) {}

    private Baselines() {}

    /**
     * The method names a user may give: {@link #METHODS}, {@code ncut-features:E} and {@code ncut-attention:E} with
     * E &gt;= 1, and the set {@link #NCUT_SWEEP}, expanded here. Unknown names are refused on one line.
     */
    public static List<String> expand(List<String> methods) {
        List<String> out = new ArrayList<>();
        for (String m : methods) {
            if (m.equals(NCUT_SWEEP)) {
                for (String base : List.of(NCUT_FEATURES, NCUT_ATTENTION)) for (int e : SWEEP_EIGENVECTORS) out.add(base + ":" + e);
            } else {
                check(m);
                out.add(m);
            }
        }
        return out;
    }

    private static void check(String method) {
        int colon = method.indexOf(':');
        String base = colon < 0 ? method : method.substring(0, colon);
        if (!METHODS.contains(base)) {
            throw new InvalidInputException("unknown baseline '" + method + "' (known: " + String.join(", ", METHODS) + ", ncut-features:E, ncut-attention:E, " + NCUT_SWEEP + ")");
        }
        if (colon >= 0) {
            boolean ncut = base.equals(NCUT_FEATURES) || base.equals(NCUT_ATTENTION);
            int e;
            try {
                e = Integer.parseInt(method.substring(colon + 1));
            } catch (NumberFormatException ex) {
                e = 0;
            }
            if (!ncut || e < 1) throw new InvalidInputException("'" + method + "': only ncut-features and ncut-attention take an eigenvector count, name:E with E >= 1");
        }
    }

    /** The method a name denotes without its eigenvector count: {@code ncut-features:8} -> {@code ncut-features}. */
    public static String baseName(String method) {
        int colon = method.indexOf(':');
        return colon < 0 ? method : method.substring(0, colon);
    }

    /**
     * Runs one baseline by name ({@link #METHODS}, or {@code ncut-*:E}). Feature methods other than
     * {@code kmeans-features} cut TokenCut's binary cosine graph of the features; {@code ncut-attention} cuts the
     * head-averaged, symmetrised attention as is.
     *
     * @throws InvalidInputException for an unknown name (the message lists the known ones)
     * @throws IllegalArgumentException for missing inputs
     */
    public static List<Regions> run(String method, Inputs in) {
        return run(method, new Prepared(in));
    }

    /**
     * One image's inputs and the work several methods share, done once when first needed: the features' cosine
     * similarities (TokenCut's and MaskCut's graphs) and the Ncut eigenvectors of TokenCut's graph and of the
     * attention, as many as the most any method asks for ({@code ncut-features} clusters the first E,
     * {@code tokencut-features} splits the first).
     */
    public static final class Prepared {
        private final Inputs in;
        private final int featureEigenvectors;   // the most any method of the image asks of TokenCut's graph
        private final int attentionEigenvectors; // and of the attention
        private double[][] cosine;
        private NormalizedCut.Eigen tokenCutEigen;
        private NormalizedCut.Eigen attentionEigen;

        public Prepared(Inputs in) {
            this(in, METHODS);
        }

        /** @param methods every method that will run on this image, so that each eigen-problem is solved once */
        public Prepared(Inputs in, List<String> methods) {
            this.in = in;
            int onFeatures = 1;
            int onAttention = 1;
            for (String m : methods) {
                if (baseName(m).equals(NCUT_FEATURES)) onFeatures = Math.max(onFeatures, in.options().eigenvectors(m));
                if (baseName(m).equals(NCUT_ATTENTION)) onAttention = Math.max(onAttention, in.options().eigenvectors(m));
            }
            this.featureEigenvectors = onFeatures;
            this.attentionEigenvectors = onAttention;
        }

        public Inputs inputs() {
            return in;
        }

        double[][] cosine(String method) {
            if (cosine == null) cosine = Affinities.cosineAffinity(features(method, in));
            return cosine;
        }

        NormalizedCut.Eigen tokenCutEigen(String method, int count) {
            if (tokenCutEigen == null || tokenCutEigen.count() < Math.min(count, in.nodes() - 1)) {
                double[][] w = Affinities.binarise(cosine(method), in.options().tau(), in.options().eps());
                tokenCutEigen = NormalizedCut.smallest(w, Math.max(count, featureEigenvectors));
            }
            return tokenCutEigen;
        }

        NormalizedCut.Eigen attentionEigen(String method, int count) {
            Graph g = in.attention();
            if (g == null) throw new IllegalArgumentException(method + " needs the final attention graph");
            if (g.height() != in.height() || g.width() != in.width()) {
                throw new IllegalArgumentException(method + ": attention grid " + g.height() + "x" + g.width() + " is not the " + in.height() + "x" + in.width() + " grid");
            }
            if (attentionEigen == null || attentionEigen.count() < Math.min(count, in.nodes() - 1)) {
                attentionEigen = NormalizedCut.smallest(Affinities.attention(g), Math.max(count, attentionEigenvectors));
            }
            return attentionEigen;
        }
    }

    /** As {@link #run(String, Inputs)}, reusing what earlier methods on the same image computed. */
    public static List<Regions> run(String method, Prepared prepared) {
        Inputs in = prepared.inputs();
        Options o = in.options();
        check(method == null ? "" : method);
        switch (baseName(method)) {
            case KMEANS_FEATURES:
                return kmeans(method, features(method, in), in.kMax(), o.restarts(), in.seed());
            case NCUT_FEATURES: {
                int e = o.eigenvectors(method);
                return kmeans(method, embedding(prepared.tokenCutEigen(method, e), e, in.nodes()), in.kMax(), o.restarts(), in.seed());
            }
            case NCUT_ATTENTION: {
                int e = o.eigenvectors(method);
                return kmeans(method, embedding(prepared.attentionEigen(method, e), e, in.nodes()), in.kMax(), o.restarts(), in.seed());
            }
            case TOKENCUT_FEATURES: {
                int[] labels = bipartition(prepared.tokenCutEigen(method, 1).vectors()[0]);
                return List.of(new Regions(TOKENCUT_FEATURES, distinct(labels), labels, true, Double.NaN));
            }
            default: { // MASKCUT_FEATURES, the last name check() lets through
                int[] labels = maskcutOnSimilarities(prepared.cosine(method), in.height(), in.width(), o.maskCutTau(), o.eps(), o.masks(), o.maskCutStopsAtRejection());
                return List.of(new Regions(MASKCUT_FEATURES, distinct(labels), labels, true, Double.NaN));
            }
        }
    }

    private static double[][] features(String method, Inputs in) {
        double[][] f = in.features();
        if (f == null) throw new IllegalArgumentException(method + " needs the final features");
        if (f.length != in.nodes()) {
            throw new IllegalArgumentException(method + ": " + f.length + " feature rows for a " + in.height() + "x" + in.width() + " grid");
        }
        return f;
    }

    /** K-means on {@code points} for k = 2..kMax (at most N - 1), one {@link Regions} per k, the best silhouette selected. */
    public static List<Regions> kmeans(String method, double[][] points, int kMax, int restarts, long seed) {
        KMeansSweep.Result sweep = KMeansSweep.sweep(points, 2, kMax, restarts, seed);
        List<Regions> out = new ArrayList<>();
        for (KMeansSweep.Fit f : sweep.fits()) out.add(new Regions(method, f.k(), f.labels(), f == sweep.best(), f.silhouette()));
        return out;
    }

    /**
     * Ncut + K-means: node i embedded as (x_1[i], ..., x_E[i]), the first E nontrivial generalized eigenvectors of W
     * (unscaled, x^T D x = 1 each; using them as they come is our assumption), then {@link #kmeans}.
     */
    public static List<Regions> ncut(String method, double[][] w, int eigenvectors, int kMax, int restarts, long seed) {
        return kmeans(method, spectralEmbedding(w, eigenvectors), kMax, restarts, seed);
    }

    /** N x E: row i holds node i's entries of the first E nontrivial generalized eigenvectors of W. */
    public static double[][] spectralEmbedding(double[][] w, int eigenvectors) {
        return embedding(NormalizedCut.smallest(w, eigenvectors), w.length);
    }

    private static double[][] embedding(NormalizedCut.Eigen eigen, int n) {
        return embedding(eigen, eigen.count(), n);
    }

    /** N x E' with E' = min(E, the eigenvectors there are): the first E' eigenvectors as columns. */
    private static double[][] embedding(NormalizedCut.Eigen eigen, int count, int n) {
        int e = Math.min(count, eigen.count());
        double[][] points = new double[n][e];
        for (int c = 0; c < e; c++) for (int i = 0; i < n; i++) points[i][c] = eigen.vectors()[c][i];
        return points;
    }

    /**
     * TokenCut's bipartition (TokenCut {@code object_discovery.py}, {@code ncut}, lines 43-52): the second-smallest
     * generalized eigenvector x split at its mean (x &gt; mean on one side); the foreground is the side holding the
     * seed, the entry of largest |x|. Returns 1 for foreground, 0 for background.
     *
     * <p>TokenCut then keeps only the seed's connected component for its box ({@code detect_box}); for regions we keep
     * the whole bipartition, as asked of this baseline (2 regions).
     */
    public static int[] tokencut(double[][] w) {
        return bipartition(NormalizedCut.fiedler(w));
    }

    /**
     * TokenCut's object, one instance mask (Table 7's "TokenCut, 1 mask"): the bipartition's foreground restricted to
     * the 4-connected component holding the seed, as TokenCut's {@code detect_box} keeps it ({@code scipy.ndimage.label}'s
     * default cross-shaped structure) before drawing its box.
     */
    public static boolean[] tokencutObject(Prepared prepared) {
        Inputs in = prepared.inputs();
        double[] x = prepared.tokenCutEigen(TOKENCUT_FEATURES, 1).vectors()[0];
        int[] labels = bipartition(x);
        boolean[] foreground = new boolean[labels.length];
        for (int i = 0; i < labels.length; i++) foreground[i] = labels[i] == 1;
        return component(foreground, Signs.firstPeak(x, true), in.height(), in.width());
    }

    /** TokenCut's split of the second-smallest generalized eigenvector x (see {@link #tokencut}). */
    private static int[] bipartition(double[] x) {
        boolean[] side = aboveMean(x);
        int seed = Signs.firstPeak(x, true);
        int[] labels = new int[x.length];
        for (int i = 0; i < x.length; i++) labels[i] = side[i] == side[seed] ? 1 : 0;
        return labels;
    }

    /**
     * CutLER's MaskCut (Wang et al., "Cut and Learn", CVPR 2023; {@code maskcut/maskcut.py}, {@code maskcut_forward},
     * lines 81-158 at commit cca0a27), up to {@code masks} rounds over the h x w grid. Each round:
     * <ol>
     *   <li>the binary cosine graph ({@link Affinities#binarise}, threshold tau) of the features with the patches
     *       already taken zeroed (CutLER {@code get_masked_affinity_matrix}, lines 71-79): a zero feature has cosine 0
     *       with every patch, so its edges drop to eps (for tau &ge; 0). We zero those rows and columns of the
     *       similarities computed once, which is the same graph;</li>
     *   <li>the second-smallest generalized eigenvector x split at its mean (lines 58-62);</li>
     *   <li>the foreground side: the side holding the seed argmax |x| (line 116), flipped when it covers 3 or 4 of
     *       the grid's corner cells ({@code check_num_fg_corners}, lines 64-69, {@code nc >= 3}, lines 112-114);</li>
     *   <li>the mask: the 4-connected component of the foreground holding the new seed, argmax x, or argmax -x after
     *       a flip (lines 118-128; {@code detect_box} labels components with {@code scipy.ndimage.label}'s default
     *       cross-shaped structure);</li>
     *   <li>from the second round on, a mask with IoU &gt; 0.5 against the previous round's mask, or covering at most
     *       1% of the grid, is emptied (lines 135-140);</li>
     *   <li>the patches of earlier masks are removed from it (lines 144-148), and it is added to the taken patches.</li>
     * </ol>
     * The eigenvector is oriented with its seed positive, so the side x &gt; mean is the seed's side. CutLER applies
     * the corner test to x &gt; mean whatever sign {@code eigh} returned; when the seed came out negative its code ends
     * with the seed's side either way, so there the corner rule never acts. Our fixed orientation makes the rule
     * act whenever the seed's side covers most corners, the object-centric bias it is meant for (our reading).
     *
     * <p>After a rejected (emptied) mask CutLER goes on: the next round masks out nothing new (the empty mask adds no
     * patch), so it builds the same graph, finds the same cut again and compares it with the empty mask, which it
     * passes unless it is too small. We do the same by default; {@code stopAtRejection} ends at the first rejected
     * mask, or at a mask that adds no patch (what Pathways did before it followed CutLER here).
     *
     * @return labels per grid cell: 0 background, i for the mask of round i (earlier masks win, they do not overlap)
     */
    public static int[] maskcut(double[][] features, int height, int width, double tau, double eps, int masks, boolean stopAtRejection) {
        if (features.length != height * width) throw new IllegalArgumentException(features.length + " features for a " + height + "x" + width + " grid");
        return maskcutOnSimilarities(Affinities.cosineAffinity(features), height, width, tau, eps, masks, stopAtRejection);
    }

    /** {@link #maskcut(double[][], int, int, double, double, int, boolean)} from the features' cosine similarities. */
    static int[] maskcutOnSimilarities(double[][] sim, int height, int width, double tau, double eps, int masks, boolean stopAtRejection) {
        int n = height * width;
        if (n < 2) throw new IllegalArgumentException("MaskCut needs at least 2 patches");
        return maskcutRounds(n, masks, stopAtRejection, taken -> {
            double[][] masked = new double[n][];
            for (int i = 0; i < n; i++) {
                masked[i] = taken[i] ? new double[n] : sim[i].clone();
                if (!taken[i]) for (int j = 0; j < n; j++) if (taken[j]) masked[i][j] = 0;
            }
            return cut(NormalizedCut.fiedler(Affinities.binarise(masked, tau, eps)), height, width);
        });
    }

    /**
     * MaskCut's rounds (steps 5 and 6 of {@link #maskcut}) around a cut that maps the patches taken so far (CutLER's
     * {@code painting}) to the round's candidate mask.
     */
    static int[] maskcutRounds(int n, int masks, boolean stopAtRejection, java.util.function.Function<boolean[], boolean[]> cut) {
        boolean[] taken = new boolean[n];
        boolean[] previous = null;
        int[] labels = new int[n];
        for (int round = 0; round < masks; round++) {
            boolean[] mask = cut.apply(taken.clone());
            int size = count(mask);
            if (round >= 1 && (iou(previous, mask) > 0.5 || (double) size / n <= 0.01)) {
                if (stopAtRejection) break;
                mask = new boolean[n]; // CutLER: the round's mask is emptied and the next round goes on
            }
            boolean any = false;
            for (int i = 0; i < n; i++) {
                if (mask[i] && !taken[i]) {
                    labels[i] = round + 1;
                    any = true;
                }
            }
            if (!any && stopAtRejection) break;
            for (int i = 0; i < n; i++) taken[i] |= mask[i];
            previous = mask;
        }
        return labels;
    }

    /** Steps 2-4 of {@link #maskcut}: the mask of one round from its second-smallest eigenvector x. */
    private static boolean[] cut(double[] x, int height, int width) {
        int n = x.length;
        int peak = Signs.firstPeak(x, true);
        if (x[peak] < 0) for (int i = 0; i < n; i++) x[i] = -x[i]; // seed positive (fiedler() already is)
        boolean[] side = aboveMean(x); // holds the seed, the largest x
        int seed;
        if (cornersIn(side, height, width) >= 3 || !side[peak]) {
            for (int i = 0; i < n; i++) side[i] = !side[i];
            double[] negated = new double[n];
            for (int i = 0; i < n; i++) negated[i] = -x[i];
            seed = Signs.firstPeak(negated, false);
        } else {
            seed = Signs.firstPeak(x, false);
        }
        return component(side, seed, height, width);
    }

    /** x_i &gt; mean(x), as TokenCut's and CutLER's {@code second_smallest_vec > avg}. */
    static boolean[] aboveMean(double[] x) {
        double mean = 0;
        for (double v : x) mean += v;
        mean /= x.length;
        boolean[] side = new boolean[x.length];
        for (int i = 0; i < x.length; i++) side[i] = x[i] > mean;
        return side;
    }

    /** How many of the grid's four corner cells are set (CutLER {@code check_num_fg_corners}). */
    static int cornersIn(boolean[] side, int height, int width) {
        int[] corners = {0, width - 1, (height - 1) * width, height * width - 1};
        int c = 0;
        for (int i : corners) if (side[i]) c++;
        return c;
    }

    /** The 4-connected component of {@code set} holding {@code seed} (empty when the seed is not in the set). */
    static boolean[] component(boolean[] set, int seed, int height, int width) {
        boolean[] out = new boolean[set.length];
        if (!set[seed]) return out;
        int[] stack = new int[set.length];
        int top = 0;
        stack[top++] = seed;
        out[seed] = true;
        while (top > 0) {
            int p = stack[--top];
            int y = p / width;
            int x = p % width;
            int[] next = {y > 0 ? p - width : -1, y < height - 1 ? p + width : -1, x > 0 ? p - 1 : -1, x < width - 1 ? p + 1 : -1};
            for (int q : next) {
                if (q >= 0 && set[q] && !out[q]) {
                    out[q] = true;
                    stack[top++] = q;
                }
            }
        }
        return out;
    }

    static double iou(boolean[] a, boolean[] b) {
        int inter = 0;
        int union = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] && b[i]) inter++;
            if (a[i] || b[i]) union++;
        }
        return union == 0 ? 0 : (double) inter / union;
    }

    private static int count(boolean[] mask) {
        int c = 0;
        for (boolean b : mask) if (b) c++;
        return c;
    }

    /** The number of distinct labels. */
    static int distinct(int[] labels) {
        return (int) Arrays.stream(labels).distinct().count();
    }
}
