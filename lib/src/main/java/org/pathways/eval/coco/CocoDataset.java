package org.pathways.eval.coco;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pathways.common.InvalidInputException;

/**
 * COCO ground truth (instances JSON): images with their sizes, category ids and annotations, in file order, as
 * pycocotools' {@code COCO} indexes them. Masks are built on first use ({@link CocoAnnotation#mask()}), as
 * {@code COCOeval._prepare} does only for {@code segm}. Duplicate image, category or annotation ids are refused
 * (pycocotools silently keeps the last of each).
 */
public final class CocoDataset {
    /** An image: id and size. */
    public record Image(long id, int height, int width) {}

    private final String source;
    private final List<Image> images;
    private final Map<Long, Image> byId;
    private final long[] categoryIds;
    private final List<CocoAnnotation> annotations;

    private CocoDataset(String source, List<Image> images, long[] categoryIds, List<CocoAnnotation> annotations) {
        this.source = source;
        this.images = List.copyOf(images);
        this.byId = new LinkedHashMap<>();
        for (Image i : images) byId.put(i.id(), i);
        this.categoryIds = categoryIds;
        this.annotations = Collections.unmodifiableList(annotations);
    }

    /** Loads a ground-truth file; bad JSON or fields are one-line {@link InvalidInputException}s naming the file. */
    public static CocoDataset load(Path file) {
        return fromJson(CocoJson.read(file), file.toString());
    }

    /** Builds the ground truth from parsed JSON; {@code source} names it in messages. */
    public static CocoDataset fromJson(JsonElement root, String source) {
        JsonObject o = CocoJson.object(root, source);
        List<Image> images = new ArrayList<>();
        Set<Long> ids = new HashSet<>();
        JsonArray imgs = CocoJson.array(o, "images", source);
        for (int i = 0; i < imgs.size(); i++) {
            String where = source + ": images[" + i + "]";
            JsonObject im = CocoJson.object(imgs.get(i), where);
            long id = CocoJson.integer(im, "id", where);
            long h = CocoJson.integer(im, "height", where);
            long w = CocoJson.integer(im, "width", where);
            if (h < 1 || w < 1 || h * w > Integer.MAX_VALUE) throw new InvalidInputException(where + " (id " + id + "): size " + h + " x " + w + " is not valid");
            if (!ids.add(id)) throw new InvalidInputException(where + ": image id " + id + " appears twice");
            images.add(new Image(id, (int) h, (int) w));
        }
        Map<Long, Image> byId = new LinkedHashMap<>();
        for (Image i : images) byId.put(i.id(), i);
        JsonArray cats = o.has("categories") ? CocoJson.array(o, "categories", source) : new JsonArray();
        long[] catIds = new long[cats.size()];
        Set<Long> seenCats = new HashSet<>();
        for (int i = 0; i < catIds.length; i++) {
            String where = source + ": categories[" + i + "]";
            catIds[i] = CocoJson.integer(CocoJson.object(cats.get(i), where), "id", where);
            if (!seenCats.add(catIds[i])) throw new InvalidInputException(where + ": category id " + catIds[i] + " appears twice");
        }
        JsonArray anns = o.has("annotations") ? CocoJson.array(o, "annotations", source) : new JsonArray();
        List<CocoAnnotation> out = new ArrayList<>(anns.size());
        Set<Long> annIds = new HashSet<>();
        for (int i = 0; i < anns.size(); i++) {
            String at = source + ": annotations[" + i + "]";
            JsonObject a = CocoJson.object(anns.get(i), at);
            long id = CocoJson.integer(a, "id", at);
            String where = at + " (id " + id + ")";
            if (!annIds.add(id)) throw new InvalidInputException(where + ": annotation id " + id + " appears twice");
            long imageId = CocoJson.integer(a, "image_id", where);
            long categoryId = CocoJson.integer(a, "category_id", where);
            boolean crowd = CocoJson.flag(a, "iscrowd", where);
            double area = CocoJson.number(a, "area", where);
            double[] bbox = a.has("bbox") ? CocoJson.box(a.get("bbox"), where + ": bbox") : null;
            JsonElement seg = a.get("segmentation");
            Image image = byId.get(imageId);
            java.util.function.Supplier<Rle> mask = seg == null || image == null ? null
                    : () -> CocoJson.segmentation(seg, image.height(), image.width(), where);
            out.add(new CocoAnnotation(id, imageId, categoryId, crowd, area, bbox, Double.NaN, where, mask));
        }
        return new CocoDataset(source, images, catIds, out);
    }

    /** The file (or name) this was read from. */
    public String source() {
        return source;
    }

    /** Images in file order. */
    public List<Image> images() {
        return images;
    }

    /** The image with this id, or null. */
    public Image image(long id) {
        return byId.get(id);
    }

    /** Category ids in file order. */
    public long[] categoryIds() {
        return categoryIds.clone();
    }

    /** Annotations in file order. */
    public List<CocoAnnotation> annotations() {
        return annotations;
    }
}
