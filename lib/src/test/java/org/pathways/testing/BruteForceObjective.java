package org.pathways.testing;

import java.util.List;

/**
 * The per-image objective written the slow, obvious way, for tests that must not depend on the engine or on golden
 * data: for every graph, adaptive-average-pool X to its grid (PyTorch's bins: floor(i H / h) to ceil((i + 1) H / h)),
 * L2-normalise every channel over the pixels (Z), eigenvalue estimates z_c^T A z_c for every head and channel, and the
 * off-diagonal entries of Z^T Z once per graph; loss = eig * mean|eig - 1| + ortho * mean(offdiag^2) (the authors'
 * ncut_loss with weights 2 and 2 by default). The gradient is taken by central finite differences.
 */
public final class BruteForceObjective {
    /** One graph: heads x N x N row-major values over an h x w grid. */
    public record G(int heads, int height, int width, double[] values) {}

    private BruteForceObjective() {}

    /** @param x K x H x W, channel-first */
    public static double loss(List<G> graphs, double[] x, int k, int height, int width, double eigWeight, double orthoWeight) {
        double eigSum = 0;
        int eigCount = 0;
        double orthoSum = 0;
        int orthoCount = 0;
        for (G g : graphs) {
            int n = g.height() * g.width();
            double[][] z = new double[k][n];
            for (int c = 0; c < k; c++) {
                for (int gy = 0; gy < g.height(); gy++) {
                    int y0 = gy * height / g.height();
                    int y1 = -Math.floorDiv(-(gy + 1) * height, g.height());
                    for (int gx = 0; gx < g.width(); gx++) {
                        int x0 = gx * width / g.width();
                        int x1 = -Math.floorDiv(-(gx + 1) * width, g.width());
                        double s = 0;
                        for (int y = y0; y < y1; y++) for (int xx = x0; xx < x1; xx++) s += x[(c * height + y) * width + xx];
                        z[c][gy * g.width() + gx] = s / ((y1 - y0) * (x1 - x0));
                    }
                }
                double norm = 0;
                for (double v : z[c]) norm += v * v;
                norm = Math.max(Math.sqrt(norm), 1e-12);
                for (int i = 0; i < n; i++) z[c][i] /= norm;
            }
            for (int h = 0; h < g.heads(); h++) {
                for (int c = 0; c < k; c++) {
                    double e = 0;
                    for (int i = 0; i < n; i++) {
                        double row = 0;
                        for (int j = 0; j < n; j++) row += g.values()[(h * n + i) * n + j] * z[c][j];
                        e += z[c][i] * row;
                    }
                    eigSum += Math.abs(e - 1);
                    eigCount++;
                }
            }
            for (int a = 0; a < k; a++) {
                for (int b = 0; b < k; b++) {
                    if (a == b) continue;
                    double dot = 0;
                    for (int i = 0; i < n; i++) dot += z[a][i] * z[b][i];
                    orthoSum += dot * dot;
                    orthoCount++;
                }
            }
        }
        return eigWeight * eigSum / eigCount + orthoWeight * orthoSum / orthoCount;
    }

    /** dL/dX by central differences with step {@code h}. */
    public static double[] gradient(List<G> graphs, double[] x, int k, int height, int width, double eigWeight, double orthoWeight, double h) {
        double[] grad = new double[x.length];
        double[] probe = x.clone();
        for (int i = 0; i < x.length; i++) {
            probe[i] = x[i] + h;
            double up = loss(graphs, probe, k, height, width, eigWeight, orthoWeight);
            probe[i] = x[i] - h;
            double down = loss(graphs, probe, k, height, width, eigWeight, orthoWeight);
            probe[i] = x[i];
            grad[i] = (up - down) / (2 * h);
        }
        return grad;
    }
}
