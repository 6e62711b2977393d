package org.pathways.model;

/**
 * Position embeddings of a ViT on a grid other than its checkpoint's, the ways the reference code bases do it. The
 * resampling modes are separable: one small (out x in) matrix per axis.
 * <ul>
 *   <li>{@link Mode#DINO}: facebookresearch/dino, {@code F.interpolate(bicubic, scale_factor=((H0+0.1)/h, (W0+0.1)/w))};
 *       coordinates map with 1/scale; Keys cubic a = -0.75, border taps clamped.
 *   <li>{@link Mode#SIZE}: Hugging Face transformers (CLIP, ViTMAE), bicubic to a target size, no antialias.
 *   <li>{@link Mode#TIMM_ANTIALIAS}: timm's {@code resample_abs_pos_embed}, antialiased bicubic (PIL-style, a = -0.5,
 *       support widened when shrinking, taps limited to the grid and renormalised).
 *   <li>{@link Mode#SINCOS}: the MAE authors' code, which recomputes the fixed 2-D sin-cos table for the new grid.
 * </ul>
 * Written in Java because DJL's interpolation takes only a size and has no antialiasing.
 */
public final class PositionalEmbedding {
    /** How a checkpoint's position embeddings follow the image's grid. */
    public enum Mode { DINO, SIZE, TIMM_ANTIALIAS, SINCOS }

    private PositionalEmbedding() {}

    /**
     * A table with one class token first and an h x w patch grid after it, as (1 + h*w) x D values, for an h0 x w0
     * grid; the class slot is kept as is.
     */
    public static float[] resampleTokens(float[] table, int dim, int h, int w, int h0, int w0, Mode mode) {
        float[] out = new float[(1 + h0 * w0) * dim];
        System.arraycopy(table, 0, out, 0, dim);
        if (mode == Mode.SINCOS) {
            float[] grid = sinCos(dim, h0, w0);
            System.arraycopy(grid, 0, out, dim, grid.length);
            return out;
        }
        double[] channels = new double[dim * h * w];
        for (int t = 0; t < h * w; t++) for (int c = 0; c < dim; c++) channels[c * h * w + t] = table[(t + 1) * dim + c];
        double[] resampled = resample(channels, dim, h, w, h0, w0, mode);
        for (int t = 0; t < h0 * w0; t++) for (int c = 0; c < dim; c++) out[(t + 1) * dim + c] = (float) resampled[c * h0 * w0 + t];
        return out;
    }

    /** C x h x w values resampled to C x outH x outW. */
    public static double[] resample(double[] grid, int channels, int h, int w, int outH, int outW, Mode mode) {
        double[][] my = matrix(h, outH, mode);
        double[][] mx = matrix(w, outW, mode);
        double[] rows = new double[channels * outH * w];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < outH; y++) {
                for (int x = 0; x < w; x++) {
                    double s = 0;
                    for (int k = 0; k < h; k++) s += my[y][k] * grid[(c * h + k) * w + x];
                    rows[(c * outH + y) * w + x] = s;
                }
            }
        }
        double[] out = new double[channels * outH * outW];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < outH; y++) {
                for (int x = 0; x < outW; x++) {
                    double s = 0;
                    for (int k = 0; k < w; k++) s += mx[x][k] * rows[(c * outH + y) * w + k];
                    out[(c * outH + y) * outW + x] = s;
                }
            }
        }
        return out;
    }

    /** The (out x in) interpolation matrix of one axis. */
    static double[][] matrix(int in, int out, Mode mode) {
        return switch (mode) {
            case DINO -> bicubic(in, out, 1 / ((out + 0.1) / in));
            case SIZE -> bicubic(in, out, (double) in / out);
            case TIMM_ANTIALIAS -> antialiased(in, out);
            case SINCOS -> throw new IllegalArgumentException("sin-cos tables are recomputed, not resampled");
        };
    }

    /** PyTorch's bicubic: src = (dst + 0.5) * step - 0.5 (not clamped for cubic), a = -0.75, taps clamped. */
    private static double[][] bicubic(int in, int out, double step) {
        double a = -0.75;
        double[][] m = new double[out][in];
        for (int o = 0; o < out; o++) {
            double src = (o + 0.5) * step - 0.5;
            int base = (int) Math.floor(src);
            double t = src - base;
            double[] weights = {far(t + 1, a), near(t, a), near(1 - t, a), far(2 - t, a)};
            for (int k = 0; k < 4; k++) m[o][Math.min(in - 1, Math.max(0, base - 1 + k))] += weights[k];
        }
        return m;
    }

    /** PyTorch's antialiased bicubic (PIL's): a = -0.5, support 2 * max(scale, 1), weights renormalised. */
    private static double[][] antialiased(int in, int out) {
        double scale = (double) in / out;
        double support = scale >= 1 ? 2 * scale : 2;
        double invScale = scale >= 1 ? 1 / scale : 1;
        double[][] m = new double[out][in];
        for (int o = 0; o < out; o++) {
            double centre = scale * (o + 0.5);
            int lo = Math.max((int) (centre - support + 0.5), 0);
            int hi = Math.min((int) (centre + support + 0.5), in);
            double total = 0;
            for (int j = lo; j < hi; j++) total += m[o][j] = pilCubic((j - centre + 0.5) * invScale);
            if (total != 0) for (int j = lo; j < hi; j++) m[o][j] /= total;
        }
        return m;
    }

    private static double pilCubic(double x) {
        double a = -0.5;
        x = Math.abs(x);
        if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
        if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
        return 0;
    }

    private static double near(double x, double a) {
        return ((a + 2) * x - (a + 3)) * x * x + 1;
    }

    private static double far(double x, double a) {
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
    }

    /**
     * MAE's fixed 2-D sin-cos table for an h x w grid, (h*w) x D, row-major: the first half of each vector encodes the
     * column (x) and the second the row (y), each as [sin | cos] of pos / 10000^(2i / (D/2)).
     */
    public static float[] sinCos(int dim, int h, int w) {
        if (dim % 4 != 0) throw new IllegalArgumentException("sin-cos position embeddings need a dimension divisible by 4, got " + dim);
        int quarter = dim / 4;
        float[] out = new float[h * w * dim];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int base = (y * w + x) * dim;
                for (int i = 0; i < quarter; i++) {
                    double omega = 1 / Math.pow(10000, i / (double) (dim / 4));
                    out[base + i] = (float) Math.sin(x * omega);
                    out[base + quarter + i] = (float) Math.cos(x * omega);
                    out[base + 2 * quarter + i] = (float) Math.sin(y * omega);
                    out[base + 3 * quarter + i] = (float) Math.cos(y * omega);
                }
            }
        }
        return out;
    }
}
