package org.pathways.eval.coco;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.pathways.common.InvalidInputException;

/**
 * Detections as pycocotools' {@code COCO.loadRes} (coco.py) reads a results list: result id = 1-based position in the
 * list, {@code iscrowd} = 0, and one of two branches chosen by the <em>first</em> result for all of them:
 * <ul>
 *   <li>it has a non-empty {@code bbox}: area = w * h of each result's box (also for {@code segm} evaluation, the
 *       pycocotools quirk the golden README describes), and a result without {@code segmentation} gets its box's
 *       four corners as a polygon;</li>
 *   <li>else it has a {@code segmentation}: area = the mask's area, and a result without {@code bbox} gets the mask's
 *       {@code toBbox}.</li>
 * </ul>
 * A result for an image that is not in the ground truth is refused (loadRes asserts the same), and so is a mask whose
 * size is not its image's. An empty list gives no detections (pycocotools fails on it).
 */
public final class CocoResults {
    private final String source;
    private final List<CocoAnnotation> detections;
    private final boolean boxBranch;

    private CocoResults(String source, List<CocoAnnotation> detections, boolean boxBranch) {
        this.source = source;
        this.detections = Collections.unmodifiableList(detections);
        this.boxBranch = boxBranch;
    }

    /** Loads a results file against its ground truth. */
    public static CocoResults load(Path file, CocoDataset gt) {
        return fromJson(CocoJson.read(file), file.toString(), gt);
    }

    /** Builds the detections from a parsed results list; {@code source} names it in messages. */
    public static CocoResults fromJson(JsonElement root, String source, CocoDataset gt) {
        if (!root.isJsonArray()) throw new InvalidInputException(source + ": results are not a list of objects");
        JsonArray list = root.getAsJsonArray();
        List<JsonObject> objects = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            String where = source + ": result " + i;
            JsonObject r = CocoJson.object(list.get(i), where);
            long imageId = CocoJson.integer(r, "image_id", where);
            if (gt.image(imageId) == null) {
                throw new InvalidInputException(where + ": image_id " + imageId + " is not an image of " + gt.source());
            }
            objects.add(r);
        }
        boolean boxBranch = false;
        if (!objects.isEmpty()) {
            JsonObject first = objects.get(0);
            JsonElement b = first.get("bbox");
            boxBranch = b != null && !(b.isJsonArray() && b.getAsJsonArray().isEmpty());
            if (!boxBranch && !first.has("segmentation")) {
                throw new InvalidInputException(source + ": result 0 has neither 'bbox' nor 'segmentation'");
            }
        }
        List<CocoAnnotation> out = new ArrayList<>(objects.size());
        for (int i = 0; i < objects.size(); i++) {
            JsonObject r = objects.get(i);
            String where = source + ": result " + i;
            long imageId = CocoJson.integer(r, "image_id", where);
            long categoryId = CocoJson.integer(r, "category_id", where);
            double score = CocoJson.number(r, "score", where);
            CocoDataset.Image image = gt.image(imageId);
            JsonElement seg = r.get("segmentation");
            long id = i + 1;
            if (boxBranch) {
                double[] bb = CocoJson.box(r.get("bbox"), where + ": bbox");
                double area = bb[2] * bb[3];
                java.util.function.Supplier<Rle> mask;
                if (seg != null) {
                    mask = () -> CocoJson.segmentation(seg, image.height(), image.width(), where);
                } else {
                    double x1 = bb[0];
                    double x2 = bb[0] + bb[2];
                    double y1 = bb[1];
                    double y2 = bb[1] + bb[3];
                    double[] corners = {x1, y1, x1, y2, x2, y2, x2, y1};
                    mask = () -> PolygonRaster.rasterise(corners, image.height(), image.width());
                }
                out.add(new CocoAnnotation(id, imageId, categoryId, false, area, bb, score, where, mask));
            } else {
                if (seg == null) throw new InvalidInputException(where + " has no 'segmentation' (result 0 has one and no bbox)");
                Rle mask = CocoJson.segmentation(seg, image.height(), image.width(), where);
                double[] bb = r.has("bbox") ? CocoJson.box(r.get("bbox"), where + ": bbox") : mask.toBbox();
                out.add(new CocoAnnotation(id, imageId, categoryId, false, mask.area(), bb, score, where, () -> mask));
            }
        }
        return new CocoResults(source, out, boxBranch);
    }

    public String source() {
        return source;
    }

    /** Detections in list order; result id = position + 1. */
    public List<CocoAnnotation> detections() {
        return detections;
    }

    /** Whether loadRes took its bbox branch (area = box w * h). */
    public boolean areaFromBoxes() {
        return boxBranch;
    }
}
