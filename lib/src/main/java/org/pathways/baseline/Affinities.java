package org.pathways.baseline;

import java.util.stream.IntStream;
import org.pathways.affinity.Graph;
import org.pathways.linalg.Symmetric;

/**
 * The single affinity matrices the baselines of the paper's Table 1 cut (Appendix B.3: "an affinity matrix constructed
 * from features of the final layer ... Another is the final layer's attention matrix"). All matrices are dense
 * N x N over the patch grid, node index y*w+x, as {@link Graph}.
 *
 * <p>The feature graph is TokenCut's (Wang et al., "TokenCut", arXiv:2209.00383, Sec. 3; code
 * github.com/YangtaoWANG95/TokenCut {@code object_discovery.py}, function {@code ncut}, lines 27-35 at commit
 * fed52cd): patch features L2-normalised, cosine similarities, then binarised to 1 above a threshold tau and a small
 * eps elsewhere. CutLER's MaskCut builds the same graph ({@code maskcut/maskcut.py}, {@code get_affinity_matrix},
 * lines 40-49 at commit cca0a27).
 */
public final class Affinities {
    /**
     * TokenCut's published threshold: {@code main_tokencut.py} line 109 ({@code --tau}, default 0.2), also the default
     * of {@code unsupervised_saliency_detection/get_saliency.py} line 59. The Pathways paper does not say which tau
     * its "Ncut + K-Means [68]" rows used: taking TokenCut's default is our assumption.
     */
    public static final double TOKENCUT_TAU = 0.2;

    /**
     * TokenCut's edge weight below the threshold: {@code main_tokencut.py} line 110 ({@code --eps}, default 1e-5);
     * CutLER's {@code get_affinity_matrix(feats, tau, eps=1e-5)}, {@code maskcut/maskcut.py} line 40.
     */
    public static final double TOKENCUT_EPS = 1e-5;

    /**
     * CutLER's MaskCut threshold as published for its pseudo-masks: README lines 68, 84, 94 ({@code --tau 0.15}),
     * {@code maskcut/demo.py} line 40 (default 0.15) and the released file {@code imagenet_train_fixsize480_tau0.15_N3}.
     * (The argparse default of {@code maskcut/maskcut.py} line 318 is 0.2, but every published command overrides it.)
     * The Pathways paper does not state MaskCut's tau: 0.15 is our assumption.
     */
    public static final double MASKCUT_TAU = 0.15;

    /** Norms below this count as zero, as {@code torch.nn.functional.normalize}'s default eps = 1e-12. */
    static final double NORM_FLOOR = 1e-12;

    private Affinities() {}

    /**
     * N x N cosine similarities of the rows of {@code features} (N x C). Each row is divided by max(||f||, 1e-12) as
     * PyTorch's {@code F.normalize}, so an all-zero row (a patch MaskCut has masked out) has similarity 0 with
     * every patch, itself included. The result is exactly symmetric.
     */
    public static double[][] cosineAffinity(double[][] features) {
        int n = features.length;
        if (n == 0) throw new IllegalArgumentException("no features");
        int c = features[0].length;
        double[][] unit = new double[n][];
        for (int i = 0; i < n; i++) {
            double[] f = features[i];
            if (f.length != c) throw new IllegalArgumentException("feature " + i + " has " + f.length + " channels, feature 0 has " + c);
            double norm = 0;
            for (double v : f) {
                if (!Double.isFinite(v)) throw new IllegalArgumentException("feature " + i + " is not finite");
                norm += v * v;
            }
            double scale = 1 / Math.max(Math.sqrt(norm), NORM_FLOOR);
            unit[i] = new double[c];
            for (int k = 0; k < c; k++) unit[i][k] = f[k] * scale;
        }
        double[][] s = new double[n][n];
        IntStream.range(0, n).parallel().forEach(i -> {
            double[] a = unit[i];
            for (int j = i; j < n; j++) {
                double[] b = unit[j];
                double dot = 0;
                for (int k = 0; k < c; k++) dot += a[k] * b[k];
                s[i][j] = dot;
            }
        });
        for (int i = 0; i < n; i++) for (int j = 0; j < i; j++) s[i][j] = s[j][i];
        return s;
    }

    /**
     * TokenCut's binary graph: W_ij = 1 where sim_ij &gt; tau, else eps (strictly greater, as {@code A > tau} in
     * TokenCut {@code object_discovery.py} line 34 and CutLER {@code maskcut.py} line 45). The diagonal is kept, as
     * theirs (a patch's self-similarity 1 exceeds any tau &lt; 1).
     */
    public static double[][] binarise(double[][] sim, double tau, double eps) {
        if (!(eps >= 0) || !Double.isFinite(tau)) throw new IllegalArgumentException("need finite tau and eps >= 0, got tau " + tau + ", eps " + eps);
        int n = sim.length;
        double[][] w = new double[n][n];
        for (int i = 0; i < n; i++) {
            if (sim[i].length != n) throw new IllegalArgumentException("similarities are not square: row " + i + " has " + sim[i].length + " of " + n);
            for (int j = 0; j < n; j++) w[i][j] = sim[i][j] > tau ? 1 : eps;
        }
        return w;
    }

    /** {@link #binarise}({@link #cosineAffinity}(features), tau, eps): TokenCut's graph of patch features. */
    public static double[][] tokenCutGraph(double[][] features, double tau, double eps) {
        return binarise(cosineAffinity(features), tau, eps);
    }

    /**
     * A layer's attention as one graph: the mean over heads, symmetrised, W = (A + A^T)/2 with A = mean_h A_h. The
     * paper only says "the final layer's attention matrix"; averaging the heads and symmetrising (an Ncut needs a
     * symmetric W) is our assumption. Works for dense and top-k sparse graphs.
     */
    public static double[][] attention(Graph graph) {
        return Symmetric.part(graph.headMean());
    }
}
