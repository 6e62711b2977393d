package org.pathways.eval.coco;

import java.util.Arrays;

/**
 * Polygon rasterisation exactly as pycocotools does it: a port of {@code rleFrPoly} in cocoapi's
 * {@code common/maskApi.c} (written anew from reading it). The boundary is upsampled 5x onto integer points, the
 * points where it crosses a pixel column's centre line are kept, each gives the first row inside the polygon in that
 * column, and the sorted crossings become run lengths directly (an even-odd fill). Its own rounding decides which
 * border pixels are in: the integer square (2,2)-(10,10) covers pixels 2..9, the square (2.5,2.5)-(10.5,10.5) covers
 * 3..10. Vertices outside the image are clipped.
 */
public final class PolygonRaster {
    private PolygonRaster() {}

    /** Scale of the boundary upsampling (rleFrPoly's {@code scale=5}). */
    private static final double SCALE = 5;

    /**
     * Rasterises one polygon, {@code xy} = x0, y0, x1, y1, ... (an odd trailing value is ignored, as pycocotools'
     * {@code frPoly} passes {@code int(len(p)/2)} vertices), on an h x w image.
     */
    public static Rle rasterise(double[] xy, int height, int width) {
        int k = xy.length / 2;
        if (k == 0) throw new IllegalArgumentException("a polygon needs at least one vertex");
        // upsample and get discrete points densely along the entire boundary
        int[] x = new int[k + 1];
        int[] y = new int[k + 1];
        for (int j = 0; j < k; j++) x[j] = cInt(SCALE * xy[j * 2] + .5);
        x[k] = x[0];
        for (int j = 0; j < k; j++) y[j] = cInt(SCALE * xy[j * 2 + 1] + .5);
        y[k] = y[0];
        long total = 0;
        for (int j = 0; j < k; j++) total += Math.max(Math.abs((long) x[j] - x[j + 1]), Math.abs((long) y[j] - y[j + 1])) + 1;
        if (total > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("polygon too large to rasterise");
        int[] u = new int[(int) total];
        int[] v = new int[(int) total];
        int m = 0;
        for (int j = 0; j < k; j++) {
            int xs = x[j];
            int xe = x[j + 1];
            int ys = y[j];
            int ye = y[j + 1];
            int dx = Math.abs(xe - xs);
            int dy = Math.abs(ys - ye);
            boolean flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
            if (flip) {
                int t = xs;
                xs = xe;
                xe = t;
                t = ys;
                ys = ye;
                ye = t;
            }
            double s = dx >= dy ? (double) (ye - ys) / dx : (double) (xe - xs) / dy;
            if (dx >= dy) {
                for (int d = 0; d <= dx; d++) {
                    int t = flip ? dx - d : d;
                    u[m] = t + xs;
                    v[m] = cInt(ys + s * t + .5);
                    m++;
                }
            } else {
                for (int d = 0; d <= dy; d++) {
                    int t = flip ? dy - d : d;
                    v[m] = t + ys;
                    u[m] = cInt(xs + s * t + .5);
                    m++;
                }
            }
        }
        // get points along the y-boundary and downsample
        k = m;
        m = 0;
        int[] bx = new int[k];
        int[] by = new int[k];
        for (int j = 1; j < k; j++) {
            if (u[j] == u[j - 1]) continue;
            double xd = u[j] < u[j - 1] ? u[j] : u[j] - 1;
            xd = (xd + .5) / SCALE - .5;
            if (Math.floor(xd) != xd || xd < 0 || xd > width - 1) continue;
            double yd = v[j] < v[j - 1] ? v[j] : v[j - 1];
            yd = (yd + .5) / SCALE - .5;
            if (yd < 0) yd = 0;
            else if (yd > height) yd = height;
            yd = Math.ceil(yd);
            bx[m] = (int) xd;
            by[m] = (int) yd;
            m++;
        }
        // compute the rle encoding given the y-boundary points
        k = m;
        long[] a = new long[k + 1];
        for (int j = 0; j < k; j++) a[j] = ((long) bx[j] * height + by[j]) & 0xffffffffL;
        a[k++] = ((long) height * width) & 0xffffffffL;
        Arrays.sort(a, 0, k);
        long p = 0;
        for (int j = 0; j < k; j++) {
            long t = a[j];
            a[j] -= p;
            p = t;
        }
        int[] b = new int[k];
        int j = 0;
        m = 0;
        b[m++] = (int) a[j++];
        while (j < k) {
            if (a[j] > 0) {
                b[m++] = (int) a[j++];
            } else {
                j++;
                if (j < k) b[m - 1] += (int) a[j++];
            }
        }
        return Rle.ofRuns(height, width, Arrays.copyOf(b, m));
    }

    /**
     * C's {@code (int)} of a double as x86-64 compiles it (cvttsd2si): truncation toward zero, and the "integer
     * indefinite" value INT_MIN for NaN and out-of-range values (a repeated vertex makes rleFrPoly compute 0/0).
     */
    static int cInt(double value) {
        if (Double.isNaN(value) || value >= 2147483648.0 || value <= -2147483649.0) return Integer.MIN_VALUE;
        return (int) value;
    }
}
