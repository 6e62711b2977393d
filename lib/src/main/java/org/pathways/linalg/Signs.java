package org.pathways.linalg;

/**
 * The one sign rule for eigenvectors and singular vectors, which are defined up to sign: the entry of largest
 * magnitude is made positive. Entries within a relative {@link #TIE} of the largest count as equal and the first of
 * them decides, so that rounding noise cannot choose between two entries of the same size (numpy's {@code argmax}
 * made insensitive to it). Used by {@link SymmetricEigen}, the Ncut eigenvectors and the SVD re-orthogonalisation.
 */
public final class Signs {
    /** Relative tolerance under which two magnitudes count as equal. */
    public static final double TIE = 1e-9;

    private Signs() {}

    /**
     * The first index whose value (or |value| when {@code absolute}) is within a relative {@link #TIE} of the largest,
     * relative to the largest magnitude.
     */
    public static int firstPeak(double[] x, boolean absolute) {
        double best = Double.NEGATIVE_INFINITY;
        double scale = 0;
        for (double v : x) {
            best = Math.max(best, absolute ? Math.abs(v) : v);
            scale = Math.max(scale, Math.abs(v));
        }
        double cut = best - TIE * scale;
        for (int i = 0; i < x.length; i++) if ((absolute ? Math.abs(x[i]) : x[i]) >= cut) return i;
        throw new IllegalArgumentException("no finite maximum");
    }

    /** +1 or -1: the sign that makes the vector's first largest-magnitude entry positive (+1 for a zero vector). */
    public static double of(double[] x) {
        return x[firstPeak(x, true)] < 0 ? -1 : 1;
    }

    /** Flips {@code x} in place so that its first largest-magnitude entry is positive; returns it. */
    public static double[] fix(double[] x) {
        if (of(x) < 0) for (int i = 0; i < x.length; i++) x[i] = -x[i];
        return x;
    }
}
