package org.pathways.pipeline;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.pathways.data.Images;
import org.pathways.data.LabelledImages;
import org.pathways.data.NdData;
import org.pathways.data.Npy;
import org.pathways.eval.FeatureClustering;
import org.pathways.model.Backbone;

/**
 * A backbone's final-layer patch tokens for every image of a data set, the features of the paper's "K-Means (DINO)"
 * rows (App. C.3: "for DINO we take features at the last layer, like prior work"). Each image is cropped as the
 * data-set training crops it; its tokens (D x h x w, float16) are kept in {@code <dir>/tokens/<id>.npy} as they are
 * computed, so that an interrupted extraction continues where it stopped.
 */
public final class FinalLayerFeatures {
    public static final String TOKENS = "tokens";

    private FinalLayerFeatures() {}

    public static FeatureClustering.Features extract(LabelledImages set, List<String> ids, Supplier<Backbone> model, int cropSide, Path dir,
                                                     PrintStream log) throws IOException {
        Path tokens = dir.resolve(TOKENS);
        int[] shape = null;
        float[] all = null;
        StepProgress progress = new StepProgress(log, "final-layer features", ids.size());
        try (Backbone backbone = model.get()) {
            for (int i = 0; i < ids.size(); i++) {
                Path file = tokens.resolve(ids.get(i) + ".npy");
                float[] one;
                int[] s;
                if (Files.isRegularFile(file)) {
                    NdData d = Npy.read(file);
                    s = d.shape();
                    one = d.asFloats();
                } else {
                    BufferedImage crop = Images.squareCrop(set.load(ids.get(i)).image(), cropSide);
                    Backbone.FinalLayer last = backbone.graphs(crop).finalLayer();
                    int n = last.height() * last.width();
                    int d = last.tokens()[0].length;
                    s = new int[] {d, last.height(), last.width()};
                    one = new float[d * n];
                    // rounded to float16 as stored, so that a resumed extraction gives the same numbers
                    for (int p = 0; p < n; p++) for (int c = 0; c < d; c++) one[c * n + p] = Npy.halfToFloat(Npy.floatToHalf((float) last.tokens()[p][c]));
                    Files.createDirectories(file.getParent());
                    org.pathways.common.AtomicFiles.write(file, tmp -> Npy.writeFloat16(tmp, s, one));
                }
                if (shape == null) {
                    shape = s;
                    all = new float[Math.multiplyExact(ids.size(), s[0] * s[1] * s[2])];
                } else if (!java.util.Arrays.equals(shape, s)) {
                    throw new IllegalStateException(file + ": " + java.util.Arrays.toString(s) + " tokens, the first image had " + java.util.Arrays.toString(shape));
                }
                System.arraycopy(one, 0, all, i * one.length, one.length);
                progress.step(i + 1);
            }
        }
        return new FeatureClustering.Features(all, ids.size(), shape[0], shape[1], shape[2]);
    }
}
