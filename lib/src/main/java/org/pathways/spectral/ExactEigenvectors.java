package org.pathways.spectral;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.pathways.affinity.Graph;

/**
 * The exact leading eigenvectors of one graph head's symmetric part S = (A + A^T)/2 (EJML, dense), for comparison
 * with what the learned features find across all graphs at once. Small graphs only (N up to a few thousand).
 */
public final class ExactEigenvectors {
    /** K x N eigenvectors (rows, largest eigenvalue first) and their eigenvalues. */
    public record Result(int count, int nodes, double[] vectors, double[] values) {}

    private ExactEigenvectors() {}

    public static Result of(Graph graph, int head, int count) {
        int n = graph.nodes();
        DMatrixRMaj s = new DMatrixRMaj(n, n);
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) s.set(i, j, (graph.get(head, i, j) + graph.get(head, j, i)) / 2);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
        if (!eig.decompose(s)) throw new IllegalStateException("eigen-decomposition of " + graph.name() + " failed");
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        java.util.Arrays.sort(order, (a, b) -> Double.compare(eig.getEigenvalue(b).getReal(), eig.getEigenvalue(a).getReal()));
        int k = Math.min(count, n);
        double[] vectors = new double[k * n];
        double[] values = new double[k];
        for (int c = 0; c < k; c++) {
            values[c] = eig.getEigenvalue(order[c]).getReal();
            DMatrixRMaj v = eig.getEigenVector(order[c]);
            double sign = 0;
            for (int i = 0; i < n; i++) sign += v.get(i, 0);
            for (int i = 0; i < n; i++) vectors[c * n + i] = (sign < 0 ? -1 : 1) * v.get(i, 0);
        }
        return new Result(k, n, vectors, values);
    }
}
