package org.pathways.eval.instances;

import java.util.Random;

/**
 * A planted feature map with known instances: a background of two halves (top and bottom, each touching three borders)
 * and three objects inside the grid (two rectangles and a disc), each region its own random direction in feature space
 * plus Gaussian noise.
 *
 * @param features channel-first, K x h x w
 * @param truth    0 = background, 1..3 = the objects, row-major
 */
public record PlantedInstances(double[] features, int channels, int height, int width, int[] truth, int instances) {
    public static PlantedInstances make(int channels, int height, int width, double noise, long seed) {
        Random random = new Random(seed);
        int n = height * width;
        int[] region = new int[n]; // 0, 1: background halves; 2..4: objects
        int[] truth = new int[n];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p = y * width + x;
                region[p] = y < height / 2 ? 0 : 1;
                double fy = (double) y / height;
                double fx = (double) x / width;
                int object = 0;
                if (fy >= 0.14 && fy < 0.4 && fx >= 0.18 && fx < 0.46) object = 1;
                if (Math.hypot(fy - 0.68, fx - 0.28) < 0.15) object = 2;
                if (fy >= 0.52 && fy < 0.86 && fx >= 0.58 && fx < 0.84) object = 3;
                truth[p] = object;
                if (object > 0) region[p] = 1 + object;
            }
        }
        double[][] directions = new double[5][channels];
        for (double[] d : directions) for (int c = 0; c < channels; c++) d[c] = random.nextGaussian();
        double[] f = new double[channels * n];
        for (int p = 0; p < n; p++) for (int c = 0; c < channels; c++) f[c * n + p] = directions[region[p]][c] + noise * random.nextGaussian();
        return new PlantedInstances(f, channels, height, width, truth, 3);
    }

    /** The best IoU of each object with any of the masks. */
    public double[] bestIou(java.util.List<boolean[]> masks) {
        double[] best = new double[instances];
        for (int t = 0; t < instances; t++) {
            boolean[] object = new boolean[truth.length];
            for (int p = 0; p < truth.length; p++) object[p] = truth[p] == t + 1;
            for (boolean[] m : masks) best[t] = Math.max(best[t], MaskNms.iou(object, m));
        }
        return best;
    }
}
