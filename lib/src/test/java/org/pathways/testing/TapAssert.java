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
}
