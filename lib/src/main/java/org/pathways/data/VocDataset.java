package org.pathways.data;

import org.pathways.common.InvalidInputException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * PASCAL VOC 2012 segmentation, read from the layout of the official archive: {@code JPEGImages/<id>.jpg},
 * {@code SegmentationClass/<id>.png} (palette PNG, the index is the class id, 255 = ignore) and
 * {@code ImageSets/Segmentation/<split>.txt}. Masks are read by {@link VocMasks#read}: RGB masks are refused, not
 * mapped through the colour map.
 *
 * <p>Nothing is loaded up front, so that one bad file costs one image and not the run: {@link #load} throws an
 * {@link InvalidInputException} whose one-line message names the file, and {@link #check}/{@link #problems} find
 * every such file ahead of a long batch.
 */
public final class VocDataset implements LabelledImages {
    /** Class names by id. */
    public static final List<String> CLASSES = List.of("background", "aeroplane", "bicycle", "bird", "boat", "bottle",
            "bus", "car", "cat", "chair", "cow", "diningtable", "dog", "horse", "motorbike", "person", "pottedplant",
            "sheep", "sofa", "train", "tvmonitor");
    /** The label of boundaries and ambiguous pixels, left out of the evaluation. */
    public static final int IGNORE = 255;

    private final Path root;
    private final String split;
    private final List<String> ids;

    private VocDataset(Path root, String split, List<String> ids) {
        this.root = root;
        this.split = split;
        this.ids = ids;
    }

    /**
     * Where data-scripts/fetch-voc.sh puts the data: $PATHWAYS_DATA_DIR/voc, else ~/.cache/pathways/data/voc.
     * It holds VOCdevkit/VOC2012, which {@link #open} accepts.
     */
    public static Path defaultRoot() {
        String dir = System.getenv("PATHWAYS_DATA_DIR");
        Path base = dir != null && !dir.isEmpty() ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".cache", "pathways", "data");
        return base.resolve("voc");
    }

    /**
     * Opens a split ("train", "val", "trainval") of the data set. The root is the VOC2012 folder itself or a folder
     * that contains VOCdevkit/VOC2012 (the archive's layout).
     *
     * @throws InvalidInputException one line saying what is missing: the folder, its parts, or the split file
     */
    public static VocDataset open(Path root, String split) {
        Path voc = locate(root);
        Path list = voc.resolve("ImageSets").resolve("Segmentation").resolve(split + ".txt");
        if (!Files.isRegularFile(list)) {
            throw new InvalidInputException(list + ": no such split file (splits here: " + splitsIn(list.getParent()) + ")");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(list);
        } catch (IOException e) {
            throw new InvalidInputException(list + ": unreadable split file (" + e.getMessage() + ")", e);
        }
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String id = lines.get(i).trim();
            if (id.isEmpty()) continue;
            if (!isPlainName(id)) throw new InvalidInputException(list + ":" + (i + 1) + ": '" + id + "' is not an image id");
            ids.add(id);
        }
        return new VocDataset(voc, split, List.copyOf(ids));
    }

    private static Path locate(Path root) {
        if (looksLikeVoc(root)) return root;
        Path nested = root.resolve("VOCdevkit").resolve("VOC2012");
        if (looksLikeVoc(nested)) return nested;
        if (!Files.isDirectory(root)) {
            throw new InvalidInputException(root + ": no such folder (expected VOC2012, or a folder holding VOCdevkit/VOC2012;"
                    + " data-scripts/fetch-voc.sh downloads it)");
        }
        Path shown = Files.isDirectory(nested) ? nested : root;
        List<String> missing = new ArrayList<>();
        for (String part : new String[] {"JPEGImages", "SegmentationClass", "ImageSets/Segmentation"}) {
            if (!Files.isDirectory(shown.resolve(part))) missing.add(part + "/");
        }
        throw new InvalidInputException(shown + ": not a VOC2012 folder, it lacks " + String.join(", ", missing)
                + (shown == root ? " (and holds no VOCdevkit/VOC2012)" : ""));
    }

    private static boolean looksLikeVoc(Path dir) {
        return Files.isDirectory(dir.resolve("JPEGImages")) && Files.isDirectory(dir.resolve("SegmentationClass"))
                && Files.isDirectory(dir.resolve("ImageSets").resolve("Segmentation"));
    }

    private static String splitsIn(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".txt"))
                    .map(n -> n.substring(0, n.length() - 4)).sorted().toList();
            return names.isEmpty() ? "none" : String.join(", ", names);
        } catch (IOException e) {
            return "none";
        }
    }

    private static boolean isPlainName(String id) {
        return !id.equals(".") && !id.equals("..") && id.indexOf('/') < 0 && id.indexOf('\\') < 0 && id.indexOf('\0') < 0;
    }

    /** The VOC2012 folder that was found. */
    public Path root() {
        return root;
    }

    public String split() {
        return split;
    }

    /** The split's image ids, in file order. */
    @Override
    public String name() {
        return (Files.exists(root.resolve(SampleVoc.MARKER)) ? "sample-voc-" : "voc2012-") + split;
    }

    @Override
    public String location() {
        return root.toString();
    }

    @Override
    public List<String> labelNames() {
        return CLASSES;
    }

    @Override
    public List<String> ids() {
        return ids;
    }

    public Path imageFile(String id) {
        return root.resolve("JPEGImages").resolve(id + ".jpg");
    }

    public Path maskFile(String id) {
        return root.resolve("SegmentationClass").resolve(id + ".png");
    }

    /**
     * Loads an image (as RGB) and its mask. Any id with files in the folder works, not only the split's.
     *
     * @throws InvalidInputException one line naming the file: a missing image or mask, an unreadable file, a
     *     mask that is not indexed, of another size than its image, or with a value that is no VOC class
     */
    @Override
    public LabelledImage load(String id) {
        if (!isPlainName(id)) throw new InvalidInputException(root + ": '" + id + "' is not an image id");
        Path jpg = imageFile(id);
        Path png = maskFile(id);
        if (!Files.isRegularFile(jpg)) throw new InvalidInputException(jpg + ": image missing for id " + id);
        if (!Files.isRegularFile(png)) throw new InvalidInputException(png + ": mask missing for id " + id);
        BufferedImage image = Images.read(jpg);
        VocMasks.Mask mask = VocMasks.read(png);
        if (mask.width() != image.getWidth() || mask.height() != image.getHeight()) {
            throw new InvalidInputException(png + ": mask " + mask.width() + "x" + mask.height() + " does not match image "
                    + image.getWidth() + "x" + image.getHeight());
        }
        int[] labels = mask.labels();
        for (int i = 0; i < labels.length; i++) {
            int v = labels[i];
            if ((v < 0 || v >= CLASSES.size()) && v != IGNORE) {
                throw new InvalidInputException(png + ": value " + v + " at x=" + i % mask.width() + " y=" + i / mask.width()
                        + " is no VOC class (0.." + (CLASSES.size() - 1) + ", or " + IGNORE + " = ignore)");
            }
        }
        return new LabelledImage(id, image, labels);
    }

    /** The one-line problem with an id's files, or null if it loads. Reads both files, so it finds corrupt ones too. */
    public String check(String id) {
        try {
            load(id);
            return null;
        } catch (InvalidInputException e) {
            return e.getMessage();
        }
    }

    /** Every problem in the split, one line each (empty when all of it loads). */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        for (String id : ids) {
            String problem = check(id);
            if (problem != null) out.add(problem);
        }
        return out;
    }
}
