package org.pathways.eval;

import org.pathways.common.InvalidInputException;

/**
 * Bilinear resizing of channel-major feature maps with the semantics of PyTorch's
 * {@code F.interpolate(mode="bilinear", align_corners=False)} without antialiasing: output cell {@code d} samples the
 * input at {@code (d + 0.5) * in / out - 0.5}, clamped below at 0, between the two nearest input cells (the upper one
 * clamped to the last cell). Written from that formula as PyTorch documents it ({@code area_pixel_compute_source_index}
 * in ATen's UpSample.h); shrinking uses the same two-tap rule, as PyTorch does when {@code antialias=False}.
 */
public final class Bilinear {
    private Bilinear() {}

    /**
     * {@code channels} maps of {@code height x width} (channel-major, row-major within a channel) resized to
     * {@code outHeight x outWidth}; the input is returned copied when the size does not change.
     */
    public static double[] resize(double[] maps, int channels, int height, int width, int outHeight, int outWidth) {
        if (channels < 1 || height < 1 || width < 1 || outHeight < 1 || outWidth < 1) {
            throw new InvalidInputException("bilinear resize: sizes must be positive, got " + channels + " x " + height + " x " + width + " -> " + outHeight + " x " + outWidth);
        }
        if (maps.length != (long) channels * height * width) {
            throw new InvalidInputException("bilinear resize: " + maps.length + " values, expected " + channels + " x " + height + " x " + width);
        }
        if (height == outHeight && width == outWidth) return maps.clone();
        Taps rows = Taps.of(height, outHeight);
        Taps cols = Taps.of(width, outWidth);
        double[] out = new double[channels * outHeight * outWidth];
        for (int c = 0; c < channels; c++) {
            int in = c * height * width;
            int o = c * outHeight * outWidth;
            for (int y = 0; y < outHeight; y++) {
                int top = in + rows.low[y] * width;
                int bottom = in + rows.high[y] * width;
                double wy = rows.weight[y];
                for (int x = 0; x < outWidth; x++) {
                    int l = cols.low[x];
                    int r = cols.high[x];
                    double wx = cols.weight[x];
                    double upper = maps[top + l] * (1 - wx) + maps[top + r] * wx;
                    double lower = maps[bottom + l] * (1 - wx) + maps[bottom + r] * wx;
                    out[o + y * outWidth + x] = upper * (1 - wy) + lower * wy;
                }
            }
        }
        return out;
    }

    /** For each output index along one axis: the two input indices it blends and the weight of the upper one. */
    private record Taps(int[] low, int[] high, double[] weight) {
        static Taps of(int in, int out) {
            int[] low = new int[out];
            int[] high = new int[out];
            double[] weight = new double[out];
            double scale = (double) in / out;
            for (int d = 0; d < out; d++) {
                double source = Math.max((d + 0.5) * scale - 0.5, 0);
                int i = Math.min((int) source, in - 1);
                low[d] = i;
                high[d] = Math.min(i + 1, in - 1);
                weight[d] = source - i;
            }
            return new Taps(low, high, weight);
        }
    }
}
