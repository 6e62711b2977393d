package org.pathways.model;

/**
 * Resampling of a ViT's patch position embeddings (C x h x w grid) to another grid, the ways the reference code
 * bases do it. All are PyTorch's bicubic ({@code F.interpolate(mode='bicubic', align_corners=False)}, Keys cubic with
 * a = -0.75, taps clamped at the border); they differ in how output coordinates map to input coordinates.
 * Written in Java because DJL's interpolation takes only a size, not DINO's scale factor.
 */
public final class PositionalEmbedding {
    /** How a checkpoint's position embeddings are resampled to a new grid. */
    public enum Mode {
        /** facebookresearch/dino: scale factor ((H0 + 0.1) / h, (W0 + 0.1) / w); coordinates map with 1/scale. */
        DINO,
        /** Hugging Face transformers: target size; coordinates map with in/out. */
        SIZE
    }

    private static final double A = -0.75;

    private PositionalEmbedding() {}

    /**
     * @param grid C x h x w values, channel-first
     * @return C x outH x outW
     */
    public static double[] resample(double[] grid, int channels, int h, int w, int outH, int outW, Mode mode) {
        double scaleY = mode == Mode.DINO ? (outH + 0.1) / h : (double) outH / h;
        double scaleX = mode == Mode.DINO ? (outW + 0.1) / w : (double) outW / w;
        Taps ty = taps(h, outH, 1 / scaleY);
        Taps tx = taps(w, outW, 1 / scaleX);
        double[] rows = new double[channels * outH * w];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < outH; y++) {
                for (int x = 0; x < w; x++) {
                    double s = 0;
                    for (int k = 0; k < 4; k++) s += ty.weight[y][k] * grid[(c * h + ty.index[y][k]) * w + x];
                    rows[(c * outH + y) * w + x] = s;
                }
            }
        }
        double[] out = new double[channels * outH * outW];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < outH; y++) {
                for (int x = 0; x < outW; x++) {
                    double s = 0;
                    for (int k = 0; k < 4; k++) s += tx.weight[x][k] * rows[(c * outH + y) * w + tx.index[x][k]];
                    out[(c * outH + y) * outW + x] = s;
                }
            }
        }
        return out;
    }

    /**
     * A position table with one class token first and an h x w patch grid after it, as
     * (1 + h*w) x D values, resampled to an h0 x w0 grid; the class slot is kept as is.
     */
    public static float[] resampleTokens(float[] table, int dim, int h, int w, int h0, int w0, Mode mode) {
        double[] channels = new double[dim * h * w];
        for (int t = 0; t < h * w; t++) for (int c = 0; c < dim; c++) channels[c * h * w + t] = table[(t + 1) * dim + c];
        double[] resampled = resample(channels, dim, h, w, h0, w0, mode);
        float[] out = new float[(1 + h0 * w0) * dim];
        System.arraycopy(table, 0, out, 0, dim);
        for (int t = 0; t < h0 * w0; t++) for (int c = 0; c < dim; c++) out[(t + 1) * dim + c] = (float) resampled[c * h0 * w0 + t];
        return out;
    }

    private record Taps(int[][] index, double[][] weight) {}

    /** For each output position: 4 clamped source indices and their cubic weights; src = (dst + 0.5) * step - 0.5. */
    private static Taps taps(int in, int out, double step) {
        int[][] index = new int[out][4];
        double[][] weight = new double[out][4];
        for (int o = 0; o < out; o++) {
            double src = (o + 0.5) * step - 0.5; // not clamped at 0 for cubic, as in PyTorch
            int base = (int) Math.floor(src);
            double t = src - base;
            weight[o][0] = far(t + 1);
            weight[o][1] = near(t);
            weight[o][2] = near(1 - t);
            weight[o][3] = far(2 - t);
            for (int k = 0; k < 4; k++) index[o][k] = Math.min(in - 1, Math.max(0, base - 1 + k));
        }
        return new Taps(index, weight);
    }

    private static double near(double x) {
        return ((A + 2) * x - (A + 3)) * x * x + 1;
    }

    private static double far(double x) {
        return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
    }
}
