package org.pathways.eval.coco;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The mask API on hand-made cases (no golden data): the string format, round trips, boxes, merge and IoU against brute force. */
class RleTest {
    /** A random blobby mask in column-major order. */
    private static byte[] randomMask(Random r, int h, int w, double density) {
        byte[] m = new byte[h * w];
        int cx = r.nextInt(w);
        int cy = r.nextInt(h);
        double rad = 1 + r.nextDouble() * Math.min(h, w) / 2.0;
        for (int x = 0; x < w; x++) {
            for (int y = 0; y < h; y++) {
                boolean inBlob = (x - cx) * (x - cx) + (y - cy) * (y - cy) <= rad * rad;
                m[x * h + y] = (byte) (inBlob || r.nextDouble() < density ? 1 : 0);
            }
        }
        return m;
    }

    @Test
    void compressedStringsDerivedByHand() {
        // 3 x 3, centre pixel: runs 4, 1, 4, each one 5-bit group
        Rle centre = Rle.fromCounts(3, 3, new int[] {4, 1, 4});
        assertEquals("414", centre.toCompressedString());
        // from the fourth count on, the difference from the count two before: 1-1 = 0 -> '0', 5-1 = 4 -> '4'
        Rle deltas = Rle.fromCounts(3, 3, new int[] {1, 1, 1, 1, 5});
        assertEquals("11104", deltas.toCompressedString());
        // a negative difference: count 3 is 1 - 5 = -4 -> low 5 bits 11100 = 28, the rest is -1 and the sign bit 0x10 is
        // set, so one char, 28 + 48 = 'L'; count 4 is 4 - 2 = 2 -> '2'
        Rle negative = Rle.fromCounts(3, 4, new int[] {0, 5, 2, 1, 4});
        assertEquals("052L2", negative.toCompressedString());
        assertArrayEquals(new int[] {0, 5, 2, 1, 4}, Rle.fromString("052L2", 3, 4).counts());
    }

    @Test
    void largeCountsUseSeveralGroups() {
        // 100 = 0b11_00100: low group 00100 with the continuation bit (0x20) -> 4 + 32 + 48 = 'T', then 3 -> '3'
        Rle r = Rle.fromCounts(10, 11, new int[] {100, 10});
        assertEquals("T3:", r.toCompressedString());
        assertArrayEquals(new int[] {100, 10}, Rle.fromString("T3:", 10, 11).counts());
    }

    @Test
    void roundTripsOnRandomMasks() {
        Random r = new Random(5);
        for (int trial = 0; trial < 200; trial++) {
            int h = 1 + r.nextInt(40);
            int w = 1 + r.nextInt(40);
            byte[] m = randomMask(r, h, w, r.nextDouble() * 0.3);
            Rle rle = Rle.encode(m, h, w);
            assertArrayEquals(m, rle.decode());
            assertEquals(rle, Rle.fromString(rle.toCompressedString(), h, w));
            assertEquals(rle, Rle.fromCounts(h, w, rle.counts()));
            long area = 0;
            int xs = w, ys = h, xe = -1, ye = -1;
            for (int x = 0; x < w; x++) {
                for (int y = 0; y < h; y++) {
                    if (m[x * h + y] == 0) continue;
                    area++;
                    xs = Math.min(xs, x);
                    xe = Math.max(xe, x);
                    ys = Math.min(ys, y);
                    ye = Math.max(ye, y);
                }
            }
            assertEquals(area, rle.area());
            double[] box = area == 0 ? new double[4] : new double[] {xs, ys, xe - xs + 1, ye - ys + 1};
            assertArrayEquals(box, rle.toBbox(), "toBbox, trial " + trial);
            // row-major views agree with the column-major ones
            byte[] rowMajor = rle.decodeRowMajor();
            for (int x = 0; x < w; x++) for (int y = 0; y < h; y++) assertEquals(m[x * h + y], rowMajor[y * w + x]);
            assertEquals(rle, Rle.encodeRowMajor(rowMajor, h, w));
        }
    }

    @Test
    void mergeAndIouAgreeWithPixelCounts() {
        Random r = new Random(9);
        for (int trial = 0; trial < 100; trial++) {
            int h = 2 + r.nextInt(30);
            int w = 2 + r.nextInt(30);
            byte[] a = randomMask(r, h, w, 0.05);
            byte[] b = randomMask(r, h, w, 0.05);
            Rle ra = Rle.encode(a, h, w);
            Rle rb = Rle.encode(b, h, w);
            byte[] union = new byte[a.length];
            byte[] inter = new byte[a.length];
            long i = 0;
            long u = 0;
            long areaA = 0;
            for (int p = 0; p < a.length; p++) {
                union[p] = (byte) (a[p] | b[p]);
                inter[p] = (byte) (a[p] & b[p]);
                i += inter[p];
                u += union[p];
                areaA += a[p];
            }
            assertArrayEquals(union, Rle.merge(List.of(ra, rb), false).decode());
            assertArrayEquals(inter, Rle.merge(List.of(ra, rb), true).decode());
            double[][] iou = Rle.iou(List.of(ra), List.of(rb, rb), new boolean[] {false, true});
            assertEquals(i == 0 ? 0 : (double) i / u, iou[0][0], 0);
            assertEquals(i == 0 ? 0 : (double) i / areaA, iou[0][1], 0, "crowd: intersection over the detection's area");
        }
    }

    @Test
    void boxIouDerivedByHand() {
        double[][] dt = {{0, 0, 4, 4}, {10, 10, 2, 2}};
        double[][] gt = {{2, 2, 4, 4}};
        double[][] plain = Rle.bboxIou(dt, gt, new boolean[] {false});
        assertEquals(4.0 / 28.0, plain[0][0], 0); // overlap 2 x 2, union 16 + 16 - 4
        assertEquals(0, plain[1][0], 0);
        double[][] crowd = Rle.bboxIou(dt, gt, new boolean[] {true});
        assertEquals(4.0 / 16.0, crowd[0][0], 0);
    }

    @Test
    void badStringsAndCountsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Rle.fromString("41", 3, 3)); // covers 5 of 9 pixels
        assertThrows(IllegalArgumentException.class, () -> Rle.fromString("4 4", 3, 3)); // ' ' is not in '0'..'o'
        assertThrows(IllegalArgumentException.class, () -> Rle.fromString("4T", 3, 3)); // ends inside a number
        assertThrows(IllegalArgumentException.class, () -> Rle.fromCounts(3, 3, new int[] {4, -1, 6}));
    }

    @Test
    void polygonOrientationAndRepeatedVerticesDoNotMatter() {
        Rle cw = PolygonRaster.rasterise(new double[] {1, 1, 12, 2, 6, 14}, 16, 16);
        Rle ccw = PolygonRaster.rasterise(new double[] {1, 1, 6, 14, 12, 2}, 16, 16);
        assertEquals(cw, ccw);
        // a repeated vertex makes rleFrPoly divide 0 by 0; the point it gives is never used
        Rle repeated = PolygonRaster.rasterise(new double[] {1, 1, 12, 2, 12, 2, 6, 14}, 16, 16);
        assertEquals(cw, repeated);
        assertEquals(0, PolygonRaster.rasterise(new double[] {30, 30, 40, 30, 40, 40}, 16, 16).area(), "outside the image: empty");
    }

    @Test
    void cCastSemantics() {
        assertEquals(-1, PolygonRaster.cInt(-1.8)); // truncation toward zero
        assertEquals(2, PolygonRaster.cInt(2.9));
        assertEquals(Integer.MIN_VALUE, PolygonRaster.cInt(Double.NaN));
    }
}
