package org.pathways.viz;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Pictures of what the method found: region maps, overlays, eigenvectors as colour, charts, panels. */
public final class Pictures {
    /** Matplotlib's Set1 followed by Set2-like colours; region r gets PALETTE[r % size]. */
    public static final Color[] PALETTE = {
        new Color(228, 26, 28), new Color(55, 126, 184), new Color(77, 175, 74), new Color(152, 78, 163),
        new Color(255, 127, 0), new Color(255, 255, 51), new Color(166, 86, 40), new Color(247, 129, 191),
        new Color(153, 153, 153), new Color(102, 194, 165), new Color(141, 160, 203), new Color(231, 138, 195)};

    private Pictures() {}

    /** 8-bit grayscale image whose pixel value is the region id. */
    public static BufferedImage regionIds(int[] labels, int height, int width) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        out.getRaster().setPixels(0, 0, width, height, labels);
        return out;
    }

    /** Labels (VOC class ids or region ids) in the VOC colour map; 255 (ignore) is cream. */
    public static BufferedImage labelColours(int[] labels, int height, int width) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < labels.length; i++) out.setRGB(i % width, i / width, org.pathways.data.VocMasks.colour(labels[i] & 0xff));
        return out;
    }

    /**
     * Class ids of a data set with many classes (COCO-Stuff-27, its 54 left/right halves), each id its own colour
     * (hues a golden angle apart, two brightnesses), 255 (ignore) light grey: the same id is the same colour in every
     * picture.
     */
    public static BufferedImage classColours(int[] labels, int height, int width) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < labels.length; i++) {
            int id = labels[i];
            int rgb = id == 255 ? 0xdcdcdc : Color.HSBtoRGB((float) ((id * 0.6180339887) % 1.0), 0.7f, id % 2 == 0 ? 0.95f : 0.65f) & 0xffffff;
            out.setRGB(i % width, i / width, rgb);
        }
        return out;
    }

    /** Ids in {@link #PALETTE} colours (id mod its size), e.g. clusters that are not classes. */
    public static BufferedImage paletteColours(int[] ids, int height, int width) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < ids.length; i++) out.setRGB(i % width, i / width, PALETTE[Math.floorMod(ids[i], PALETTE.length)].getRGB() & 0xffffff);
        return out;
    }

    /**
     * Three maps as red, green and blue, each scaled by the given range (not its own), so that a colour means the same
     * in every picture made with the same ranges: e.g. one image's principal components of a whole data set.
     *
     * @param maps three maps of gridHeight x gridWidth, one after the other
     */
    public static BufferedImage rgb(double[] maps, double[] low, double[] high, int gridHeight, int gridWidth, int height, int width) {
        int n = gridHeight * gridWidth;
        BufferedImage small = new BufferedImage(gridWidth, gridHeight, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < n; i++) {
            int pixel = 0;
            for (int c = 0; c < 3; c++) {
                double v = c * n + i < maps.length ? (maps[c * n + i] - low[c]) / Math.max(1e-12, high[c] - low[c]) : 0;
                pixel = (pixel << 8) | (int) Math.round(255 * Math.max(0, Math.min(1, v)));
            }
            small.setRGB(i % gridWidth, i / gridWidth, pixel);
        }
        return scale(small, width, height, true);
    }

    /** Pictures one below the other, left-aligned on white. */
    public static BufferedImage stack(List<BufferedImage> rows) {
        int width = 1;
        int height = 0;
        for (BufferedImage r : rows) {
            width = Math.max(width, r.getWidth());
            height += r.getHeight();
        }
        BufferedImage out = new BufferedImage(width, Math.max(1, height), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        int y = 0;
        for (BufferedImage r : rows) {
            g.drawImage(r, 0, y, null);
            y += r.getHeight();
        }
        g.dispose();
        return out;
    }

    /** Regions as palette colours blended over the image, with region borders drawn in white. */
    public static BufferedImage overlay(BufferedImage image, int[] labels, double alpha) {
        int w = image.getWidth();
        int h = image.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int l = labels[y * w + x];
                boolean border = (x + 1 < w && labels[y * w + x + 1] != l) || (y + 1 < h && labels[(y + 1) * w + x] != l);
                if (border) {
                    out.setRGB(x, y, 0xffffff);
                    continue;
                }
                int p = image.getRGB(x, y);
                Color c = PALETTE[l % PALETTE.length];
                int r = (int) ((1 - alpha) * ((p >> 16) & 0xff) + alpha * c.getRed());
                int g = (int) ((1 - alpha) * ((p >> 8) & 0xff) + alpha * c.getGreen());
                int b = (int) ((1 - alpha) * (p & 0xff) + alpha * c.getBlue());
                out.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return out;
    }

    /**
     * Eigenvectors {@code first}, first+1, first+2 as red, green and blue (each min-max scaled), like the paper's
     * figures; the first eigenvector is nearly constant, so {@code first = 1} is the usual choice.
     */
    public static BufferedImage eigenvectorsRgb(double[] eigenvectors, int channels, int gridHeight, int gridWidth, int first, int height, int width) {
        int n = gridHeight * gridWidth;
        BufferedImage small = new BufferedImage(gridWidth, gridHeight, BufferedImage.TYPE_INT_RGB);
        int[][] rgb = new int[3][n];
        for (int k = 0; k < 3; k++) {
            int c = first + k;
            if (c < channels) rgb[k] = bytes(eigenvectors, c * n, n);
        }
        for (int i = 0; i < n; i++) small.setRGB(i % gridWidth, i / gridWidth, (rgb[0][i] << 16) | (rgb[1][i] << 8) | rgb[2][i]);
        return scale(small, width, height, true);
    }

    /** Eigenvectors 0..count-1 in grayscale, in a grid of {@code columns}, each {@code cell} pixels wide. */
    public static BufferedImage eigenvectorGrid(double[] eigenvectors, int channels, int gridHeight, int gridWidth, int count, int columns, int cell) {
        int n = gridHeight * gridWidth;
        int shown = Math.min(count, channels);
        int rows = (shown + columns - 1) / columns;
        int cellH = Math.max(1, cell * gridHeight / gridWidth);
        BufferedImage out = new BufferedImage(columns * (cell + 4), rows * (cellH + 18), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int c = 0; c < shown; c++) {
            int[] gray = bytes(eigenvectors, c * n, n);
            BufferedImage small = new BufferedImage(gridWidth, gridHeight, BufferedImage.TYPE_INT_RGB);
            for (int i = 0; i < n; i++) small.setRGB(i % gridWidth, i / gridWidth, (gray[i] << 16) | (gray[i] << 8) | gray[i]);
            int x = (c % columns) * (cell + 4);
            int y = (c / columns) * (cellH + 18);
            g.drawImage(scale(small, cell, cellH, false), x + 2, y + 16, null);
            g.setColor(Color.BLACK);
            g.drawString("eigenvector " + c, x + 2, y + 12);
        }
        g.dispose();
        return out;
    }

    /** values[offset .. offset+n) min-max scaled to 0..255. */
    private static int[] bytes(double[] values, int offset, int n) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            lo = Math.min(lo, values[offset + i]);
            hi = Math.max(hi, values[offset + i]);
        }
        double span = hi > lo ? hi - lo : 1;
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = (int) Math.round(255 * (values[offset + i] - lo) / span);
        return out;
    }

    /** A line chart of score against k with the chosen k marked. */
    public static BufferedImage silhouetteChart(int[] ks, double[] scores, int chosen) {
        XYChart chart = new XYChartBuilder().width(480).height(360).title("Silhouette score against k").xAxisTitle("k (clusters)").yAxisTitle("silhouette").build();
        chart.getStyler().setLegendVisible(true);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        double[] x = new double[ks.length];
        for (int i = 0; i < ks.length; i++) x[i] = ks[i];
        chart.addSeries("k-means on re-orthogonalised features", x, scores).setMarker(SeriesMarkers.CIRCLE);
        for (int i = 0; i < ks.length; i++) {
            if (ks[i] == chosen) {
                XYSeries s = chart.addSeries("chosen k = " + chosen, new double[] {chosen}, new double[] {scores[i]});
                s.setMarker(SeriesMarkers.DIAMOND);
                s.setMarkerColor(Color.RED);
                s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            }
        }
        return BitmapEncoder.getBufferedImage(chart);
    }

    /**
     * Lines of y against x, one per series (a series of one point is drawn as a marker), e.g. mIoU against the
     * number of clusters (paper Fig. 4).
     */
    public static BufferedImage lineChart(String title, String xTitle, String yTitle, java.util.Map<String, double[][]> series) {
        XYChart chart = new XYChartBuilder().width(640).height(420).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        chart.getStyler().setLegendVisible(true);
        chart.getStyler().setYAxisDecimalPattern("0.00");
        int i = 0;
        for (java.util.Map.Entry<String, double[][]> e : series.entrySet()) {
            double[] x = e.getValue()[0];
            double[] y = e.getValue()[1];
            if (x.length == 0) continue;
            XYSeries s = chart.addSeries(e.getKey(), x, y);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setLineColor(PALETTE[i % PALETTE.length]);
            s.setMarkerColor(PALETTE[i % PALETTE.length]);
            if (x.length == 1) s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            i++;
        }
        return BitmapEncoder.getBufferedImage(chart);
    }

    /** One bar per category, e.g. per-class IoU (paper Fig. 12). */
    public static BufferedImage barChart(String title, String yTitle, java.util.List<String> categories, double[] values) {
        org.knowm.xchart.CategoryChart chart = new org.knowm.xchart.CategoryChartBuilder().width(760).height(420).title(title).yAxisTitle(yTitle).build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setXAxisLabelRotation(60);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        chart.getStyler().setYAxisDecimalPattern("0.0");
        chart.addSeries(yTitle, categories, java.util.Arrays.stream(values).boxed().toList());
        return BitmapEncoder.getBufferedImage(chart);
    }

    /** The loss after each optimiser update. */
    public static BufferedImage lossChart(double[] lossPerUpdate) {
        XYChart chart = new XYChartBuilder().width(480).height(320).title("Spectral loss").xAxisTitle("optimiser update").yAxisTitle("loss").build();
        chart.getStyler().setLegendVisible(false);
        double[] x = new double[lossPerUpdate.length];
        for (int i = 0; i < x.length; i++) x[i] = i + 1;
        if (x.length == 0) {
            x = new double[] {0};
            lossPerUpdate = new double[] {0};
        }
        chart.addSeries("loss", x, lossPerUpdate).setMarker(SeriesMarkers.NONE);
        return BitmapEncoder.getBufferedImage(chart);
    }

    /** Images side by side at a common height, each with a title above it. */
    public static BufferedImage panel(List<BufferedImage> images, List<String> titles, int height) {
        int titleBar = 22;
        int total = 0;
        int[] widths = new int[images.size()];
        for (int i = 0; i < images.size(); i++) {
            BufferedImage im = images.get(i);
            widths[i] = (int) Math.round((double) im.getWidth() * height / im.getHeight());
            total += widths[i] + 6;
        }
        BufferedImage out = new BufferedImage(total, height + titleBar, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        int x = 0;
        for (int i = 0; i < images.size(); i++) {
            g.drawImage(scale(images.get(i), widths[i], height, true), x + 3, titleBar, null);
            g.setColor(Color.BLACK);
            g.drawString(titles.get(i), x + 6, 16);
            x += widths[i] + 6;
        }
        g.setStroke(new BasicStroke(1));
        g.dispose();
        return out;
    }

    /**
     * One node's affinities to every node of a graph head, as a heat map over the grid (white = strongest, square-root
     * scale, the node's own affinity left out of the scale), with the node marked in red: what "this pixel groups
     * with" means for that graph.
     */
    public static BufferedImage affinityHeatmap(org.pathways.affinity.Graph graph, int head, int node, int cell) {
        int n = graph.nodes();
        double[] row = new double[n];
        for (int j = 0; j < n; j++) row[j] = Math.sqrt(graph.get(head, node, j)); // sqrt: weak links stay visible
        double others = 0;
        for (int j = 0; j < n; j++) if (j != node) others = Math.max(others, row[j]);
        row[node] = others; // the self-affinity would otherwise set the scale
        int[] gray = bytes(row, 0, n);
        BufferedImage small = new BufferedImage(graph.width(), graph.height(), BufferedImage.TYPE_INT_RGB);
        for (int j = 0; j < n; j++) small.setRGB(j % graph.width(), j / graph.width(), (gray[j] << 16) | (gray[j] << 8) | gray[j]);
        small.setRGB(node % graph.width(), node / graph.width(), 0xff0000);
        return scale(small, graph.width() * cell, graph.height() * cell, false);
    }

    /**
     * Values on a grid as a heat map, dark blue (the smallest) to yellow (the largest), each cell a square of
     * {@code size / width} pixels; NaN cells (no value) grey.
     */
    public static BufferedImage heatmap(double[] values, int height, int width, int size) {
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            if (Double.isNaN(v)) continue;
            low = Math.min(low, v);
            high = Math.max(high, v);
        }
        BufferedImage grid = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int p = 0; p < values.length; p++) {
            double v = values[p];
            int rgb;
            if (Double.isNaN(v)) {
                rgb = 0x808080;
            } else {
                double t = high > low ? (v - low) / (high - low) : 0;
                int r = (int) Math.round(255 * t);
                int g = (int) Math.round(40 + 200 * t);
                int b = (int) Math.round(120 * (1 - t));
                rgb = (r << 16) | (g << 8) | b;
            }
            grid.setRGB(p % width, p / width, rgb);
        }
        return scale(grid, size, (int) Math.round((double) size * height / width), false);
    }

    /** Resizes an image, bilinear or nearest. */
    public static BufferedImage scale(BufferedImage in, int width, int height, boolean smooth) {
        return org.pathways.data.Images.resize(in, width, height, smooth);
    }
}
