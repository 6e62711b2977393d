package org.pathways.eval.coco;

import java.util.Arrays;
import java.util.List;

/**
 * A binary mask in COCO's run-length encoding, as pycocotools' C mask API ({@code common/maskApi.c}) keeps it: an
 * h x w mask flattened in column-major order (pixel (row y, column x) has index {@code x * h + y}), stored as
 * alternating run lengths that start with a run of 0s. Counts are C {@code uint}s there; here they are ints read as
 * unsigned where it matters. Every method is a port of the maskApi.c function it names (written anew, not copied).
 */
public final class Rle {
    private final int height;
    private final int width;
    private final int[] counts;

    private Rle(int height, int width, int[] counts) {
        this.height = height;
        this.width = width;
        this.counts = counts;
    }

    /**
     * An RLE from uncompressed counts (pycocotools' {@code frUncompressedRLE}); checks that the counts are not negative
     * and cover exactly h x w pixels.
     */
    public static Rle fromCounts(int height, int width, int[] counts) {
        checkSize(height, width);
        long sum = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] < 0) throw new IllegalArgumentException("count " + i + " is negative (" + counts[i] + ")");
            sum += counts[i];
        }
        if (sum != (long) height * width) {
            throw new IllegalArgumentException("counts sum to " + sum + " pixels, not " + height + " x " + width + " = " + (long) height * width);
        }
        return new Rle(height, width, counts.clone());
    }

    /** Encodes a mask given in column-major order, values 0 or not 0 (maskApi.c rleEncode). */
    public static Rle encode(byte[] columnMajor, int height, int width) {
        checkSize(height, width);
        int area = height * width;
        if (columnMajor.length != area) throw new IllegalArgumentException(columnMajor.length + " pixels for a " + height + " x " + width + " mask");
        int[] runs = new int[area + 1];
        int k = 0;
        byte previous = 0;
        int run = 0;
        for (int j = 0; j < area; j++) {
            byte v = columnMajor[j] != 0 ? (byte) 1 : 0;
            if (v != previous) {
                runs[k++] = run;
                run = 0;
                previous = v;
            }
            run++;
        }
        runs[k++] = run;
        return new Rle(height, width, Arrays.copyOf(runs, k));
    }

    /** Encodes a mask given in row-major (C) order, as numpy holds an h x w image. */
    public static Rle encodeRowMajor(byte[] rowMajor, int height, int width) {
        if (rowMajor.length != height * width) throw new IllegalArgumentException(rowMajor.length + " pixels for a " + height + " x " + width + " mask");
        byte[] f = new byte[rowMajor.length];
        for (int y = 0; y < height; y++) for (int x = 0; x < width; x++) f[x * height + y] = rowMajor[y * width + x];
        return encode(f, height, width);
    }

    /** The mask in column-major order, 0/1 (maskApi.c rleDecode). */
    public byte[] decode() {
        byte[] out = new byte[height * width];
        int p = 0;
        byte v = 0;
        for (int c : counts) {
            Arrays.fill(out, p, p + c, v);
            p += c;
            v = (byte) (1 - v);
        }
        return out;
    }

    /** The mask in row-major (C) order, 0/1, as {@code maskUtils.decode} returns it to numpy. */
    public byte[] decodeRowMajor() {
        byte[] f = decode();
        byte[] out = new byte[f.length];
        for (int y = 0; y < height; y++) for (int x = 0; x < width; x++) out[y * width + x] = f[x * height + y];
        return out;
    }

    /**
     * Parses pycocotools' compressed counts string (maskApi.c rleFrString): 6-bit characters from '0', 5 payload bits
     * each, least significant group first, bit 0x20 = more groups follow, the sign taken from bit 0x10 of the last;
     * from the fourth count on, each is stored as the difference from the count two places before. Checks that every
     * character is in '0'..'o', that no number is cut off, and that the counts cover h x w pixels.
     */
    public static Rle fromString(String s, int height, int width) {
        checkSize(height, width);
        int[] cnts = new int[s.length()];
        int m = 0;
        int p = 0;
        while (p < s.length()) {
            long x = 0;
            int k = 0;
            boolean more = true;
            while (more) {
                if (p >= s.length()) throw new IllegalArgumentException("compressed counts end inside a number (character " + p + ")");
                char ch = s.charAt(p);
                if (ch < 48 || ch > 111) throw new IllegalArgumentException("character " + p + " '" + ch + "' of the compressed counts is not in '0'..'o'");
                int c = ch - 48;
                if (k >= 7) throw new IllegalArgumentException("count " + m + " of the compressed counts is too long");
                x |= (long) (c & 0x1f) << (5 * k);
                more = (c & 0x20) != 0;
                p++;
                k++;
                if (!more && (c & 0x10) != 0) x |= -1L << (5 * k);
            }
            if (m > 2) x += Integer.toUnsignedLong(cnts[m - 2]);
            if (x < 0 || x > (long) height * width) throw new IllegalArgumentException("count " + m + " (" + x + ") of the compressed counts is out of range");
            cnts[m++] = (int) x;
        }
        return fromCounts(height, width, Arrays.copyOf(cnts, m));
    }

    /** The compressed counts string (maskApi.c rleToString), the inverse of {@link #fromString}. */
    public String toCompressedString() {
        StringBuilder sb = new StringBuilder(counts.length * 2);
        for (int i = 0; i < counts.length; i++) {
            long x = Integer.toUnsignedLong(counts[i]);
            if (i > 2) x -= Integer.toUnsignedLong(counts[i - 2]);
            boolean more = true;
            while (more) {
                int c = (int) (x & 0x1f);
                x >>= 5; // arithmetic shift, as C's on a signed long
                more = (c & 0x10) != 0 ? x != -1 : x != 0;
                if (more) c |= 0x20;
                sb.append((char) (c + 48));
            }
        }
        return sb.toString();
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** The run lengths (a copy). */
    public int[] counts() {
        return counts.clone();
    }

    /** The number of 1 pixels: the sum of the odd-indexed counts (maskApi.c rleArea). */
    public long area() {
        long a = 0;
        for (int j = 1; j < counts.length; j += 2) a += Integer.toUnsignedLong(counts[j]);
        return a;
    }

    /**
     * The bounding box [x, y, w, h] of the 1 pixels (maskApi.c rleToBbox); [0, 0, 0, 0] for an empty mask. As there,
     * a run that wraps from one column into the next makes the box span every row.
     */
    public double[] toBbox() {
        long h = height;
        int m = (counts.length / 2) * 2;
        if (m == 0) return new double[4];
        long xs = width;
        long ys = height;
        long xe = 0;
        long ye = 0;
        long cc = 0;
        long xp = 0;
        for (int j = 0; j < m; j++) {
            cc += Integer.toUnsignedLong(counts[j]);
            long t = cc - j % 2;
            long y = t % h;
            long x = (t - y) / h;
            if (j % 2 == 0) xp = x;
            else if (xp < x) {
                ys = 0;
                ye = h - 1;
            }
            xs = Math.min(xs, x);
            xe = Math.max(xe, x);
            ys = Math.min(ys, y);
            ye = Math.max(ye, y);
        }
        return new double[] {xs, ys, xe - xs + 1, ye - ys + 1};
    }

    /**
     * The union (or, with {@code intersect}, the intersection) of masks of one size (maskApi.c rleMerge); masks of
     * different sizes give an empty 0 x 0 RLE there, and an exception here.
     */
    public static Rle merge(List<Rle> masks, boolean intersect) {
        if (masks.isEmpty()) return new Rle(0, 0, new int[0]);
        Rle first = masks.get(0);
        if (masks.size() == 1) return first;
        int h = first.height;
        int w = first.width;
        int[] cnts = first.counts.clone();
        int m = cnts.length;
        for (int i = 1; i < masks.size(); i++) {
            Rle b = masks.get(i);
            if (b.height != h || b.width != w) {
                throw new IllegalArgumentException("merging a " + b.height + " x " + b.width + " mask with a " + h + " x " + w + " one");
            }
            int[] a = Arrays.copyOf(cnts, m);
            int[] out = new int[a.length + b.counts.length + 1];
            long ca = Integer.toUnsignedLong(a[0]);
            long cb = Integer.toUnsignedLong(b.counts[0]);
            boolean v = false;
            boolean va = false;
            boolean vb = false;
            m = 0;
            int ia = 1;
            int ib = 1;
            long cc = 0;
            long ct = 1;
            while (ct > 0) {
                long c = Math.min(ca, cb);
                cc += c;
                ct = 0;
                ca -= c;
                if (ca == 0 && ia < a.length) {
                    ca = Integer.toUnsignedLong(a[ia++]);
                    va = !va;
                }
                ct += ca;
                cb -= c;
                if (cb == 0 && ib < b.counts.length) {
                    cb = Integer.toUnsignedLong(b.counts[ib++]);
                    vb = !vb;
                }
                ct += cb;
                boolean vp = v;
                v = intersect ? va && vb : va || vb;
                if (v != vp || ct == 0) {
                    out[m++] = (int) cc;
                    cc = 0;
                }
            }
            cnts = out;
        }
        return new Rle(h, w, Arrays.copyOf(cnts, m));
    }

    /**
     * IoU of every detection mask with every ground-truth mask, D x G (maskApi.c rleIou, after the bbIou pre-check on
     * the masks' boxes). For a crowd ground truth the union is the detection's area. Pairs of different sizes get -1,
     * as there.
     */
    public static double[][] iou(List<Rle> dt, List<Rle> gt, boolean[] crowd) {
        int nd = dt.size();
        int ng = gt.size();
        double[][] db = new double[nd][];
        double[][] gb = new double[ng][];
        for (int d = 0; d < nd; d++) db[d] = dt.get(d).toBbox();
        for (int g = 0; g < ng; g++) gb[g] = gt.get(g).toBbox();
        double[][] o = bboxIou(db, gb, crowd);
        for (int g = 0; g < ng; g++) {
            for (int d = 0; d < nd; d++) {
                if (!(o[d][g] > 0)) continue;
                Rle a = dt.get(d);
                Rle b = gt.get(g);
                if (a.height != b.height || a.width != b.width) {
                    o[d][g] = -1;
                    continue;
                }
                long ca = Integer.toUnsignedLong(a.counts[0]);
                long cb = Integer.toUnsignedLong(b.counts[0]);
                int ka = a.counts.length;
                int kb = b.counts.length;
                boolean va = false;
                boolean vb = false;
                int ia = 1;
                int ib = 1;
                long inter = 0;
                long union = 0;
                long ct = 1;
                while (ct > 0) {
                    long c = Math.min(ca, cb);
                    if (va || vb) {
                        union += c;
                        if (va && vb) inter += c;
                    }
                    ct = 0;
                    ca -= c;
                    if (ca == 0 && ia < ka) {
                        ca = Integer.toUnsignedLong(a.counts[ia++]);
                        va = !va;
                    }
                    ct += ca;
                    cb -= c;
                    if (cb == 0 && ib < kb) {
                        cb = Integer.toUnsignedLong(b.counts[ib++]);
                        vb = !vb;
                    }
                    ct += cb;
                }
                if (inter == 0) union = 1;
                else if (crowd != null && crowd[g]) union = a.area();
                o[d][g] = (double) inter / (double) union;
            }
        }
        return o;
    }

    /**
     * IoU of boxes [x, y, w, h], D x G (maskApi.c bbIou): intersection over union, or over the detection's area for a
     * crowd ground truth; 0 where the boxes do not overlap.
     */
    public static double[][] bboxIou(double[][] dt, double[][] gt, boolean[] crowd) {
        double[][] o = new double[dt.length][gt.length];
        for (int g = 0; g < gt.length; g++) {
            double[] gb = gt[g];
            double ga = gb[2] * gb[3];
            boolean isCrowd = crowd != null && crowd[g];
            for (int d = 0; d < dt.length; d++) {
                double[] b = dt[d];
                double da = b[2] * b[3];
                double w = Math.min(b[2] + b[0], gb[2] + gb[0]) - Math.max(b[0], gb[0]);
                if (w <= 0) continue;
                double h = Math.min(b[3] + b[1], gb[3] + gb[1]) - Math.max(b[1], gb[1]);
                if (h <= 0) continue;
                double i = w * h;
                double u = isCrowd ? da : da + ga - i;
                o[d][g] = i / u;
            }
        }
        return o;
    }

    /** The mask of a box [x, y, w, h]: its four corners rasterised as a polygon (maskApi.c rleFrBbox). */
    public static Rle fromBbox(double[] bb, int height, int width) {
        double xs = bb[0];
        double xe = xs + bb[2];
        double ys = bb[1];
        double ye = ys + bb[3];
        return PolygonRaster.rasterise(new double[] {xs, ys, xs, ye, xe, ye, xe, ys}, height, width);
    }

    static Rle ofRuns(int height, int width, int[] counts) {
        return new Rle(height, width, counts);
    }

    private static void checkSize(int height, int width) {
        if (height < 0 || width < 0) throw new IllegalArgumentException("size " + height + " x " + width + " is negative");
        if ((long) height * width > Integer.MAX_VALUE) throw new IllegalArgumentException("size " + height + " x " + width + " is too large");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Rle r && r.height == height && r.width == width && Arrays.equals(r.counts, counts);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * height + width) + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "Rle[" + height + "x" + width + ", area " + area() + "]";
    }
}
