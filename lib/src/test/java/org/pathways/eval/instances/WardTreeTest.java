package org.pathways.eval.instances;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link WardTree} against hand-derived trees and against a brute-force Ward with connectivity: at every step, every
 * pair of current clusters linked by an edge between their members is costed from scratch (n_a n_b / (n_a + n_b)
 * ||mean_a - mean_b||^2) and the cheapest merged, ties to the smaller (larger node id, smaller node id), as sklearn's
 * heap of (cost, row, col) tuples.
 */
class WardTreeTest {
    private static boolean[][] path(int n) {
        boolean[][] c = new boolean[n][n];
        for (int i = 0; i + 1 < n; i++) c[i][i + 1] = true; // one direction only: the tree symmetrises it
        return c;
    }

    /** Points 0, 1, 3, 7 on a line, linked as a path: costs 0.5, 2, 8; then (0.5 vs 3) 25/6; then 3/4 (7 - 4/3)^2. */
    @Test
    void handDerivedLine() {
        WardTree.Tree t = WardTree.build(new double[][] {{0}, {1}, {3}, {7}}, path(4));
        assertArrayEquals(new int[][] {{0, 1}, {2, 4}, {3, 5}}, t.children());
        assertArrayEquals(new double[] {Math.sqrt(2 * 0.5), Math.sqrt(2 * 25.0 / 6), Math.sqrt(2 * 0.75 * Math.pow(7 - 4.0 / 3, 2))}, t.distances(), 1e-12);
    }

    /** 0 and 2 are nearly equal but not linked: the cheaper unlinked pair (cost 0.005) must wait; 1-2 (49.005) merges first. */
    @Test
    void connectivityIsRespected() {
        WardTree.Tree t = WardTree.build(new double[][] {{0}, {10}, {0.1}}, path(3));
        assertArrayEquals(new int[] {1, 2}, t.children()[0]);
        assertArrayEquals(new int[] {0, 3}, t.children()[1]);
    }

    /** Equal costs: the candidate with the smaller row (the larger node id of the pair), then the smaller col, goes first. */
    @Test
    void tiesFollowTheHeapOrder() {
        // a path 0-1-2-3 of equally spaced points: the three edges cost the same
        WardTree.Tree t = WardTree.build(new double[][] {{0}, {1}, {2}, {3}}, path(4));
        assertArrayEquals(new int[] {0, 1}, t.children()[0]); // (cost, 1, 0) < (cost, 2, 1) < (cost, 3, 2)
    }

    @Test
    void stopsAtNClusters() {
        boolean[][] c = new boolean[4][4];
        c[0][1] = true;
        c[2][3] = true;
        WardTree.Tree t = WardTree.build(new double[][] {{0}, {1}, {5}, {6.5}}, c, 2);
        assertEquals(2, t.components());
        assertArrayEquals(new int[][] {{0, 1}, {2, 3}}, t.children());
    }

    @Test
    void matchesBruteForceOnRandomGraphs() {
        Random random = new Random(7);
        for (int trial = 0; trial < 60; trial++) {
            int n = 2 + random.nextInt(14);
            int dims = 1 + random.nextInt(4);
            double[][] x = new double[n][dims];
            for (double[] row : x) for (int d = 0; d < dims; d++) row[d] = random.nextGaussian();
            boolean[][] c = new boolean[n][n];
            for (int i = 1; i < n; i++) c[i][random.nextInt(i)] = true; // a random tree: connected
            for (int e = 0; e < n; e++) {
                int i = random.nextInt(n);
                int j = random.nextInt(n);
                if (i != j) c[i][j] = true;
            }
            WardTree.Tree t = WardTree.build(x, c);
            int[][] expected = bruteForce(x, c, n - 1);
            assertArrayEquals(expected, t.children(), "trial " + trial + " n " + n);
        }
    }

    /** A graph in pieces: sklearn links the closest pair of samples of every two pieces, then builds the tree to nClusters. */
    @Test
    void disconnectedGraphsAreCompletedAsSklearnDoes() {
        Random random = new Random(11);
        for (int trial = 0; trial < 30; trial++) {
            int n = 4 + random.nextInt(10);
            double[][] x = new double[n][2];
            for (double[] row : x) for (int d = 0; d < 2; d++) row[d] = random.nextGaussian();
            boolean[][] c = new boolean[n][n];
            for (int e = 0; e < n / 2; e++) {
                int i = random.nextInt(n);
                int j = random.nextInt(n);
                if (i != j) c[i][j] = true;
            }
            boolean[][] completed = complete(x, c);
            int pieces = pieces(c);
            WardTree.Tree t = WardTree.build(x, c, pieces);
            assertEquals(pieces, t.components());
            assertArrayEquals(bruteForce(x, completed, n - pieces), t.children(), "trial " + trial);
        }
    }

    /** The brute force: clusters as member lists, every linked pair costed from its members. */
    static int[][] bruteForce(double[][] x, boolean[][] c, int merges) {
        int n = x.length;
        List<List<Integer>> members = new ArrayList<>();
        for (int i = 0; i < n; i++) members.add(new ArrayList<>(List.of(i)));
        boolean[] alive = new boolean[n + merges];
        for (int i = 0; i < n; i++) alive[i] = true;
        int[][] children = new int[merges][];
        for (int m = 0; m < merges; m++) {
            double best = Double.POSITIVE_INFINITY;
            int bi = -1;
            int bj = -1;
            for (int i = 0; i < n + m; i++) { // i: the larger id
                if (!alive[i]) continue;
                for (int j = 0; j < i; j++) {
                    if (!alive[j] || !linked(members.get(i), members.get(j), c)) continue;
                    double cost = cost(x, members.get(i), members.get(j));
                    if (cost < best || (cost == best && (i < bi || (i == bi && j < bj)))) {
                        best = cost;
                        bi = i;
                        bj = j;
                    }
                }
            }
            List<Integer> merged = new ArrayList<>(members.get(bi));
            merged.addAll(members.get(bj));
            members.add(merged);
            alive[bi] = false;
            alive[bj] = false;
            alive[n + m] = true;
            children[m] = new int[] {bj, bi};
        }
        return children;
    }

    private static boolean linked(List<Integer> a, List<Integer> b, boolean[][] c) {
        for (int i : a) for (int j : b) if (c[i][j] || c[j][i]) return true;
        return false;
    }

    private static double cost(double[][] x, List<Integer> a, List<Integer> b) {
        int dims = x[0].length;
        double d2 = 0;
        for (int d = 0; d < dims; d++) {
            double ma = 0;
            double mb = 0;
            for (int i : a) ma += x[i][d];
            for (int i : b) mb += x[i][d];
            double diff = ma / a.size() - mb / b.size();
            d2 += diff * diff;
        }
        return (double) a.size() * b.size() / (a.size() + b.size()) * d2;
    }

    private static int pieces(boolean[][] c) {
        int n = c.length;
        int[] root = new int[n];
        for (int i = 0; i < n; i++) root[i] = i;
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) if (c[i][j]) union(root, i, j);
        int count = 0;
        for (int i = 0; i < n; i++) if (find(root, i) == i) count++;
        return count;
    }

    /** For every two pieces (ordered by their smallest member), the closest pair of samples linked; ties: first in row-major order. */
    private static boolean[][] complete(double[][] x, boolean[][] c) {
        int n = c.length;
        int[] root = new int[n];
        for (int i = 0; i < n; i++) root[i] = i;
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) if (c[i][j]) union(root, i, j);
        List<List<Integer>> pieces = new ArrayList<>();
        List<Integer> roots = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int r = find(root, i);
            int at = roots.indexOf(r);
            if (at < 0) {
                roots.add(r);
                pieces.add(new ArrayList<>());
                at = roots.size() - 1;
            }
            pieces.get(at).add(i);
        }
        boolean[][] out = new boolean[n][n];
        for (int i = 0; i < n; i++) out[i] = c[i].clone();
        for (int a = 0; a < pieces.size(); a++) {
            for (int b = 0; b < a; b++) {
                double best = Double.POSITIVE_INFINITY;
                int bi = -1;
                int bj = -1;
                for (int i : pieces.get(a)) {
                    for (int j : pieces.get(b)) {
                        double d = Math.hypot(x[i][0] - x[j][0], x[i][1] - x[j][1]);
                        if (d < best) {
                            best = d;
                            bi = i;
                            bj = j;
                        }
                    }
                }
                out[bi][bj] = true;
            }
        }
        return out;
    }

    private static int find(int[] root, int i) {
        while (root[i] != i) i = root[i];
        return i;
    }

    private static void union(int[] root, int i, int j) {
        root[find(root, i)] = find(root, j);
    }
}
