package org.pathways.pipeline;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.pathways.common.InvalidInputException;
import org.pathways.data.Images;
import org.pathways.data.LabelledImages;
import org.pathways.data.NdData;
import org.pathways.data.Npy;
import org.pathways.eval.FeatureClustering;
import org.pathways.linalg.SymmetricEigen;
import org.pathways.viz.Pictures;

/**
 * The features a data-set training wrote ({@link DatasetTraining#FEATURES}, images x K x 32 x 32, and
 * {@link DatasetTraining#IMAGES}), with the views a reader wants: one image's channels, the data set's principal
 * components (the same colours mean the same thing in every image), and clusters over the whole data set.
 */
public final class DatasetFeatures {
    public static final int SIDE = org.pathways.spectral.FeatureTable.SIDE;

    private final List<String> ids;
    private final int channels;
    private final float[] values;

    DatasetFeatures(List<String> ids, int channels, float[] values) {
        this.ids = List.copyOf(ids);
        this.channels = channels;
        this.values = values;
    }

    /** Reads a training's folder; one line naming the file when something is missing or inconsistent. */
    public static DatasetFeatures read(Path dir) throws IOException {
        Path features = dir.resolve(DatasetTraining.FEATURES);
        Path list = dir.resolve(DatasetTraining.IMAGES);
        if (!Files.isRegularFile(features)) throw new InvalidInputException(features + ": no such file (has the training finished?)");
        if (!Files.isRegularFile(list)) throw new InvalidInputException(list + ": no such file");
        List<String> ids = new ArrayList<>();
        for (String line : Files.readAllLines(list)) if (!line.isBlank()) ids.add(line.strip());
        NdData d = Npy.read(features);
        int[] s = d.shape();
        if (s.length != 4 || s[0] != ids.size() || s[2] != SIDE || s[3] != SIDE) {
            throw new InvalidInputException(features + ": shape " + d.shapeString() + " is not " + ids.size() + " x K x " + SIDE + " x " + SIDE + " (" + list + " lists " + ids.size() + " images)");
        }
        return new DatasetFeatures(ids, s[1], d.asFloats());
    }

    public List<String> ids() {
        return ids;
    }

    public int channels() {
        return channels;
    }

    /** One image's features, K x 32 x 32 (channel-major), as doubles. */
    public double[] of(String id) {
        return image(index(id));
    }

    private double[] image(int n) {
        int per = channels * SIDE * SIDE;
        double[] out = new double[per];
        for (int i = 0; i < per; i++) out[i] = values[n * per + i];
        return out;
    }

    private int index(String id) {
        int n = ids.indexOf(id);
        if (n < 0) throw new InvalidInputException(id + ": not among the " + ids.size() + " images of these features");
        return n;
    }

    /**
     * Every location's features on the data set's {@code dims} principal components (centred; for pictures), image by
     * image: [image][d * 1024 + position]. The authors' uncentred U S, the input of their K-means, is
     * {@link FeatureClustering#project}.
     */
    public double[][] principalComponents(int dims) {
        int n = SIDE * SIDE;
        int k = channels;
        if (dims < 1 || dims > k) throw new IllegalArgumentException("dims must be in 1.." + k + ", got " + dims);
        double[] mean = new double[k];
        for (int img = 0; img < ids.size(); img++) {
            for (int c = 0; c < k; c++) {
                double s = 0;
                int off = (img * k + c) * n;
                for (int p = 0; p < n; p++) s += values[off + p];
                mean[c] += s;
            }
        }
        for (int c = 0; c < k; c++) mean[c] /= (double) ids.size() * n;
        // X^T X over all locations, K x K: an image's block is contiguous per channel
        DMatrixRMaj gram = new DMatrixRMaj(k, k);
        double[] a = new double[k * n];
        for (int img = 0; img < ids.size(); img++) {
            for (int c = 0; c < k; c++) {
                int off = (img * k + c) * n;
                for (int p = 0; p < n; p++) a[c * n + p] = values[off + p] - mean[c];
            }
            for (int c1 = 0; c1 < k; c1++) {
                for (int c2 = c1; c2 < k; c2++) {
                    double s = 0;
                    for (int p = 0; p < n; p++) s += a[c1 * n + p] * a[c2 * n + p];
                    gram.add(c1, c2, s);
                    if (c2 != c1) gram.add(c2, c1, s);
                }
            }
        }
        SymmetricEigen.Pairs directions = SymmetricEigen.largest(gram, dims);
        double[][] out = new double[ids.size()][dims * n];
        for (int img = 0; img < ids.size(); img++) {
            for (int d = 0; d < directions.count(); d++) {
                double[] v = directions.vectors()[d];
                for (int c = 0; c < k; c++) {
                    int off = (img * k + c) * n;
                    for (int p = 0; p < n; p++) out[img][d * n + p] += (values[off + p] - mean[c]) * v[c];
                }
            }
        }
        return out;
    }

    /**
     * K-means with {@code k} clusters over every location of every image, on the first {@code k} dimensions of U S (the
     * authors' recipe): a cluster id per image and location, [image][position].
     */
    public int[][] clusters(int k, long seed) {
        return FeatureClustering.cluster(asFeatures(), k, 3, seed).labels();
    }

    /** The features as the evaluation reads them (no copy). */
    public FeatureClustering.Features asFeatures() {
        return new FeatureClustering.Features(values, ids.size(), channels, SIDE, SIDE);
    }

    /**
     * Every image's features on the data set's first three principal components as red, green and blue, each component
     * scaled by its range over the whole data set, so that one colour means one feature in every image (the paper's
     * Figs. 5-6 show its features this way), each picture {@code size} pixels square.
     */
    public List<BufferedImage> principalColours(int size) {
        int dims = Math.min(3, channels);
        int n = SIDE * SIDE;
        double[][] pcs = principalComponents(dims);
        double[] low = new double[3];
        double[] high = new double[3];
        java.util.Arrays.fill(low, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(high, Double.NEGATIVE_INFINITY);
        for (double[] image : pcs) {
            for (int d = 0; d < dims; d++) {
                for (int p = 0; p < n; p++) {
                    low[d] = Math.min(low[d], image[d * n + p]);
                    high[d] = Math.max(high[d], image[d * n + p]);
                }
            }
        }
        List<BufferedImage> out = new ArrayList<>();
        for (double[] image : pcs) out.add(Pictures.rgb(image, low, high, SIDE, SIDE, size, size));
        return out;
    }

    /**
     * The ground truth on the features' grid: each image cropped as the training cropped it ({@link Images#squareCrop}),
     * the label at the centre of each of the 32 x 32 cells; [image][position], 255 = ignore.
     */
    public static int[][] gridLabels(LabelledImages set, List<String> ids, int cropSide) {
        int[][] out = new int[ids.size()][SIDE * SIDE];
        int cell = cropSide / SIDE;
        for (int i = 0; i < ids.size(); i++) {
            LabelledImages.LabelledImage li = set.load(ids.get(i));
            int[] cropped = Images.squareCropLabels(li.labels(), li.height(), li.width(), cropSide);
            for (int y = 0; y < SIDE; y++) {
                for (int x = 0; x < SIDE; x++) out[i][y * SIDE + x] = cropped[(y * cell + cell / 2) * cropSide + x * cell + cell / 2];
            }
        }
        return out;
    }

    /**
     * How much of each location's x and y the features tell linearly: the in-sample R^2 of a least-squares fit of the
     * coordinates on the K channels and a constant, over every location of every image, averaged over x and y (EJML
     * solves it). A quick look at the "where" pathway; Table 4's protocol (MSE on held-out locations) is {@link org.pathways.eval.CoordinateRegression}.
     */
    public double positionR2() {
        int n = SIDE * SIDE;
        int rows = ids.size() * n;
        DMatrixRMaj design = new DMatrixRMaj(rows, channels + 1);
        DMatrixRMaj target = new DMatrixRMaj(rows, 2);
        for (int i = 0; i < ids.size(); i++) {
            int base = i * channels * n;
            for (int p = 0; p < n; p++) {
                int r = i * n + p;
                for (int c = 0; c < channels; c++) design.set(r, c, values[base + c * n + p]);
                design.set(r, channels, 1);
                target.set(r, 0, p % SIDE);
                target.set(r, 1, p / SIDE);
            }
        }
        DMatrixRMaj coef = new DMatrixRMaj(channels + 1, 2);
        if (!org.ejml.dense.row.CommonOps_DDRM.solve(design, target, coef)) throw new IllegalStateException("least squares failed");
        DMatrixRMaj fitted = new DMatrixRMaj(rows, 2);
        org.ejml.dense.row.CommonOps_DDRM.mult(design, coef, fitted);
        double r2 = 0;
        for (int j = 0; j < 2; j++) {
            double mean = (SIDE - 1) / 2.0;
            double residual = 0;
            double total = 0;
            for (int r = 0; r < rows; r++) {
                residual += Math.pow(target.get(r, j) - fitted.get(r, j), 2);
                total += Math.pow(target.get(r, j) - mean, 2);
            }
            r2 += (1 - residual / total) / 2;
        }
        return r2;
    }

    /**
     * A picture of the first {@code count} images: the crop the model saw, the data set's first three principal
     * components as red, green and blue (the same colour is the same feature in every image), and four clusters over
     * the data set.
     */
    public BufferedImage preview(LabelledImages set, int cropSide, int count) {
        int shown = Math.min(count, ids.size());
        List<BufferedImage> colours = principalColours(128);
        int[][] clusters = clusters(Math.min(4, channels), 0);
        List<BufferedImage> rows = new ArrayList<>();
        for (int i = 0; i < shown; i++) {
            BufferedImage crop = Images.squareCrop(set.load(ids.get(i)).image(), cropSide);
            BufferedImage groups = Pictures.scale(Pictures.paletteColours(clusters[i], SIDE, SIDE), 128, 128, false);
            rows.add(Pictures.panel(List.of(crop, colours.get(i), groups), List.of(ids.get(i), "PC 1-3 as RGB", "4 clusters"), 128));
        }
        return Pictures.stack(rows);
    }
}
