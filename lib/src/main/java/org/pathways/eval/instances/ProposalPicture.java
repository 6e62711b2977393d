package org.pathways.eval.instances;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.pathways.viz.Pictures;

/**
 * A picture of instance proposals: the feature map (channels 1-3 as RGB, like {@code eigenvectors.png}; 0-2 when there
 * are fewer than four) and the best masks over it, each titled with its rank and score, six to a row.
 */
public final class ProposalPicture {
    private ProposalPicture() {}

    /**
     * @param features channel-first K x h x w values (those given to {@link InstanceProposals})
     * @param count    how many masks to draw at most
     */
    public static BufferedImage draw(double[] features, int channels, InstanceProposals.Proposals p, int count) {
        int h = p.height();
        int w = p.width();
        int cell = Math.max(1, 160 / Math.max(h, w));
        BufferedImage base = Pictures.eigenvectorsRgb(features, channels, h, w, channels >= 4 ? 1 : 0, h * cell, w * cell);
        List<BufferedImage> images = new ArrayList<>();
        List<String> titles = new ArrayList<>();
        images.add(base);
        titles.add("features");
        for (int i = 0; i < Math.min(count, p.count()); i++) {
            images.add(tint(base, p.mask(i), h, w, Pictures.PALETTE[i % Pictures.PALETTE.length]));
            titles.add(String.format("#%d  %.3f", i + 1, p.scores()[i]));
        }
        if (p.count() == 0) {
            images.add(darken(base));
            titles.add("no proposal");
        }
        List<BufferedImage> rows = new ArrayList<>();
        for (int from = 0; from < images.size(); from += 6) {
            int to = Math.min(images.size(), from + 6);
            rows.add(Pictures.panel(images.subList(from, to), titles.subList(from, to), 160));
        }
        return Pictures.stack(rows);
    }

    /** The mask's pixels half in its colour, the rest darkened. */
    private static BufferedImage tint(BufferedImage base, boolean[] mask, int h, int w, Color colour) {
        BufferedImage out = new BufferedImage(base.getWidth(), base.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < out.getHeight(); y++) {
            for (int x = 0; x < out.getWidth(); x++) {
                int gy = Math.min(h - 1, y * h / out.getHeight());
                int gx = Math.min(w - 1, x * w / out.getWidth());
                int rgb = base.getRGB(x, y);
                int r = (rgb >> 16) & 0xff;
                int g = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                if (mask[gy * w + gx]) {
                    r = (r + colour.getRed()) / 2;
                    g = (g + colour.getGreen()) / 2;
                    b = (b + colour.getBlue()) / 2;
                } else {
                    r /= 4;
                    g /= 4;
                    b /= 4;
                }
                out.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return out;
    }

    private static BufferedImage darken(BufferedImage base) {
        return tint(base, new boolean[1], 1, 1, Color.BLACK);
    }
}
