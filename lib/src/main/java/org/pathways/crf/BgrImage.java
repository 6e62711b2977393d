package org.pathways.crf;

import java.awt.image.BufferedImage;
import org.pathways.common.InvalidInputException;

/**
 * An 8-bit colour image as the bilateral kernel reads it: three bytes per pixel, row after row, in the order blue,
 * green, red. The authors hand pydensecrf {@code np.array(pil_image)[:, :, ::-1]} (eval_utils.py, {@code dense_crf}),
 * and the order matters because the permutohedral lattice is not invariant to permuting feature axes.
 */
public record BgrImage(int height, int width, byte[] bgr) {
    public BgrImage {
        if (height < 1 || width < 1) throw new InvalidInputException("BGR image: size " + height + " x " + width + " must be at least 1 x 1");
        if (bgr == null || bgr.length != 3 * height * width)
            throw new InvalidInputException("BGR image: " + (bgr == null ? "no" : bgr.length) + " bytes for " + height + " x " + width + " pixels of 3 channels");
    }

    public static BgrImage of(BufferedImage image) {
        if (image == null) throw new InvalidInputException("BGR image: no image given");
        int h = image.getHeight();
        int w = image.getWidth();
        byte[] bgr = new byte[3 * h * w];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = 3 * (y * w + x);
                int rgb = row[x];
                bgr[p] = (byte) rgb;
                bgr[p + 1] = (byte) (rgb >> 8);
                bgr[p + 2] = (byte) (rgb >> 16);
            }
        }
        return new BgrImage(h, w, bgr);
    }

    /** Channel {@code c} (0 blue, 1 green, 2 red) of pixel {@code i}, 0..255. */
    public int channel(int i, int c) {
        return bgr[3 * i + c] & 0xFF;
    }
}
