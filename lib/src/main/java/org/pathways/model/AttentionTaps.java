package org.pathways.model;

import java.util.List;

/**
 * One image's attention inputs, layer by layer, with the CLS token dropped: the queries, keys and values that the
 * data-set graphs are built from (paper Sec. 3.3: Q-K graphs for the "where" pathway, V-V graphs for the "what").
 *
 * @param layers in model order
 */
public record AttentionTaps(List<Layer> layers) {
    public AttentionTaps {
        layers = List.copyOf(layers);
    }

    /**
     * One layer over an h x w grid: {@code heads x n x qkDim} queries and keys and {@code heads x n x vDim} values
     * (n = h w, row-major, node y w + x). Queries and keys, or values, are null when the caller did not ask for them.
     */
    public record Layer(String name, int height, int width, int heads, int qkDim, int vDim, float[] q, float[] k, float[] v) {
        public Layer {
            int n = height * width;
            for (float[] a : new float[][] {q, k}) {
                if (a != null && a.length != heads * n * qkDim) throw new IllegalArgumentException(name + ": " + a.length + " values are not " + heads + " x " + n + " x " + qkDim);
            }
            if (v != null && v.length != heads * n * vDim) throw new IllegalArgumentException(name + ": " + v.length + " values are not " + heads + " x " + n + " x " + vDim);
        }

        public int nodes() {
            return height * width;
        }

        /** The heads side by side: 1 x n x (heads dim), the authors' deployed layout. */
        public Layer concatenated() {
            if (heads == 1) return this;
            return new Layer(name, height, width, 1, heads * qkDim, heads * vDim, join(q, qkDim), join(k, qkDim), join(v, vDim));
        }

        private float[] join(float[] x, int dim) {
            if (x == null) return null;
            int n = nodes();
            float[] out = new float[x.length];
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < n; i++) System.arraycopy(x, (h * n + i) * dim, out, (i * heads + h) * dim, dim);
            }
            return out;
        }
    }
}
