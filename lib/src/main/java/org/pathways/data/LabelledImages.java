package org.pathways.data;

import org.pathways.common.InvalidInputException;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A data set of images with per-pixel ground-truth labels (255 = ignore), addressed by id, as the batch runners read
 * it. {@link #load} throws {@link InvalidInputException} with a one-line message naming the bad file, so that a
 * runner can report the image and go on.
 */
public interface LabelledImages {
    /** One image and its labels (row-major, image size). */
    record LabelledImage(String id, BufferedImage image, int[] labels) {
        public LabelledImage {
            if (labels.length != image.getWidth() * image.getHeight()) {
                throw new IllegalArgumentException(id + ": " + labels.length + " labels for a " + image.getWidth() + "x" + image.getHeight() + " image");
            }
        }

        public int height() {
            return image.getHeight();
        }

        public int width() {
            return image.getWidth();
        }
    }

    /** Short name for tables and run configurations, e.g. {@code voc2012-val}. */
    String name();

    /** Where it was read from (for messages). */
    String location();

    List<String> ids();

    LabelledImage load(String id);

    /** Names of labels 0..n-1 (VOC: background and the 20 classes). */
    List<String> labelNames();
}
