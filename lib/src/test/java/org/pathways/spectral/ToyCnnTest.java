package org.pathways.spectral;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class ToyCnnTest {
    @Test
    void outputHasKChannelsAtTheGrid() {
        try (NDManager m = NDManager.newBaseManager()) {
            ToyCnn cnn = new ToyCnn(m, new ToyCnn.Config(6, 5, 8, 16), DataType.FLOAT64, 1);
            NDArray logits = cnn.logits();
            assertArrayEquals(new long[] {1, 6, 5, 8}, logits.getShape().getShape());
            assertEquals(11, cnn.parameters().size());
        }
    }

    /**
     * Training-mode BatchNorm2d against its definition computed here by hand: per channel, (x - mean) / sqrt(var + eps)
     * with the biased variance over the pixels, times gamma plus beta; with gamma 1 and beta 0 every channel has mean
     * 0 and variance var / (var + eps).
     */
    @Test
    void batchNormUsesTheBatchStatisticsOfEachChannel() {
        try (NDManager m = NDManager.newBaseManager()) {
            java.util.Random r = new java.util.Random(2);
            int c = 3;
            int n = 4 * 5;
            double[] x = new double[c * n];
            for (int i = 0; i < x.length; i++) x[i] = 3 + 2 * r.nextGaussian() * (1 + i / n);
            double[] gamma = {1.5, -0.5, 2};
            double[] beta = {0.1, 0, -1};
            double eps = 1e-5;
            NDArray out = ToyCnn.batchNorm(Constants.owned(m.create(x, new Shape(1, c, 4, 5)), DataType.FLOAT64),
                    Constants.owned(m.create(gamma), DataType.FLOAT64), Constants.owned(m.create(beta), DataType.FLOAT64), Constants.of(m, eps, DataType.FLOAT64));
            double[] got = out.toDoubleArray();
            for (int ch = 0; ch < c; ch++) {
                double mean = 0;
                for (int i = 0; i < n; i++) mean += x[ch * n + i] / n;
                double var = 0;
                for (int i = 0; i < n; i++) var += (x[ch * n + i] - mean) * (x[ch * n + i] - mean) / n;
                for (int i = 0; i < n; i++) {
                    double want = (x[ch * n + i] - mean) / Math.sqrt(var + eps) * gamma[ch] + beta[ch];
                    assertEquals(want, got[ch * n + i], 1e-12, "channel " + ch + " pixel " + i);
                }
            }
        }
    }

    /**
     * The ToyCNN's backward pass (its convolutions, BatchNorm and ReLUs) against central finite differences, float64:
     * d/dtheta of sum(logits * R) for a fixed random R, on entries of every parameter.
     */
    @Test
    void backwardMatchesCentralFiniteDifferences() {
        try (NDManager m = NDManager.newBaseManager()) {
            ToyCnn cnn = new ToyCnn(m, new ToyCnn.Config(3, 4, 5, 6), DataType.FLOAT64, 4);
            java.util.Random random = new java.util.Random(9);
            double[] weights = new double[3 * 4 * 5];
            for (int i = 0; i < weights.length; i++) weights[i] = random.nextGaussian();
            NDArray r = Constants.owned(m.create(weights, new Shape(1, 3, 4, 5)), DataType.FLOAT64);
            java.util.List<double[]> analytic = new java.util.ArrayList<>();
            Autograd.collect(collector -> {
                collector.backward(cnn.logits().mul(r).sum());
                return null;
            });
            for (NDArray p : cnn.parameters()) analytic.add(p.getGradient().toDoubleArray());
            double h = 1e-6;
            double worst = 0;
            double scale = 0;
            for (int q = 0; q < cnn.parameters().size(); q++) {
                NDArray p = cnn.parameters().get(q);
                double[] values = p.toDoubleArray();
                for (int i = 0; i < values.length; i += Math.max(1, values.length / 7)) {
                    double keep = values[i];
                    values[i] = keep + h;
                    p.set(java.nio.DoubleBuffer.wrap(values));
                    double up = cnn.logits().mul(r).sum().getDouble();
                    values[i] = keep - h;
                    p.set(java.nio.DoubleBuffer.wrap(values));
                    double down = cnn.logits().mul(r).sum().getDouble();
                    values[i] = keep;
                    p.set(java.nio.DoubleBuffer.wrap(values));
                    double numeric = (up - down) / (2 * h);
                    worst = Math.max(worst, Math.abs(numeric - analytic.get(q)[i]));
                    scale = Math.max(scale, Math.abs(numeric));
                }
            }
            assertTrue(scale > 1e-2, "gradients are not trivial");
            assertTrue(worst < 1e-6 * scale, "max |FD - autograd| " + worst + " at gradient scale " + scale);
        }
    }
}
