package org.pathways.data;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Random;

/**
 * Images the program draws itself, with their ground-truth regions, so that the method can be shown and tested
 * without downloading anything: a small landscape (the demo) and planted partitions (flat-coloured Voronoi cells).
 * Noise is Gaussian per pixel and channel.
 */
public final class SampleScene {
    /** An image and its region label per pixel (y * width + x). */
    public record Labelled(BufferedImage image, int[] labels, int regions) {}

    /** Well-separated colours for planted regions. */
    private static final Color[] PALETTE = {
        new Color(200, 40, 40), new Color(40, 160, 60), new Color(40, 70, 200), new Color(230, 200, 40),
        new Color(150, 60, 170), new Color(40, 190, 200), new Color(240, 140, 40), new Color(120, 120, 120),
        new Color(250, 250, 250), new Color(20, 20, 20)};

    private SampleScene() {}

    /** The demo scene: sky, sun, hills, a house with a roof and a door, a tree. Seven regions. */
    public static Labelled landscape(int width, int height, double noise, long seed) {
        String[] names = {"sky", "sun", "hill", "meadow", "wall", "roof", "tree"};
        Color[] colours = {new Color(110, 170, 235), new Color(250, 215, 60), new Color(70, 120, 60), new Color(120, 190, 80),
            new Color(215, 200, 170), new Color(170, 50, 40), new Color(30, 90, 40)};
        BufferedImage labelImage = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = labelImage.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
        double u = Math.min(width, height) / 100.0;
        fill(g, 0, new Polygon(new int[] {0, width, width, 0}, new int[] {0, 0, height, height}, 4));
        g.setColor(gray(1));
        g.fillOval((int) (width - 32 * u), (int) (8 * u), (int) (18 * u), (int) (18 * u));
        int[] hx = new int[42];
        int[] hy = new int[42];
        for (int i = 0; i <= 39; i++) {
            hx[i] = (int) Math.round(i * width / 39.0);
            hy[i] = (int) Math.round(height * 0.55 - 9 * u * Math.sin(i / 39.0 * Math.PI * 1.6 + 0.4));
        }
        hx[40] = width;
        hy[40] = height;
        hx[41] = 0;
        hy[41] = height;
        fill(g, 2, new Polygon(hx, hy, 42));
        fill(g, 3, new Polygon(new int[] {0, width, width, 0}, new int[] {(int) (height * 0.7), (int) (height * 0.66), height, height}, 4));
        int hxLeft = (int) (width * 0.18);
        int houseW = (int) (30 * u);
        int houseTop = (int) (height * 0.58);
        int houseBottom = (int) (height * 0.86);
        fill(g, 4, new Polygon(new int[] {hxLeft, hxLeft + houseW, hxLeft + houseW, hxLeft}, new int[] {houseTop, houseTop, houseBottom, houseBottom}, 4));
        fill(g, 5, new Polygon(new int[] {hxLeft - (int) (3 * u), hxLeft + houseW / 2, hxLeft + houseW + (int) (3 * u)},
                new int[] {houseTop, houseTop - (int) (14 * u), houseTop}, 3));
        int treeX = (int) (width * 0.68);
        g.setColor(gray(6));
        g.fillOval(treeX, (int) (height * 0.42), (int) (20 * u), (int) (24 * u));
        g.fillRect(treeX + (int) (8 * u), (int) (height * 0.6), (int) (4 * u), (int) (height * 0.2));
        g.dispose();
        int[] labels = labelImage.getRaster().getPixels(0, 0, width, height, (int[]) null);
        return paint(labels, width, height, colours, noise, seed, names.length);
    }

    /** k flat-coloured Voronoi cells from random centres, plus noise: a planted partition with known regions. */
    public static Labelled planted(int regions, int width, int height, double noise, long seed) {
        if (regions < 1 || regions > PALETTE.length) throw new IllegalArgumentException("1.." + PALETTE.length + " regions");
        Random random = new Random(seed);
        double[][] centres = new double[regions][];
        for (int r = 0; r < regions; r++) {
            // keep centres apart so that no cell is tiny
            double[] best = null;
            double bestGap = -1;
            for (int attempt = 0; attempt < 50; attempt++) {
                double[] c = {random.nextDouble() * width, random.nextDouble() * height};
                double gap = Double.POSITIVE_INFINITY;
                for (int q = 0; q < r; q++) gap = Math.min(gap, Math.hypot(c[0] - centres[q][0], c[1] - centres[q][1]));
                if (gap > bestGap) {
                    bestGap = gap;
                    best = c;
                }
            }
            centres[r] = best;
        }
        int[] labels = new int[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int nearest = 0;
                double d = Double.POSITIVE_INFINITY;
                for (int r = 0; r < regions; r++) {
                    double e = Math.hypot(x + 0.5 - centres[r][0], y + 0.5 - centres[r][1]);
                    if (e < d) {
                        d = e;
                        nearest = r;
                    }
                }
                labels[y * width + x] = nearest;
            }
        }
        return paint(labels, width, height, PALETTE, noise, seed + 1, regions);
    }

    private static Labelled paint(int[] labels, int width, int height, Color[] colours, double noise, long seed, int regions) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < labels.length; i++) {
            Color c = colours[labels[i]];
            int r = clamp(c.getRed() + noise * random.nextGaussian());
            int gr = clamp(c.getGreen() + noise * random.nextGaussian());
            int b = clamp(c.getBlue() + noise * random.nextGaussian());
            image.setRGB(i % width, i / width, (r << 16) | (gr << 8) | b);
        }
        return new Labelled(image, labels, regions);
    }

    private static void fill(Graphics2D g, int label, Polygon p) {
        g.setColor(gray(label));
        g.fillPolygon(p);
    }

    private static Color gray(int label) {
        return new Color(label, label, label);
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }
}
