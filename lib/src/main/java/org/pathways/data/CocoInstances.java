package org.pathways.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.pathways.common.InvalidInputException;

/**
 * COCO val2017 for class-agnostic instance segmentation (paper App. D.2, Table 7), in the layout that
 * data-scripts/fetch-coco.sh extracts: {@code val2017/<file_name>} and
 * {@code annotations/coco_cls_agnostic_instances_val2017.json} (CutLER's annotation file). The image list is the
 * annotation file's {@code images}, by ascending id (COCOeval's order); the annotations themselves are read by
 * {@code eval.coco}. {@link SampleCoco} writes a generated set in the same layout.
 */
public final class CocoInstances {

    /** One image of the set: COCO's id, its file and size. */
    public record Image(long id, Path file, int width, int height) {}

    private final Path dir;
    private final Path annotations;
    private final List<Image> images;
    private final boolean sample;

    private CocoInstances(Path dir, Path annotations, List<Image> images, boolean sample) {
        this.dir = dir;
        this.annotations = annotations;
        this.images = images;
        this.sample = sample;
    }

    /** Where fetch-coco.sh puts it: $PATHWAYS_DATA_DIR/coco, else ~/.cache/pathways/data/coco. */
    public static Path defaultRoot() {
        String data = System.getenv("PATHWAYS_DATA_DIR");
        Path parent = data != null && !data.isBlank() ? Path.of(data) : Path.of(System.getProperty("user.home"), ".cache", "pathways", "data");
        return parent.resolve("coco");
    }

    /** Opens the set in {@code root}, or in {@code root/coco}. */
    public static CocoInstances open(Path root) {
        Path dir = Files.isDirectory(root.resolve("coco")) ? root.resolve("coco") : root;
        Path file = dir.resolve("annotations").resolve(SampleCoco.ANNOTATIONS);
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException(file + ": no such annotation file (expected val2017/ and annotations/" + SampleCoco.ANNOTATIONS
                    + "; data-scripts/fetch-coco.sh gets them; --dataset sample-coco tries things offline)");
        }
        JsonArray list;
        {
            JsonElement root0 = org.pathways.common.JsonFiles.read(file);
            if (!root0.isJsonObject() || !root0.getAsJsonObject().has("images") || !root0.getAsJsonObject().get("images").isJsonArray()) {
                throw new InvalidInputException(file + ": not a COCO annotation file (no images list)");
            }
            list = root0.getAsJsonObject().getAsJsonArray("images");
        }
        List<Image> images = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            try {
                JsonObject o = list.get(i).getAsJsonObject();
                images.add(new Image(o.get("id").getAsLong(), dir.resolve("val2017").resolve(o.get("file_name").getAsString()),
                        o.get("width").getAsInt(), o.get("height").getAsInt()));
            } catch (RuntimeException e) {
                throw new InvalidInputException(file + ": images[" + i + "] lacks a numeric id, a file_name, a width or a height");
            }
        }
        if (images.isEmpty()) throw new InvalidInputException(file + ": the images list is empty");
        images.sort(Comparator.comparingLong(Image::id));
        return new CocoInstances(dir, file, List.copyOf(images), Files.exists(dir.resolve(SampleCoco.MARKER)));
    }

    /** {@code coco-val2017}, or {@code sample-coco} for a generated set. */
    public String name() {
        return sample ? "sample-coco" : "coco-val2017";
    }

    public boolean isSample() {
        return sample;
    }

    public Path dir() {
        return dir;
    }

    /** The ground truth, for the evaluation. */
    public Path annotationFile() {
        return annotations;
    }

    public List<Image> images() {
        return images;
    }

    /** Reads an image as RGB; one line naming it when it is missing or unreadable. */
    public BufferedImage read(Image image) {
        if (!Files.isRegularFile(image.file())) throw new InvalidInputException(image.file() + ": missing (listed in " + annotations + ")");
        BufferedImage read = Images.read(image.file());
        if (read.getWidth() != image.width() || read.getHeight() != image.height()) {
            throw new InvalidInputException(image.file() + ": " + read.getWidth() + "x" + read.getHeight() + " pixels, the annotations say "
                    + image.width() + "x" + image.height());
        }
        return read;
    }
}
