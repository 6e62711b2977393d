package org.pathways.spectral;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.data.Npy;
import org.pathways.testing.Golden;

/**
 * The feature table's AdamW and EMA against torch.optim step by step (golden/optim): every image is its own parameter
 * to the authors' AdamW, so an image's step count advances only when it is in a mini-batch. Image 0 is in every batch,
 * image 1 in every other one; each gets the golden gradients in the order of its own steps and must follow the golden
 * trajectory. The table is float32 (as the authors' parameters), so the bound is float32's: measured 1.8e-7 of the
 * largest |parameter|.
 */
class GoldenFeatureTableTest {
    static final double TOL = 1e-6;
    static final int PER_IMAGE = 2 * FeatureTable.SIDE * FeatureTable.SIDE;

    @TempDir
    Path dir;

    private static double[] row(double[] all, int s) {
        double[] out = new double[20];
        System.arraycopy(all, s * 20, out, 0, 20);
        return out;
    }

    /** A table of two images, K = 2, whose first 20 logits are the golden p0 (a 4 x 5 parameter), loaded from files. */
    private FeatureTable tableStartingAt(NDManager m, double[] p0) throws Exception {
        double[] logits = new double[2 * PER_IMAGE];
        System.arraycopy(p0, 0, logits, 0, 20);
        System.arraycopy(p0, 0, logits, PER_IMAGE, 20);
        int[] shape = {2, 2, FeatureTable.SIDE, FeatureTable.SIDE};
        Npy.writeFloat32(dir.resolve("logits.npy"), shape, logits);
        Npy.writeFloat32(dir.resolve("ema.npy"), shape, logits);
        Npy.writeFloat32(dir.resolve("adam_m.npy"), shape, new double[logits.length]);
        Npy.writeFloat32(dir.resolve("adam_v.npy"), shape, new double[logits.length]);
        Npy.writeInt64(dir.resolve("adam_steps.npy"), new int[] {2}, new int[2]);
        return FeatureTable.load(m, dir, 2, 2);
    }

    private static double[] first20(NDArray images, int image) {
        double[] all = images.toType(DataType.FLOAT64, false).toDoubleArray();
        double[] out = new double[20];
        System.arraycopy(all, image * PER_IMAGE, out, 0, 20);
        return out;
    }

    private void check(String name, FeatureTable.AdamW adam, boolean withEma) throws Exception {
        double[] p0 = Golden.npy("optim", "p0").values();
        double[] grads = Golden.npy("optim", "grads").values();
        double[] expected = Golden.npy("optim", name).values();
        double[] expectedEma = withEma ? Golden.npy("optim", "ema0.99_of_" + name).values() : null;
        try (NDManager m = NDManager.newBaseManager(); FeatureTable table = tableStartingAt(m, p0)) {
            int stepsOfImage1 = 0;
            for (int s = 0; s < 6; s++) {
                boolean both = s % 2 == 0;
                int[] batch = both ? new int[] {1, 0} : new int[] {0}; // image order in the batch must not matter either
                double[] g = new double[batch.length * PER_IMAGE];
                for (int b = 0; b < batch.length; b++) {
                    int ownStep = batch[b] == 0 ? s : stepsOfImage1;
                    System.arraycopy(row(grads, ownStep), 0, g, b * PER_IMAGE, 20);
                }
                try (NDManager step = m.newSubManager()) {
                    table.step(step, batch, step.create(g, new Shape(batch.length, 2, FeatureTable.SIDE, FeatureTable.SIDE)).toType(DataType.FLOAT32, false), adam);
                    table.updateEma(0.99);
                    NDArray now = table.logitsOf(step, new int[] {0, 1});
                    Golden.assertClose("feature table " + name + ", image 0 step " + (s + 1), row(expected, s), first20(now, 0), TOL);
                    if (both) {
                        stepsOfImage1++;
                        Golden.assertClose("feature table " + name + ", image 1 own step " + stepsOfImage1, row(expected, stepsOfImage1 - 1), first20(now, 1), TOL);
                    }
                }
                if (withEma) {
                    float[] probabilities = table.emaProbabilities(); // softmax of the EMA: check it against the golden EMA's softmax
                    double[] e = row(expectedEma, s);
                    double[] expectedSoftmax = new double[20];
                    double[] actual = new double[20];
                    // K = 2: channel 0 holds the 20 values, channel 1 holds zeros, so softmax = 1 / (1 + exp(-e))
                    for (int i = 0; i < 20; i++) {
                        expectedSoftmax[i] = 1 / (1 + Math.exp(-e[i]));
                        actual[i] = probabilities[i];
                    }
                    Golden.assertClose("feature table EMA 0.99 of " + name + " (softmax), step " + (s + 1), expectedSoftmax, actual, TOL);
                }
            }
            assertArrayEquals(new int[] {6, 3}, table.steps());
        }
    }

    @Test
    void adamWAsTheAuthorsCallItWithTheirEma() throws Exception {
        check("adamw_lr1e-2_wd0", FeatureTable.AdamW.authors(), true);
    }

    @Test
    void adamWWithDecoupledWeightDecay() throws Exception {
        check("adamw_lr1e-2_wd0.01", new FeatureTable.AdamW(1e-2, 0.9, 0.999, 1e-8, 0.01), false);
    }

    @Test
    void saveAndLoadKeepEverything() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); FeatureTable table = FeatureTable.create(m, 3, 4, 11)) {
            try (NDManager step = m.newSubManager()) {
                NDArray g = step.randomNormal(new Shape(2, 4, FeatureTable.SIDE, FeatureTable.SIDE));
                table.step(step, new int[] {2, 0}, g, FeatureTable.AdamW.authors());
            }
            table.updateEma(0.9);
            Path saved = dir.resolve("saved");
            java.nio.file.Files.createDirectories(saved);
            table.save(saved);
            try (FeatureTable back = FeatureTable.load(m, saved, 3, 4); NDManager s = m.newSubManager()) {
                assertArrayEquals(table.steps(), back.steps());
                assertArrayEquals(table.emaProbabilities(), back.emaProbabilities());
                assertArrayEquals(table.logitsOf(s, new int[] {0, 1, 2}).toFloatArray(), back.logitsOf(s, new int[] {0, 1, 2}).toFloatArray());
                // the moments too: one more identical step gives identical tables
                NDArray g = s.ones(new Shape(1, 4, FeatureTable.SIDE, FeatureTable.SIDE));
                table.step(s, new int[] {2}, g, FeatureTable.AdamW.authors());
                back.step(s, new int[] {2}, g, FeatureTable.AdamW.authors());
                assertArrayEquals(table.logitsOf(s, new int[] {2}).toFloatArray(), back.logitsOf(s, new int[] {2}).toFloatArray());
            }
        }
    }
}
