package org.pathways.spectral;

import org.pathways.affinity.Graph;
import org.pathways.linalg.Symmetric;
import org.pathways.linalg.SymmetricEigen;

/**
 * The exact leading eigenvectors of one graph head's symmetric part S = (A + A^T)/2 ({@link SymmetricEigen}, dense),
 * for comparison with what the learned features find across all graphs at once. Small graphs only (N up to a few
 * thousand).
 */
public final class ExactEigenvectors {
    /** K x N eigenvectors (rows, largest eigenvalue first, largest |entry| positive) and their eigenvalues. */
    public record Result(int count, int nodes, double[] vectors, double[] values) {}

    private ExactEigenvectors() {}

    public static Result of(Graph graph, int head, int count) {
        int n = graph.nodes();
        SymmetricEigen.Pairs pairs = SymmetricEigen.largest(Symmetric.matrix(graph.head(head)), count);
        int k = pairs.count();
        double[] vectors = new double[k * n];
        for (int c = 0; c < k; c++) System.arraycopy(pairs.vectors()[c], 0, vectors, c * n, n);
        return new Result(k, n, vectors, pairs.values());
    }
}
