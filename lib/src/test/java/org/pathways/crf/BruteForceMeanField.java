package org.pathways.crf;

/**
 * The dense CRF's mean field with exact Gaussian sums, O(N^2) per iteration, in double: the independent reference the
 * lattice implementation is checked against. Kernels {@code k(f_i, f_j) = exp(-|f_i - f_j|^2 / 2)} on densecrf's
 * features (position / sxy; position / sxy and BGR / srgb), the pixel's own term included, normalised symmetrically
 * ({@code norm_i = 1/sqrt(sum_j k_ij + 1e-20)}), Potts weights added to the negative unary, softmax per pixel
 * (Krähenbühl and Koltun 2011, eqs. 4 and 15; densecrf's DenseKernel and DenseCRF::inference).
 */
final class BruteForceMeanField {
    private BruteForceMeanField() {}

    /** Marginals, classes x pixels, class after class; unary laid out the same way. */
    static double[] marginals(float[] unary, int classes, BgrImage image, DenseCrf.Settings settings) {
        int h = image.height();
        int w = image.width();
        int n = h * w;
        double[][] position = new double[n][];
        double[][] bilateral = new double[n][];
        for (int i = 0; i < n; i++) {
            int x = i % w;
            int y = i / w;
            position[i] = new double[] {x / settings.gaussianSxy(), y / settings.gaussianSxy()};
            double s = settings.bilateralSxy();
            double r = settings.bilateralSrgb();
            bilateral[i] = new double[] {x / s, y / s, image.channel(i, 0) / r, image.channel(i, 1) / r, image.channel(i, 2) / r};
        }
        double[][] gaussian = normalisedKernel(position);
        double[][] bilateralKernel = normalisedKernel(bilateral);

        double[] q = new double[classes * n];
        double[] energy = new double[classes * n];
        for (int i = 0; i < classes * n; i++) energy[i] = -unary[i];
        softmax(energy, q, classes, n);
        for (int it = 0; it < settings.iterations(); it++) {
            for (int c = 0; c < classes; c++) {
                for (int i = 0; i < n; i++) {
                    double g = 0;
                    double b = 0;
                    for (int j = 0; j < n; j++) {
                        g += gaussian[i][j] * q[c * n + j];
                        b += bilateralKernel[i][j] * q[c * n + j];
                    }
                    energy[c * n + i] = -unary[c * n + i] + settings.gaussianCompat() * g + settings.bilateralCompat() * b;
                }
            }
            softmax(energy, q, classes, n);
        }
        return q;
    }

    /** norm_i k_ij norm_j with the exact Gaussian. */
    private static double[][] normalisedKernel(double[][] f) {
        int n = f.length;
        double[][] k = new double[n][n];
        double[] norm = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double d2 = 0;
                for (int t = 0; t < f[i].length; t++) d2 += (f[i][t] - f[j][t]) * (f[i][t] - f[j][t]);
                k[i][j] = Math.exp(-0.5 * d2);
                norm[i] += k[i][j];
            }
        }
        for (int i = 0; i < n; i++) norm[i] = 1 / Math.sqrt(norm[i] + 1e-20);
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) k[i][j] *= norm[i] * norm[j];
        return k;
    }

    private static void softmax(double[] energy, double[] q, int classes, int n) {
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) max = Math.max(max, energy[c * n + i]);
            double sum = 0;
            for (int c = 0; c < classes; c++) sum += Math.exp(energy[c * n + i] - max);
            for (int c = 0; c < classes; c++) q[c * n + i] = Math.exp(energy[c * n + i] - max) / sum;
        }
    }
}
