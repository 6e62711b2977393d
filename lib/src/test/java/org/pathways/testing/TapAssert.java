package org.pathways.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.pathways.data.NdData;

/** Compares a captured tap with a golden .npy (shape, then max absolute difference), recording the check. */
public final class TapAssert {
    private TapAssert() {}

    public static Shape shape(NdData d) {
        return new Shape(java.util.Arrays.stream(d.shape()).asLongStream().toArray());
    }

    public static void compare(Map<String, NDArray> got, String tap, String dir, String file, double atol) {
        NdData expected = Golden.npy(dir, file);
        NDArray actual = got.get(tap);
        assertTrue(actual != null, "tap " + tap + " was not captured");
        assertArrayEquals(shape(expected).getShape(), actual.getShape().getShape(), tap + " shape");
        float[] a = actual.toFloatArray();
        double worst = 0;
        for (int i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - expected.values()[i]));
        Golden.record(dir + " " + tap, worst, atol);
        assertTrue(worst <= atol, tap + " vs " + dir + "/" + file + ": max |diff| " + worst + " > " + atol);
    }

    /**
     * Every layer's attention taps and output: {@code <tapPrefix>i.attn.q|k|v|probs} and {@code <tapPrefix>i.out}
     * against {@code <filePrefix>i_*.npy}; with {@code vision}, also logits and patch_probs (1e-4 on tokens and
     * logits, 1e-5 on probabilities).
     */
    public static void compareLayers(Map<String, NDArray> got, String tapPrefix, String dir, String filePrefix, int depth, boolean vision) {
        for (int i = 0; i < depth; i++) {
            String tap = tapPrefix + i;
            String file = filePrefix + i + "_";
            for (String t : vision ? new String[] {"q", "k", "v", "logits"} : new String[] {"q", "k", "v"}) compare(got, tap + ".attn." + t, dir, file + t, 1e-4);
            compare(got, tap + ".attn.probs", dir, file + "probs", 1e-5);
            if (vision) compare(got, tap + ".attn.patch_probs", dir, file + "patch_probs", 1e-5);
            compare(got, tap + ".out", dir, file + "out", 1e-4);
        }
    }
}
