package org.pathways.eval.coco;

import java.util.function.Supplier;
import org.pathways.common.InvalidInputException;

/**
 * One ground-truth annotation or one detection, with the fields COCOeval reads: id, image, category, crowd flag,
 * area (for the area ranges), box (for {@code bbox} IoU), score (detections; NaN for ground truth) and the mask (for
 * {@code segm} IoU), built on first use as pycocotools' {@code annToRLE} does.
 */
public final class CocoAnnotation {
    private final long id;
    private final long imageId;
    private final long categoryId;
    private final boolean crowd;
    private final double area;
    private final double[] bbox;
    private final double score;
    private final String where;
    private Supplier<Rle> maskSource;
    private Rle mask;

    CocoAnnotation(long id, long imageId, long categoryId, boolean crowd, double area, double[] bbox, double score, String where, Supplier<Rle> maskSource) {
        this.id = id;
        this.imageId = imageId;
        this.categoryId = categoryId;
        this.crowd = crowd;
        this.area = area;
        this.bbox = bbox;
        this.score = score;
        this.where = where;
        this.maskSource = maskSource;
    }

    public long id() {
        return id;
    }

    public long imageId() {
        return imageId;
    }

    public long categoryId() {
        return categoryId;
    }

    /** {@code iscrowd}: a crowd region is ignored and may be matched by many detections. Always false for detections. */
    public boolean crowd() {
        return crowd;
    }

    /** The area compared with the area ranges: the file's {@code area} (ground truth), or what loadRes sets (detections). */
    public double area() {
        return area;
    }

    /** [x, y, w, h], or null where the file has none. */
    public double[] bbox() {
        return bbox == null ? null : bbox.clone();
    }

    double[] bboxOrFail() {
        if (bbox == null) throw new InvalidInputException(where + " has no bbox (needed for --iou-type bbox)");
        return bbox;
    }

    public double score() {
        return score;
    }

    /** Where this annotation is: file and position, for messages. */
    public String where() {
        return where;
    }

    /** The mask as an RLE at the image's size; bad segmentations fail here with the file and annotation named. */
    public synchronized Rle mask() {
        if (mask == null) {
            if (maskSource == null) throw new InvalidInputException(where + " has no segmentation (needed for --iou-type segm)");
            mask = maskSource.get();
            maskSource = null;
        }
        return mask;
    }

    @Override
    public String toString() {
        return "CocoAnnotation[id " + id + ", image " + imageId + ", category " + categoryId + (crowd ? ", crowd" : "") + ", area " + area
                + (Double.isNaN(score) ? "" : ", score " + score) + "]";
    }
}
