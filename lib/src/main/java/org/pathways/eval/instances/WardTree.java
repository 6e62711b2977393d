package org.pathways.eval.instances;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Ward agglomerative clustering restricted by a connectivity graph, following scikit-learn's {@code ward_tree}
 * ({@code sklearn/cluster/_agglomerative.py}, with {@code compute_ward_dist} and {@code _get_parents} of
 * {@code _hierarchical_fast.pyx}), which is what {@code AgglomerativeClustering(connectivity=...)} runs. Smile's
 * hierarchical clustering has no connectivity constraint, hence this class.
 *
 * <p>As there: every sample starts as its own cluster of weight 1 (moments: count 1, sum = the sample); only pairs of
 * clusters that are linked in the graph may merge; the cost of merging clusters a and b is
 * {@code n_a n_b / (n_a + n_b) * ||sum_a / n_a - sum_b / n_b||^2}, computed in that order of operations; candidate
 * merges sit in a heap of tuples (cost, row, col) and Python compares tuples element by element, so ties in cost go to
 * the smaller row, then the smaller col (our heap orders the same way). The initial candidates are the graph's edges
 * (row, col) with col < row; the new node k = n_samples + merge index gets candidates (k, head) for every current head
 * of the merged clusters' neighbours. Stale candidates (a cluster already merged) are skipped when popped. The
 * children of a merge are stored reversed, (col, row), as sklearn does "to get consistent output with the
 * unstructured version". A graph with several connected components is completed as sklearn's
 * {@code _fix_connectivity} does (for each pair of components, the closest pair of samples, the first in row-major
 * order on ties, is linked), and {@code nClusters} stops the tree after n_samples - nClusters merges.
 */
public final class WardTree {
    /**
     * The tree: {@code children[m]} are the nodes merged at step m into node {@code leaves + m} (a node below
     * {@code leaves} is a sample); {@code distances[m] = sqrt(2 * cost)} as sklearn's {@code return_distance};
     * {@code components}: connected components of the graph before completion.
     */
    public record Tree(int[][] children, double[] distances, int leaves, int components) {
        public int merges() {
            return children.length;
        }
    }

    private WardTree() {}

    /** The full tree (sklearn: {@code n_clusters=None}). */
    public static Tree build(double[][] samples, boolean[][] connectivity) {
        return build(samples, connectivity, 0);
    }

    /**
     * The tree stopped at {@code nClusters} clusters (n_samples - nClusters merges), or the full tree when
     * {@code nClusters <= 0}. {@code connectivity} is n x n; it is made symmetric (A or A^T) and its diagonal is
     * ignored.
     */
    public static Tree build(double[][] samples, boolean[][] connectivity, int nClusters) {
        int n = samples.length;
        if (connectivity.length != n) throw new IllegalArgumentException("connectivity " + connectivity.length + " x ? for " + n + " samples");
        if (nClusters > n) throw new IllegalArgumentException("Cannot provide more clusters than samples: " + nClusters + " > " + n);
        int features = n == 0 ? 0 : samples[0].length;
        // neighbour lists in ascending order, as the rows of sklearn's LIL matrix (connectivity + connectivity.T)
        List<List<Integer>> adjacency = new ArrayList<>();
        boolean[][] sym = new boolean[n][n];
        for (int i = 0; i < n; i++) {
            if (connectivity[i].length != n) throw new IllegalArgumentException("connectivity row " + i + " has " + connectivity[i].length + " entries, not " + n);
            for (int j = 0; j < n; j++) {
                if (i != j && connectivity[i][j]) {
                    sym[i][j] = true;
                    sym[j][i] = true;
                }
            }
        }
        int[] component = connectedComponents(sym);
        int components = 0;
        for (int c : component) components = Math.max(components, c + 1);
        if (components > 1) complete(samples, sym, component, components);
        for (int i = 0; i < n; i++) {
            List<Integer> row = new ArrayList<>();
            for (int j = 0; j < n; j++) if (sym[i][j]) row.add(j);
            adjacency.add(row);
        }
        int nodes = nClusters <= 0 ? 2 * n - 1 : 2 * n - nClusters;
        if (n == 0) return new Tree(new int[0][], new double[0], 0, 0);

        double[] count = new double[nodes];
        double[][] sum = new double[nodes][];
        for (int i = 0; i < n; i++) {
            count[i] = 1;
            sum[i] = samples[i].clone();
            if (samples[i].length != features) throw new IllegalArgumentException("sample " + i + " has " + samples[i].length + " features, not " + features);
        }
        PriorityQueue<double[]> heap = new PriorityQueue<>(WardTree::compareCandidates);
        for (int row = 0; row < n; row++) {
            for (int col : adjacency.get(row)) {
                if (col < row) heap.add(new double[] {cost(count, sum, row, col), row, col});
            }
        }
        int[] parent = new int[nodes];
        for (int i = 0; i < nodes; i++) parent[i] = i;
        boolean[] used = new boolean[nodes];
        Arrays.fill(used, true);
        int merges = nodes - n;
        int[][] children = new int[merges][];
        double[] distances = new double[merges];
        boolean[] notVisited = new boolean[nodes];
        for (int k = n; k < nodes; k++) {
            double[] top;
            int i;
            int j;
            while (true) {
                top = heap.poll();
                if (top == null) throw new IllegalStateException("no candidate merge left at node " + k); // cannot happen: the graph is completed
                i = (int) top[1];
                j = (int) top[2];
                if (used[i] && used[j]) break;
            }
            parent[i] = k;
            parent[j] = k;
            children[k - n] = new int[] {j, i}; // sklearn stores (i, j) and returns them reversed
            distances[k - n] = Math.sqrt(2.0 * top[0]);
            used[i] = false;
            used[j] = false;
            count[k] = count[i] + count[j];
            sum[k] = new double[features];
            for (int f = 0; f < features; f++) sum[k][f] = sum[i][f] + sum[j][f];
            // the current heads of i's and j's neighbours, first seen first, k itself excluded (sklearn's _get_parents)
            Arrays.fill(notVisited, true);
            notVisited[k] = false;
            List<Integer> heads = new ArrayList<>();
            addHeads(adjacency.get(i), heads, parent, notVisited);
            addHeads(adjacency.get(j), heads, parent, notVisited);
            for (int col : heads) adjacency.get(col).add(k);
            adjacency.add(heads);
            for (int col : heads) heap.add(new double[] {cost(count, sum, k, col), k, col});
        }
        return new Tree(children, distances, n, components);
    }

    /** Python's tuple order on (cost, row, col). */
    private static int compareCandidates(double[] a, double[] b) {
        int c = Double.compare(a[0], b[0]);
        if (c != 0) return c;
        c = Double.compare(a[1], b[1]);
        return c != 0 ? c : Double.compare(a[2], b[2]);
    }

    /** sklearn's {@code compute_ward_dist} for one pair, the same operations in the same order. */
    static double cost(double[] count, double[][] sum, int row, int col) {
        double n = (count[row] * count[col]) / (count[row] + count[col]);
        double pa = 0;
        double[] a = sum[row];
        double[] b = sum[col];
        for (int f = 0; f < a.length; f++) {
            double d = a[f] / count[row] - b[f] / count[col];
            pa += d * d;
        }
        return pa * n;
    }

    private static void addHeads(List<Integer> nodes, List<Integer> heads, int[] parent, boolean[] notVisited) {
        for (int node : nodes) {
            while (parent[node] != node) node = parent[node];
            if (notVisited[node]) {
                notVisited[node] = false;
                heads.add(node);
            }
        }
    }

    /**
     * Component of every node, numbered as scipy's {@code connected_components} numbers them: in order of each
     * component's smallest node.
     */
    static int[] connectedComponents(boolean[][] sym) {
        int n = sym.length;
        int[] component = new int[n];
        Arrays.fill(component, -1);
        int next = 0;
        int[] stack = new int[n];
        for (int s = 0; s < n; s++) {
            if (component[s] >= 0) continue;
            int top = 0;
            stack[top++] = s;
            component[s] = next;
            while (top > 0) {
                int p = stack[--top];
                for (int q = 0; q < n; q++) {
                    if (sym[p][q] && component[q] < 0) {
                        component[q] = next;
                        stack[top++] = q;
                    }
                }
            }
            next++;
        }
        return component;
    }

    /**
     * sklearn's {@code _fix_connectivity}: for every pair of components i > j, link the two closest samples (Euclidean),
     * the first pair in row-major order of the distance block on ties.
     */
    private static void complete(double[][] samples, boolean[][] sym, int[] component, int components) {
        List<List<Integer>> members = new ArrayList<>();
        for (int c = 0; c < components; c++) members.add(new ArrayList<>());
        for (int i = 0; i < component.length; i++) members.get(component[i]).add(i);
        for (int ci = 0; ci < components; ci++) {
            for (int cj = 0; cj < ci; cj++) {
                double best = Double.POSITIVE_INFINITY;
                int bi = -1;
                int bj = -1;
                for (int a : members.get(ci)) {
                    for (int b : members.get(cj)) {
                        double d = 0;
                        for (int f = 0; f < samples[a].length; f++) {
                            double t = samples[a][f] - samples[b][f];
                            d += t * t;
                        }
                        d = Math.sqrt(d);
                        if (d < best) {
                            best = d;
                            bi = a;
                            bj = b;
                        }
                    }
                }
                sym[bi][bj] = true;
                sym[bj][bi] = true;
            }
        }
    }
}
