package org.pathways.crf;

import org.pathways.common.InvalidInputException;

/**
 * A predicted class map at grid resolution: {@code labels[y*width + x]} in 0..classes-1 (e.g. the 32 x 32 K-means
 * clusters matched to the 27 COCO-Stuff classes).
 */
public record ClassGrid(int[] labels, int height, int width, int classes) {
    public ClassGrid {
        if (height < 1 || width < 1) throw new InvalidInputException("class grid: size " + height + " x " + width + " must be at least 1 x 1");
        if (classes < 1) throw new InvalidInputException("class grid: " + classes + " classes, need at least 1");
        if (labels == null || labels.length != height * width)
            throw new InvalidInputException("class grid: " + (labels == null ? "no" : labels.length) + " labels for a " + height + " x " + width + " grid");
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes)
                throw new InvalidInputException("class grid: value " + labels[i] + " at row " + i / width + ", column " + i % width + " is outside 0.." + (classes - 1));
        }
    }

    /**
     * The one-hot map (classes x height x width, class after class) resized bilinearly as torch
     * {@code F.interpolate(one_hot, size, mode='bilinear', align_corners=False)} does, which is how the authors'
     * {@code batch_crf} (eval_utils.py) brings the grid to image size: source coordinate
     * {@code (dst + 0.5) * in/out - 0.5} clamped at 0, the upper neighbour clamped at the last row or column, float
     * weights, rows' weights outside columns' (ATen's separable {@code upsample_bilinear2d} CPU kernel).
     */
    public float[] upsampledOneHot(int outHeight, int outWidth) {
        if (outHeight < 1 || outWidth < 1) throw new InvalidInputException("bilinear upsampling: output size " + outHeight + " x " + outWidth + " must be at least 1 x 1");
        Axis rows = Axis.of(height, outHeight);
        Axis cols = Axis.of(width, outWidth);
        int n = outHeight * outWidth;
        float[] out = new float[classes * n];
        int[] corners = new int[4];
        for (int y = 0; y < outHeight; y++) {
            int top = rows.lower[y] * width;
            int bottom = (rows.lower[y] + rows.step[y]) * width;
            float h0 = rows.lowerWeight[y];
            float h1 = rows.upperWeight[y];
            for (int x = 0; x < outWidth; x++) {
                int left = cols.lower[x];
                int right = left + cols.step[x];
                float w0 = cols.lowerWeight[x];
                float w1 = cols.upperWeight[x];
                corners[0] = labels[top + left];
                corners[1] = labels[top + right];
                corners[2] = labels[bottom + left];
                corners[3] = labels[bottom + right];
                // only the corner classes are non-zero; each gets torch's formula on its 0/1 indicators
                for (int k = 0; k < 4; k++) {
                    int c = corners[k];
                    if (seenBefore(corners, k)) continue;
                    float v = h0 * (w0 * one(corners[0] == c) + w1 * one(corners[1] == c))
                            + h1 * (w0 * one(corners[2] == c) + w1 * one(corners[3] == c));
                    out[c * n + y * outWidth + x] = v;
                }
            }
        }
        return out;
    }

    private static boolean seenBefore(int[] corners, int k) {
        for (int j = 0; j < k; j++) if (corners[j] == corners[k]) return true;
        return false;
    }

    private static float one(boolean b) {
        return b ? 1f : 0f;
    }

    /** Per output index along one axis: lower source index, step to the upper one (0 at the edge), and weights. */
    private record Axis(int[] lower, int[] step, float[] lowerWeight, float[] upperWeight) {
        static Axis of(int in, int out) {
            float scale = (float) in / out;
            int[] lower = new int[out];
            int[] step = new int[out];
            float[] w0 = new float[out];
            float[] w1 = new float[out];
            for (int i = 0; i < out; i++) {
                float src = scale * (i + 0.5f) - 0.5f;
                if (src < 0) src = 0;
                int i0 = (int) src;
                lower[i] = i0;
                step[i] = i0 < in - 1 ? 1 : 0;
                float l1 = Math.min(Math.max(src - i0, 0f), 1f);
                w1[i] = l1;
                w0[i] = 1f - l1;
            }
            return new Axis(lower, step, w0, w1);
        }
    }
}
