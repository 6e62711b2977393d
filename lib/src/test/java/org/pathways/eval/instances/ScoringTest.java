package org.pathways.eval.instances;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link BinarySilhouette} against a literal transcription of the authors' tensor expressions (an N x N matrix per mask,
 * rows sorted, positions past F set to the maximum, column minima sorted; one-hot sums for the score), and
 * {@link MaskNms} and {@link BorderFilter} on hand-made masks.
 */
class ScoringTest {
    @Test
    void binarySilhouetteMatchesTheLiteralFormula() {
        Random random = new Random(3);
        int h = 8;
        int w = 7;
        int n = h * w;
        for (int trial = 0; trial < 8; trial++) {
            double[][] x = new double[n][3];
            for (double[] row : x) for (int c = 0; c < 3; c++) row[c] = random.nextGaussian() + (trial % 2 == 0 ? 0 : (row == x[0] ? 3 : 0));
            BinarySilhouette s = new BinarySilhouette(x);
            for (int size : new int[] {1, 2, 5, 17, 28, 29, 40, 55}) {
                boolean[] mask = new boolean[n];
                List<Integer> order = new ArrayList<>();
                for (int p = 0; p < n; p++) order.add(p);
                java.util.Collections.shuffle(order, random);
                for (int i = 0; i < size; i++) mask[order.get(i)] = true;
                double[] d = new double[n * n];
                for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) d[i * n + j] = dist(x[i], x[j]);
                boolean[] bg = literalBackground(d, mask, n);
                assertArrayEquals(bg, s.background(mask), "trial " + trial + " size " + size);
                assertEquals(literalScore(d, mask, bg, n), s.score(mask), 1e-12, "trial " + trial + " size " + size);
            }
        }
    }

    private static double dist(double[] a, double[] b) {
        double s = 0;
        for (int c = 0; c < a.length; c++) s += (a[c] - b[c]) * (a[c] - b[c]);
        return Math.sqrt(s);
    }

    /** find_comp_mask(pairdist, mask) * (1 - mask), step by step as their tensors do it. */
    static boolean[] literalBackground(double[] d, boolean[] fg, int n) {
        double max = 0;
        for (double v : d) max = Math.max(max, Math.abs(v));
        double maxDist = 2 * max;
        int f = 0;
        for (boolean b : fg) if (b) f++;
        double[][] top = new double[n][n];
        for (int i = 0; i < n; i++) {
            double[] row = new double[n];
            for (int j = 0; j < n; j++) row[j] = fg[i] && !fg[j] ? d[i * n + j] : maxDist;
            Integer[] idx = new Integer[n];
            for (int j = 0; j < n; j++) idx[j] = j;
            Arrays.sort(idx, Comparator.comparingDouble(j -> row[j])); // stable
            for (int r = 0; r < n; r++) top[i][idx[r]] = r >= f ? maxDist : row[idx[r]];
        }
        double[] colMin = new double[n];
        for (int j = 0; j < n; j++) {
            colMin[j] = Double.POSITIVE_INFINITY;
            for (int i = 0; i < n; i++) colMin[j] = Math.min(colMin[j], top[i][j]);
        }
        Integer[] idx = new Integer[n];
        for (int j = 0; j < n; j++) idx[j] = j;
        Arrays.sort(idx, Comparator.comparingDouble(j -> colMin[j]));
        boolean[] bg = new boolean[n];
        for (int r = 0; r < f; r++) bg[idx[r]] = true;
        for (int j = 0; j < n; j++) bg[j] &= !fg[j];
        return bg;
    }

    /** compute_binary_silhouette_score's one-hot sums, pixel by pixel. */
    static double literalScore(double[] d, boolean[] fg, boolean[] bg, int n) {
        int[] label = new int[n];
        int[] sel = new int[n];
        int[] labelCount = new int[2];
        int[] selCount = new int[2];
        for (int i = 0; i < n; i++) {
            label[i] = fg[i] ? 1 : 0;
            sel[i] = bg[i] ? 1 : 0;
            labelCount[label[i]]++;
            selCount[sel[i]]++;
        }
        double num = 0;
        double den = 0;
        for (int i = 0; i < n; i++) {
            double intra = 0;
            double inter = 0;
            for (int j = 0; j < n; j++) {
                if (label[j] == label[i]) intra += d[i * n + j];
                if (sel[j] == label[i]) inter += d[i * n + j];
            }
            intra /= labelCount[label[i]] - 1 + 1e-10;
            inter /= selCount[label[i]] + 1e-10;
            double s = (inter - intra) / Math.max(inter, intra);
            double full = sel[i] + label[i];
            num += s * full;
            den += full;
        }
        return num / den;
    }

    private static boolean[] rect(int h, int w, int y0, int x0, int y1, int x1) {
        boolean[] m = new boolean[h * w];
        for (int y = y0; y < y1; y++) for (int x = x0; x < x1; x++) m[y * w + x] = true;
        return m;
    }

    @Test
    void nmsKeepsTheBestAndDropsIouAtOrAboveTheThreshold() {
        boolean[] a = rect(10, 10, 2, 2, 7, 7);        // 25 pixels
        boolean[] a2 = rect(10, 10, 2, 2, 7, 8);       // 30 pixels, IoU 25/30 = 0.83 with a
        boolean[] b = rect(10, 10, 0, 0, 2, 10);       // disjoint
        boolean[] c = rect(10, 10, 2, 2, 7, 9);        // 35 pixels: IoU with a2 30/35 = 0.857, with a 25/35 = 0.714
        List<boolean[]> masks = List.of(a, a2, b, c);
        assertArrayEquals(new int[] {1, 2}, MaskNms.greedy(masks, new double[] {0.5, 0.9, 0.1, 0.4}, 0.7, 100));
        assertArrayEquals(new int[] {0, 2}, MaskNms.greedy(masks, new double[] {0.9, 0.5, 0.1, 0.4}, 0.7, 100));
        assertArrayEquals(new int[] {0}, MaskNms.greedy(masks, new double[] {0.9, 0.5, 0.1, 0.4}, 0.7, 1));
        // exactly at the threshold is dropped (theirs keeps iou < iou_th): 7 of 10 pixels, IoU 0.7
        boolean[] ten = rect(10, 10, 0, 0, 1, 10);
        boolean[] seven = rect(10, 10, 0, 0, 1, 7);
        assertArrayEquals(new int[] {0}, MaskNms.greedy(List.of(ten, seven), new double[] {0.3, 0.2}, 0.7, 100));
        assertArrayEquals(new int[] {0, 1}, MaskNms.greedy(List.of(ten, seven), new double[] {0.3, 0.2}, 0.71, 100));
        boolean[] half = rect(10, 10, 2, 2, 7, 4);     // 10 pixels, IoU 10/20 = 0.5 with the 20 of rect(2, 2, 7, 6)
        assertArrayEquals(new int[] {1}, MaskNms.survivors(rect(10, 10, 2, 2, 7, 6), List.of(half, rect(10, 10, 0, 0, 1, 1)), 0.5));
    }

    @Test
    void borders() {
        int h = 6;
        int w = 5;
        boolean[] corner = rect(h, w, 0, 0, 2, 2);    // top, left
        boolean[] middle = rect(h, w, 2, 1, 4, 4);    // none
        boolean[] row = rect(h, w, 0, 0, 1, w);       // top, left, right
        boolean[] all = rect(h, w, 0, 0, h, w);       // four
        assertEquals(2, BorderFilter.borders(corner, h, w));
        assertEquals(0, BorderFilter.borders(middle, h, w));
        assertEquals(3, BorderFilter.borders(row, h, w));
        assertEquals(4, BorderFilter.borders(all, h, w));
        assertArrayEquals(new int[] {1}, BorderFilter.remove(List.of(corner, middle, row, all), h, w, 2));
        assertArrayEquals(new int[] {0, 1}, BorderFilter.remove(List.of(corner, middle, row, all), h, w, 3));
        BorderFilter.Result r = BorderFilter.authors(List.of(corner, row, all), h, w);
        assertEquals(3, r.edges());
        assertArrayEquals(new int[] {0}, r.kept());
        r = BorderFilter.authors(List.of(row, all), h, w);
        assertEquals(0, r.edges());
        assertArrayEquals(new int[] {0, 1}, r.kept());
    }
}
