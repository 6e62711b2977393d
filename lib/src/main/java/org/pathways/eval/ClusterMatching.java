package org.pathways.eval;

import java.util.Arrays;
import org.jgrapht.Graph;
import org.jgrapht.alg.interfaces.MatchingAlgorithm;
import org.jgrapht.alg.matching.KuhnMunkresMinimalWeightBipartitePerfectMatching;
import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleWeightedGraph;
import org.pathways.common.InvalidInputException;

/**
 * How often each cluster meets each ground-truth class over a whole data set, and the cluster-to-class assignment
 * read from it: the first pass of the authors' {@code eval_utils.py eval_semantic_segmentation} ({@code
 * label_matching}: rows = clusters, column 0 = ignored pixels, column c + 1 = class c). As there, the number of
 * clusters equals the number of classes.
 */
public final class ClusterMatching {
    /** How clusters become classes: the authors evaluate both. */
    public enum Rule {
        /** One-to-one, maximising the matched pixels (scipy's {@code linear_sum_assignment(maximize=True)}). */
        HUNGARIAN("hungarian"),
        /** Each cluster to the class it overlaps most ({@code argmax}); several clusters may share a class. */
        GREEDY("greedy");

        private final String label;

        Rule(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final int classes;
    private final long[][] counts;

    public ClusterMatching(int classes) {
        if (classes < 1) throw new IllegalArgumentException("classes must be >= 1, got " + classes);
        this.classes = classes;
        this.counts = new long[classes][classes + 1];
    }

    public int classes() {
        return classes;
    }

    /**
     * Adds one image: a cluster id (0..classes-1) and a label (0..classes-1, or {@code ignore}) per pixel, the same size.
     *
     * @throws InvalidInputException naming the pixel when a value is out of range
     */
    public void add(int[] clusters, int[] labels, int ignore, String where) {
        if (clusters.length != labels.length) throw new IllegalArgumentException(where + ": " + clusters.length + " clusters for " + labels.length + " labels");
        for (int p = 0; p < clusters.length; p++) {
            int c = clusters[p];
            if (c < 0 || c >= classes) throw new InvalidInputException(where + ": cluster id " + c + " at pixel " + p + " is outside 0.." + (classes - 1));
            int l = labels[p];
            if (l == ignore) {
                counts[c][0]++;
            } else if (l < 0 || l >= classes) {
                throw new InvalidInputException(where + ": label " + l + " at pixel " + p + " is outside 0.." + (classes - 1) + " and is not the ignore value " + ignore);
            } else {
                counts[c][l + 1]++;
            }
        }
    }

    /** The counts, clusters x (1 + classes), column 0 = ignored pixels (a copy). */
    public long[][] counts() {
        long[][] copy = new long[classes][];
        for (int c = 0; c < classes; c++) copy[c] = counts[c].clone();
        return copy;
    }

    /** The class of each cluster. */
    public int[] assignment(Rule rule) {
        return rule == Rule.HUNGARIAN ? hungarian() : greedy();
    }

    /** argmax over the classes, the first on ties (as torch's argmax). */
    private int[] greedy() {
        int[] out = new int[classes];
        for (int c = 0; c < classes; c++) {
            int best = 0;
            for (int l = 1; l < classes; l++) if (counts[c][l + 1] > counts[c][best + 1]) best = l;
            out[c] = best;
        }
        return out;
    }

    /**
     * The one-to-one assignment with the most matched pixels: JGraphT's Kuhn-Munkres on the complete bipartite graph
     * with weight = (largest count - count), which turns its minimum into our maximum. Counts stay exact in double.
     */
    private int[] hungarian() {
        long max = 0;
        for (long[] row : counts) for (int l = 1; l <= classes; l++) max = Math.max(max, row[l]);
        Graph<Integer, DefaultWeightedEdge> graph = new SimpleWeightedGraph<>(DefaultWeightedEdge.class);
        java.util.Set<Integer> clusterSide = new java.util.LinkedHashSet<>();
        java.util.Set<Integer> classSide = new java.util.LinkedHashSet<>();
        for (int c = 0; c < classes; c++) {
            graph.addVertex(c);
            clusterSide.add(c);
        }
        for (int l = 0; l < classes; l++) {
            graph.addVertex(classes + l);
            classSide.add(classes + l);
        }
        for (int c = 0; c < classes; c++) {
            for (int l = 0; l < classes; l++) {
                DefaultWeightedEdge e = graph.addEdge(c, classes + l);
                graph.setEdgeWeight(e, (double) (max - counts[c][l + 1]));
            }
        }
        MatchingAlgorithm.Matching<Integer, DefaultWeightedEdge> matching =
                new KuhnMunkresMinimalWeightBipartitePerfectMatching<>(graph, clusterSide, classSide).getMatching();
        int[] out = new int[classes];
        Arrays.fill(out, -1);
        for (DefaultWeightedEdge e : matching.getEdges()) {
            int a = graph.getEdgeSource(e);
            int b = graph.getEdgeTarget(e);
            int cluster = Math.min(a, b);
            out[cluster] = Math.max(a, b) - classes;
        }
        return out;
    }

    /** The total matched pixels of an assignment (what Hungarian maximises). */
    public long matched(int[] assignment) {
        long s = 0;
        for (int c = 0; c < classes; c++) s += counts[c][assignment[c] + 1];
        return s;
    }
}
