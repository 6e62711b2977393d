package org.pathways.crf;

import java.util.Random;

/** Small synthetic images with known regions, and coarse class grids of them, for the CRF tests. */
final class CrfScenes {
    private CrfScenes() {}

    /** An image and, per pixel, the region that painted it. */
    record Scene(BgrImage image, int[] regions, int regionCount) {
        int height() {
            return image.height();
        }

        int width() {
            return image.width();
        }
    }

    /**
     * {@code size x size}: a blue background, a red disc, a green rectangle and a yellow bar, each pixel's BGR channels
     * perturbed by Gaussian noise of the given standard deviation (seeded).
     */
    static Scene regions(int size, double noise, long seed) {
        int[][] colours = {{150, 90, 40}, {40, 40, 200}, {60, 170, 50}, {30, 200, 220}}; // BGR
        int n = size * size;
        int[] regions = new int[n];
        byte[] bgr = new byte[3 * n];
        Random random = new Random(seed);
        double cx = size * 0.35;
        double cy = size * 0.4;
        double radius = size * 0.22;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int region = 0;
                if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= radius * radius) region = 1;
                else if (x >= size * 0.62 && y >= size * 0.5 && y < size * 0.9) region = 2;
                else if (y >= size * 0.82 && x < size * 0.55) region = 3;
                int i = y * size + x;
                regions[i] = region;
                for (int c = 0; c < 3; c++) {
                    long v = Math.round(colours[region][c] + noise * random.nextGaussian());
                    bgr[3 * i + c] = (byte) Math.max(0, Math.min(255, v));
                }
            }
        }
        return new Scene(new BgrImage(size, size, bgr), regions, colours.length);
    }

    /** The majority region of each {@code cell x cell} block: a blocky prediction whose edges miss the image's. */
    static ClassGrid majorityGrid(Scene scene, int cell) {
        int gh = scene.height() / cell;
        int gw = scene.width() / cell;
        int[] labels = new int[gh * gw];
        for (int gy = 0; gy < gh; gy++) {
            for (int gx = 0; gx < gw; gx++) {
                int[] votes = new int[scene.regionCount()];
                for (int y = gy * cell; y < (gy + 1) * cell; y++) {
                    for (int x = gx * cell; x < (gx + 1) * cell; x++) votes[scene.regions()[y * scene.width() + x]]++;
                }
                int best = 0;
                for (int r = 1; r < votes.length; r++) if (votes[r] > votes[best]) best = r;
                labels[gy * gw + gx] = best;
            }
        }
        return new ClassGrid(labels, gh, gw, scene.regionCount());
    }
}
