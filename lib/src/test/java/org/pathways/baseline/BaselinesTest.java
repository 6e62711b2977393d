package org.pathways.baseline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.pathways.affinity.Graph;
import smile.validation.metric.AdjustedRandIndex;

/** The single-affinity baselines of Table 1: affinities, normalised-cut eigenvectors, TokenCut, MaskCut, k sweeps. */
class BaselinesTest {
    private static final double TIGHT = 1e-9;

    // ---------------------------------------------------------------- affinities

    /**
     * Features f0 = (1,0), f1 = (1,1), f2 = (0,2), f3 = (0,0), f4 = (-1,0). Unit rows: (1,0), (1,1)/sqrt2, (0,1), 0,
     * (-1,0); cosines by hand: c01 = c12 = 1/sqrt2, c02 = 0, c04 = -1, c14 = -1/sqrt2, c24 = 0, the zero row 0
     * everywhere (itself included, as F.normalize), the others' diagonal 1.
     */
    @Test
    void cosineAffinityOnAHandCase() {
        double[][] f = {{1, 0}, {1, 1}, {0, 2}, {0, 0}, {-1, 0}};
        double r = 1 / Math.sqrt(2);
        double[][] expected = {
            {1, r, 0, 0, -1},
            {r, 1, r, 0, -r},
            {0, r, 1, 0, 0},
            {0, 0, 0, 0, 0},
            {-1, -r, 0, 0, 1}};
        double[][] s = Affinities.cosineAffinity(f);
        for (int i = 0; i < 5; i++) assertArrayEquals(expected[i], s[i], 1e-12, "row " + i);
    }

    /** tau = 0.2, eps = 1e-5 on the similarities above: only the diagonal (but the zero row's) and c01, c12 exceed tau. */
    @Test
    void binarisationOnAHandCase() {
        double[][] s = Affinities.cosineAffinity(new double[][] {{1, 0}, {1, 1}, {0, 2}, {0, 0}, {-1, 0}});
        double e = 1e-5;
        double[][] expected = {
            {1, 1, e, e, e},
            {1, 1, 1, e, e},
            {e, 1, 1, e, e},
            {e, e, e, e, e},
            {e, e, e, e, 1}};
        double[][] w = Affinities.binarise(s, 0.2, e);
        for (int i = 0; i < 5; i++) assertArrayEquals(expected[i], w[i], 0, "row " + i);
        // strictly greater than tau, as numpy's A > tau: a similarity equal to tau is not an edge
        assertEquals(e, Affinities.binarise(new double[][] {{0.2}}, 0.2, e)[0][0]);
        assertEquals(1, Affinities.binarise(new double[][] {{0.2000001}}, 0.2, e)[0][0]);
        // with tau = -1 every pair but the exact antipodes (c04 = -1, not > -1) is an edge
        double[][] loose = Affinities.binarise(s, -1, 0);
        assertEquals(0, loose[0][4]);
        assertEquals(1, loose[1][4]);
    }

    /** Two heads over a 2 x 1 grid: mean [[.7,.3],[.2,.8]], symmetrised [[.7,.25],[.25,.8]]. */
    @Test
    void attentionGraphIsTheSymmetrisedHeadMean() {
        Graph g = Graph.ofDoubles("final", 2, 2, 1, new double[] {0.9, 0.1, 0.3, 0.7, 0.5, 0.5, 0.1, 0.9});
        double[][] w = Affinities.attention(g);
        assertArrayEquals(new double[] {0.7, 0.25}, w[0], 1e-12);
        assertArrayEquals(new double[] {0.25, 0.8}, w[1], 1e-12);
    }

    // ---------------------------------------------------------------- generalized eigenproblem

    /**
     * The path 0-1-2-3 with unit weights: D = diag(1,2,2,1). The solutions of (D - W) x = lambda D x on a path of n
     * nodes are x_k(i) = cos(pi k i / (n-1)), lambda_k = 1 - cos(pi k / (n-1)); checked by hand for n = 4, k = 1:
     * x = (1, 1/2, -1/2, -1), (D-W)x = (1-1/2, 1-1/2, -1+1/2, -1+1/2) = (1/2, 1/2, -1/2, -1/2) = 1/2 * D x.
     * So lambda = 0 (trivial, x constant), 1/2, 3/2, 2 with
     * x1 = (1, 1/2, -1/2, -1)/sqrt3, x2 = (1, -1/2, -1/2, 1)/sqrt3, x3 = (1, -1, 1, -1)/sqrt6
     * (x^T D x = 1 + 2/4 + 2/4 + 1 = 3, and 1 + 2 + 2 + 1 = 6); each sign makes the first largest |x| positive.
     */
    @Test
    void generalizedEigenvectorsOfAPathByHand() {
        double[][] w = {{0, 1, 0, 0}, {1, 0, 1, 0}, {0, 1, 0, 1}, {0, 0, 1, 0}};
        NormalizedCut.Eigen e = NormalizedCut.smallest(w, 5); // only N - 1 = 3 nontrivial exist
        assertEquals(3, e.count());
        assertArrayEquals(new double[] {0.5, 1.5, 2}, e.values(), 1e-12);
        double s3 = Math.sqrt(3);
        double s6 = Math.sqrt(6);
        assertArrayEquals(new double[] {1 / s3, 0.5 / s3, -0.5 / s3, -1 / s3}, e.vectors()[0], 1e-12);
        assertArrayEquals(new double[] {1 / s3, -0.5 / s3, -0.5 / s3, 1 / s3}, e.vectors()[1], 1e-12);
        assertArrayEquals(new double[] {1 / s6, -1 / s6, 1 / s6, -1 / s6}, e.vectors()[2], 1e-12);
        assertArrayEquals(e.vectors()[0], NormalizedCut.fiedler(w), 0);
    }

    /**
     * Edge 0-1 (weight 1) and node 2 isolated: its degree becomes 1e-12 (times the largest degree, 1), so
     * D^(-1/2) W D^(-1/2) = [[0,1,0],[1,0,0],[0,0,0]] with mu = 1, 0, -1, lambda = 0 (trivial), 1, 2. lambda = 1 lives
     * on node 2 alone: x = e2 / sqrt(1e-12) = 1e6 e2 (x^T D x = 1); lambda = 2 is (1, -1, 0)/sqrt2. No NaN anywhere.
     */
    @Test
    void isolatedNodesGetATinyDegree() {
        double[][] w = {{0, 1, 0}, {1, 0, 0}, {0, 0, 0}};
        NormalizedCut.Eigen e = NormalizedCut.smallest(w, 2);
        assertArrayEquals(new double[] {1, 2}, e.values(), 1e-12);
        assertArrayEquals(new double[] {0, 0, 1e6}, e.vectors()[0], 1e-3);
        assertArrayEquals(new double[] {1 / Math.sqrt(2), -1 / Math.sqrt(2), 0}, e.vectors()[1], 1e-12);
    }

    @Test
    void rejectsAsymmetricOrNegativeAffinities() {
        assertThrows(IllegalArgumentException.class, () -> NormalizedCut.smallest(new double[][] {{1, 0.5}, {0.2, 1}}, 1));
        assertThrows(IllegalArgumentException.class, () -> NormalizedCut.smallest(new double[][] {{1, -0.5}, {-0.5, 1}}, 1));
    }

    /** Blocks of the given sizes: W = 1 inside a block (diagonal too, as TokenCut's), {@code link} between blocks. */
    private static double[][] blocks(double link, int... sizes) {
        int[] truth = truth(sizes);
        int n = truth.length;
        double[][] w = new double[n][n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) w[i][j] = truth[i] == truth[j] ? 1 : link;
        return w;
    }

    private static int[] truth(int... sizes) {
        int n = Arrays.stream(sizes).sum();
        int[] t = new int[n];
        int i = 0;
        for (int b = 0; b < sizes.length; b++) for (int c = 0; c < sizes[b]; c++) t[i++] = b;
        return t;
    }

    /** Blocks as above with every weight jittered (symmetric): within blocks in [0.7, 1], between in [0, 2 link]. */
    private static double[][] noisyBlocks(double link, long seed, int... sizes) {
        int[] truth = truth(sizes);
        int n = truth.length;
        Random r = new Random(seed);
        double[][] w = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double v = truth[i] == truth[j] ? 0.7 + 0.3 * r.nextDouble() : 2 * link * r.nextDouble();
                w[i][j] = v;
                w[j][i] = v;
            }
        }
        return w;
    }

    /**
     * Two blocks (12 and 8 nodes) with weak links eps = 0.01: within-block-zero-sum vectors have lambda = 1, and the
     * block-constant subspace holds the Fiedler vector, a = 1/vol(A) on A and b = -1/vol(B) on B (D-orthogonal to the
     * constant), with lambda = cut (1/vol(A) + 1/vol(B)) = Ncut(A, B), cut = eps 12 * 8, vol(A) = 12 (12 + 8 eps),
     * vol(B) = 8 (8 + 12 eps). The smaller block has the larger |x| and so gets the positive sign.
     */
    @Test
    void fiedlerVectorOfTwoPlantedBlocksIsPiecewiseConstant() {
        double link = 0.01;
        double[][] w = blocks(link, 12, 8);
        NormalizedCut.Eigen e = NormalizedCut.smallest(w, 2);
        double volA = 12 * (12 + 8 * link);
        double volB = 8 * (8 + 12 * link);
        double cut = link * 12 * 8;
        assertEquals(cut * (1 / volA + 1 / volB), e.values()[0], 1e-12);
        assertEquals(1, e.values()[1], 1e-12);
        double[] x = e.vectors()[0];
        // a = 1/volA, b = -1/volB scaled to x^T D x = 1: (1/volA + 1/volB) s^2 = 1
        double s = 1 / Math.sqrt(1 / volA + 1 / volB);
        for (int i = 0; i < 12; i++) assertEquals(-s / volA, x[i], TIGHT, "node " + i);
        for (int i = 12; i < 20; i++) assertEquals(s / volB, x[i], TIGHT, "node " + i);
    }

    /**
     * An 88-node clique (W = 1) and 12 nodes whose rows are eps only, as MaskCut's masked-out patches: the 12 identical
     * rows give lambda = 1 eleven times over (mu = 0 in D^(-1/2) W D^(-1/2): the kind of cluster that made EJML's QR
     * fail unshifted on the noisier scene of {@link #maskcutStopsAtTheFirstEmptyMask}). The Fiedler vector is the two-group one, constant on each group, with lambda = Ncut =
     * cut (1/vol(clique) + 1/vol(masked)), cut = eps 88 * 12, vol(clique) = 88 (88 + 12 eps), vol(masked) = 12 * 100 eps.
     */
    @Test
    void manyIdenticalRowsDoNotStopTheEigensolver() {
        double eps = 1e-5;
        int n = 100;
        double[][] w = new double[n][n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) w[i][j] = i < 88 && j < 88 ? 1 : eps;
        NormalizedCut.Eigen e = NormalizedCut.smallest(w, 2);
        double cut = eps * 88 * 12;
        double volClique = 88 * (88 + 12 * eps);
        double volMasked = 12 * 100 * eps;
        assertEquals(cut * (1 / volClique + 1 / volMasked), e.values()[0], 1e-9);
        assertEquals(1, e.values()[1], 1e-9);
        double[] x = e.vectors()[0];
        for (int i = 1; i < 88; i++) assertEquals(x[0], x[i], 1e-9);
        for (int i = 89; i < n; i++) assertEquals(x[88], x[i], 1e-9);
        assertTrue(x[0] < 0 && x[88] > 0, "the small-volume group has the larger |x|, made positive");
    }

    // ---------------------------------------------------------------- TokenCut

    /** TokenCut on noisy blocks of 30 and 14 nodes: exactly the planted bipartition, the smaller block as foreground. */
    @Test
    void tokencutRecoversAPlantedBipartition() {
        int[] truth = truth(30, 14);
        int[] labels = Baselines.tokencut(noisyBlocks(0.02, 7, 30, 14));
        assertEquals(1.0, AdjustedRandIndex.of(truth, labels), 1e-12);
        assertArrayEquals(truth, labels); // block 1 (smaller volume, larger |x|, the seed) is the foreground
        // and on a TokenCut graph of features: two feature directions, 6 x 5 background and a 2 x 3 object
        double[][] f = new double[30][];
        int[] object = new int[30];
        Random r = new Random(3);
        for (int i = 0; i < 30; i++) {
            int y = i / 5;
            int xx = i % 5;
            object[i] = y >= 2 && y < 4 && xx >= 1 && xx < 4 ? 1 : 0;
            f[i] = object[i] == 1 ? new double[] {0.05 * r.nextGaussian(), 1, 0.05 * r.nextGaussian()} : new double[] {1, 0.05 * r.nextGaussian(), 0.05 * r.nextGaussian()};
        }
        List<Baselines.Regions> out = Baselines.run(Baselines.TOKENCUT_FEATURES, new Baselines.Inputs(f, null, 6, 5, 10, 1, Baselines.Options.defaults()));
        assertEquals(1, out.size());
        assertEquals(2, out.get(0).k());
        assertTrue(out.get(0).selected());
        assertArrayEquals(object, out.get(0).labels());
    }

    // ---------------------------------------------------------------- Ncut + K-means

    /**
     * Three noisy blocks (10, 14, 18 nodes): embedded by the first E = 2 nontrivial eigenvectors (the block-constant
     * ones; further ones belong to the lambda ~ 1 within-block noise), the sweep must choose k = 3 and the blocks.
     */
    @Test
    void ncutPlusKMeansFindsThreePlantedBlocks() {
        int[] truth = truth(10, 14, 18);
        List<Baselines.Regions> out = Baselines.ncut("ncut-test", noisyBlocks(0.02, 11, 10, 14, 18), 2, 8, 10, 5);
        assertEquals(7, out.size()); // k = 2..8
        Baselines.Regions chosen = out.stream().filter(Baselines.Regions::selected).findFirst().orElseThrow();
        assertEquals(1, out.stream().filter(Baselines.Regions::selected).count());
        assertEquals(3, chosen.k());
        assertEquals(1.0, AdjustedRandIndex.of(truth, chosen.labels()), 1e-12);
        for (Baselines.Regions r : out) assertTrue(r.silhouette() <= chosen.silhouette());
    }

    /** ncut-attention through the entry point: two asymmetric row-stochastic heads whose mean has 3 blocks on a 6 x 7 grid. */
    @Test
    void ncutOnAPlantedAttentionGraph() {
        int h = 6;
        int w = 7;
        int n = h * w;
        int[] truth = new int[n];
        for (int i = 0; i < n; i++) truth[i] = (i % w) < 2 ? 0 : (i % w) < 5 ? 1 : 2; // three vertical bands
        Random r = new Random(5);
        double[] values = new double[2 * n * n];
        for (int head = 0; head < 2; head++) {
            for (int i = 0; i < n; i++) {
                double sum = 0;
                for (int j = 0; j < n; j++) {
                    double v = truth[i] == truth[j] ? 0.5 + r.nextDouble() : 0.01 * r.nextDouble();
                    values[(head * n + i) * n + j] = v;
                    sum += v;
                }
                for (int j = 0; j < n; j++) values[(head * n + i) * n + j] /= sum;
            }
        }
        Graph g = Graph.ofDoubles("final attention", 2, h, w, values);
        Baselines.Options o = Baselines.Options.defaults().withEigenvectors(2);
        List<Baselines.Regions> out = Baselines.run(Baselines.NCUT_ATTENTION, new Baselines.Inputs(null, g, h, w, 6, 3, o));
        Baselines.Regions chosen = out.stream().filter(Baselines.Regions::selected).findFirst().orElseThrow();
        assertEquals(Baselines.NCUT_ATTENTION, chosen.method());
        assertEquals(3, chosen.k());
        assertEquals(1.0, AdjustedRandIndex.of(truth, chosen.labels()), 1e-12);
        // the attention is required, and must sit on the features' grid
        assertThrows(IllegalArgumentException.class, () -> Baselines.run(Baselines.NCUT_ATTENTION, new Baselines.Inputs(null, null, h, w, 6, 3, o)));
        assertThrows(IllegalArgumentException.class, () -> Baselines.run(Baselines.NCUT_ATTENTION, new Baselines.Inputs(null, g, w, h, 6, 3, o)));
    }

    // ---------------------------------------------------------------- K-means

    /** Four well separated Gaussian clusters in 6-D on an 8 x 8 grid (quadrants): the silhouette picks k = 4. */
    @Test
    void kmeansOnSeparableFeaturesPicksTheRightK() {
        int h = 8;
        int w = 8;
        int[] truth = new int[h * w];
        double[][] f = new double[h * w][6];
        Random r = new Random(9);
        for (int i = 0; i < h * w; i++) {
            int q = (i / w < 4 ? 0 : 2) + (i % w < 4 ? 0 : 1);
            truth[i] = q;
            for (int c = 0; c < 6; c++) f[i][c] = (c == q ? 5 : 0) + 0.3 * r.nextGaussian();
        }
        List<Baselines.Regions> out = Baselines.run(Baselines.KMEANS_FEATURES, new Baselines.Inputs(f, null, h, w, 10, 2, Baselines.Options.defaults()));
        assertEquals(9, out.size());
        Baselines.Regions chosen = out.stream().filter(Baselines.Regions::selected).findFirst().orElseThrow();
        assertEquals(4, chosen.k());
        assertEquals(1.0, AdjustedRandIndex.of(truth, chosen.labels()), 1e-12);
        assertFalse(Double.isNaN(chosen.silhouette()));
    }

    // ---------------------------------------------------------------- MaskCut

    /** Features on a grid: background direction e0, object o (1..) direction e_o, small noise. */
    private static double[][] scene(int[] objects, long seed) {
        Random r = new Random(seed);
        double[][] f = new double[objects.length][];
        for (int i = 0; i < objects.length; i++) {
            f[i] = new double[5];
            for (int c = 0; c < 5; c++) f[i][c] = 0.05 * r.nextGaussian();
            f[i][objects[i]] += 1;
        }
        return f;
    }

    private static void paint(int[] grid, int width, int label, int y0, int x0, int y1, int x1) {
        for (int y = y0; y < y1; y++) for (int x = x0; x < x1; x++) grid[y * width + x] = label;
    }

    /**
     * A 14 x 14 background with three separated objects of different feature directions (4x5, 3x4, 3x3 cells):
     * MaskCut must return three masks, each exactly one object. Every round's cut separates one group of patches
     * (objects or background) and the corner rule and the seed's connected component then leave one object.
     */
    @Test
    void maskcutFindsThreeSeparatedObjects() {
        int h = 14;
        int w = 14;
        int[] objects = new int[h * w];
        paint(objects, w, 1, 2, 2, 6, 7);
        paint(objects, w, 2, 9, 3, 12, 7);
        paint(objects, w, 3, 3, 9, 6, 12);
        double[][] f = scene(objects, 4);
        int[] labels = Baselines.maskcut(f, h, w, Affinities.MASKCUT_TAU, Affinities.TOKENCUT_EPS, 3, false);
        assertEquals(4, Baselines.distinct(labels));
        // each mask is exactly one object, in some order; the background stays 0
        int[] maskOfObject = new int[4];
        for (int o = 1; o <= 3; o++) {
            int first = -1;
            for (int i = 0; i < labels.length; i++) if (objects[i] == o) first = first < 0 ? i : first;
            maskOfObject[o] = labels[first];
            assertNotEquals(0, maskOfObject[o], "object " + o + " was not found");
        }
        for (int i = 0; i < labels.length; i++) assertEquals(objects[i] == 0 ? 0 : maskOfObject[objects[i]], labels[i], "cell " + i);
        assertEquals(3, Arrays.stream(maskOfObject).skip(1).distinct().count());
        // the same through the entry point
        List<Baselines.Regions> out = Baselines.run(Baselines.MASKCUT_FEATURES, new Baselines.Inputs(f, null, h, w, 10, 0, Baselines.Options.defaults()));
        assertEquals(1, out.size());
        assertEquals(4, out.get(0).k());
        assertTrue(out.get(0).selected());
        assertArrayEquals(labels, out.get(0).labels());
    }

    /**
     * One object, N = 3 rounds: the first mask is the object; in the second round its patches are masked out (eps
     * edges only), the cut separates them from the background again, the mask is the same object (IoU 1 &gt; 0.5 with
     * the previous mask) and comes out empty; the third round (CutLER goes on) finds it again and adds nothing new.
     */
    @Test
    void maskcutFindsOneObjectOnce() {
        int h = 10;
        int w = 10;
        int[] objects = new int[h * w];
        paint(objects, w, 1, 3, 3, 7, 6);
        int[] labels = Baselines.maskcut(scene(objects, 8), h, w, Affinities.MASKCUT_TAU, Affinities.TOKENCUT_EPS, 3, false);
        assertArrayEquals(objects, labels);
        // with a single round allowed the answer is the same mask
        assertArrayEquals(objects, Baselines.maskcut(scene(objects, 8), h, w, Affinities.MASKCUT_TAU, Affinities.TOKENCUT_EPS, 1, false));
    }

    /**
     * A large object (8 x 8) inside a one-cell background frame of a 10 x 10 grid: the frame has the smaller volume,
     * so the largest |x| (the seed) lies on it and TokenCut, which has no corner rule, calls the frame foreground.
     * MaskCut's seed side is the frame too, but it covers all 4 grid corners, so the corner rule flips it: the first
     * mask is the object.
     */
    @Test
    void maskcutCornerRuleFlipsAFrameOfBackground() {
        int h = 10;
        int w = 10;
        int[] object = new int[h * w];
        paint(object, w, 1, 1, 1, 9, 9);
        double[][] f = scene(object, 12);
        int[] frame = new int[h * w];
        for (int i = 0; i < h * w; i++) frame[i] = 1 - object[i];
        assertArrayEquals(frame, Baselines.tokencut(Affinities.tokenCutGraph(f, Affinities.TOKENCUT_TAU, Affinities.TOKENCUT_EPS)));
        assertArrayEquals(object, Baselines.maskcut(f, h, w, Affinities.MASKCUT_TAU, Affinities.TOKENCUT_EPS, 1, false));
    }

    /** CutLER's corner rule: a side covering 3 or 4 grid corners is flipped, whatever the seed says. */
    @Test
    void cornerRuleCountsTheFourGridCorners() {
        boolean[] side = new boolean[12]; // 3 x 4
        side[0] = side[3] = side[8] = true;
        assertEquals(3, Baselines.cornersIn(side, 3, 4));
        side[11] = true;
        side[8] = false;
        assertEquals(3, Baselines.cornersIn(side, 3, 4));
        // 4-connected component: a diagonal neighbour is not connected
        boolean[] set = new boolean[12];
        set[0] = set[1] = set[6] = true;
        boolean[] c = Baselines.component(set, 0, 3, 4);
        assertTrue(c[0] && c[1] && !c[6]);
    }

    /**
     * CutLER's control flow after a rejected mask ({@code maskcut_forward}, maskcut.py lines 97-149 at cca0a27), with a
     * scripted cut over 10 patches: round 0 finds M0 = {0..4}; round 1 finds M1 = {0..5} (IoU 5/6 &gt; 0.5 with M0), which
     * CutLER empties; the empty mask paints nothing, so round 2 cuts the same graph, finds M1 again, compares it with
     * the empty mask (IoU 0) and keeps it: patch 5 is new and gets round 2's label, 3. Stopping at the rejection
     * leaves M0 alone.
     */
    @Test
    void maskcutGoesOnAfterARejectedMaskAsCutLERDoes() {
        boolean[] m0 = new boolean[10];
        boolean[] m1 = new boolean[10];
        for (int i = 0; i <= 4; i++) m0[i] = true;
        for (int i = 0; i <= 5; i++) m1[i] = true;
        List<boolean[]> paintings = new java.util.ArrayList<>();
        java.util.function.Function<boolean[], boolean[]> script = taken -> {
            paintings.add(taken);
            return paintings.size() == 1 ? m0 : m1;
        };
        int[] cutler = Baselines.maskcutRounds(10, 3, false, script);
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 3, 0, 0, 0, 0}, cutler);
        assertEquals(3, paintings.size());
        assertArrayEquals(paintings.get(1), paintings.get(2), "round 2 sees the painting of round 1: the rejected mask painted nothing");
        paintings.clear();
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 0, 0, 0, 0, 0}, Baselines.maskcutRounds(10, 3, true, script));
        assertEquals(2, paintings.size(), "stopping ends at the rejection");
        // a mask of at most 1 % of the patches is rejected too (100 patches: one patch)
        boolean[] big = new boolean[100];
        for (int i = 0; i < 50; i++) big[i] = true;
        boolean[] tiny = new boolean[100];
        tiny[70] = true;
        int[] calls = {0};
        int[] labels = Baselines.maskcutRounds(100, 3, false, taken -> calls[0]++ == 0 ? big : tiny);
        assertEquals(0, labels[70]);
        assertEquals(1, labels[0]);
    }

    /** Eigenvector counts per method: name:E, the sweep set, and refusals. */
    @Test
    void ncutEigenvectorCountsPerMethodAndTheSweepSet() {
        List<String> expanded = Baselines.expand(List.of("kmeans-features", Baselines.NCUT_SWEEP));
        assertEquals(1 + 2 * Baselines.SWEEP_EIGENVECTORS.size(), expanded.size());
        assertTrue(expanded.contains("ncut-features:8") && expanded.contains("ncut-attention:30"), expanded.toString());
        for (String bad : List.of("ncut-features:0", "kmeans-features:5", "ncut-features:x", "spectral-magic")) {
            assertThrows(org.pathways.common.InvalidInputException.class, () -> Baselines.expand(List.of(bad)), bad);
        }
        Baselines.Options o = Baselines.Options.defaults().withEigenvectors(4, 9);
        assertEquals(4, o.eigenvectors(Baselines.NCUT_FEATURES));
        assertEquals(9, o.eigenvectors(Baselines.NCUT_ATTENTION));
        assertEquals(6, o.eigenvectors("ncut-attention:6"));
        // ncut-features:E clusters the first E eigenvectors of TokenCut's graph: E = 2 is the same as asking for 2
        int h = 6;
        int w = 5;
        int[] blocks = new int[h * w];
        for (int i = 0; i < blocks.length; i++) blocks[i] = (i % w) * 3 / w;
        double[][] f = scene(blocks, 3);
        Baselines.Inputs wide = new Baselines.Inputs(f, null, h, w, 4, 1, Baselines.Options.defaults());
        Baselines.Inputs narrow = new Baselines.Inputs(f, null, h, w, 4, 1, Baselines.Options.defaults().withEigenvectors(2));
        List<Baselines.Regions> a = Baselines.run("ncut-features:2", new Baselines.Prepared(wide, List.of("ncut-features:2", "ncut-features:20")));
        List<Baselines.Regions> b = Baselines.run(Baselines.NCUT_FEATURES, narrow);
        assertEquals(b.size(), a.size());
        for (int i = 0; i < a.size(); i++) assertArrayEquals(b.get(i).labels(), a.get(i).labels());
        assertEquals("ncut-features:2", a.get(0).method());
    }

    // ---------------------------------------------------------------- entry point

    @Test
    void unknownMethodListsTheKnownOnes() {
        double[][] f = {{1, 0}, {0, 1}, {1, 0}, {0, 1}};
        RuntimeException e = assertThrows(org.pathways.common.InvalidInputException.class,
                () -> Baselines.run("spectral-magic", new Baselines.Inputs(f, null, 2, 2, 3, 0, Baselines.Options.defaults())));
        for (String m : Baselines.METHODS) assertTrue(e.getMessage().contains(m), e.getMessage());
        assertEquals(5, Baselines.METHODS.size());
        // features must match the grid
        assertThrows(IllegalArgumentException.class,
                () -> Baselines.run(Baselines.KMEANS_FEATURES, new Baselines.Inputs(f, null, 3, 2, 3, 0, Baselines.Options.defaults())));
    }

    @Test
    void defaultsAreThePublishedOnes() {
        Baselines.Options o = Baselines.Options.defaults();
        assertEquals(0.2, o.tau());
        assertEquals(0.15, o.maskCutTau());
        assertEquals(1e-5, o.eps());
        assertEquals(15, o.ncutFeatureEigenvectors());
        assertEquals(15, o.ncutAttentionEigenvectors());
        assertEquals(3, o.masks());
        assertEquals(Baselines.FeatureSource.KEYS, o.features());
        assertFalse(o.maskCutStopsAtRejection(), "MaskCut goes on after a rejected mask, as CutLER's code does");
    }
}
