package org.pathways.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.pathways.common.InvalidInputException;

/**
 * Cityscapes-27, the validation split as STEGO and the authors evaluate it ({@code src/data.py} {@code CityscapesSeg}
 * at commit eb4d6b5 of github.com/mhamilton723/STEGO; the authors' {@code eval_dataloader.py} at 4702d89 of
 * github.com/xiao7199/layer_distributed_spectral_clustering copies it). Both read the official layout through
 * torchvision's {@code Cityscapes(split="val", mode="fine", target_type="semantic")}: images
 * {@code leftImg8bit/val/<city>/<city>_<seq>_<frame>_leftImg8bit.png}, labels
 * {@code gtFine/val/<city>/<city>_<seq>_<frame>_gtFine_labelIds.png} (8-bit label ids of the Cityscapes label table,
 * cityscapesScripts {@code helpers/labels.py}). A class is {@code labelId - 7} ("first_nonvoid"), so the 27 classes
 * are label ids 7..33; the void ids 0..6 become {@link #IGNORE}. gtFine's labelIds images hold 0..33 only
 * (json2labelImg never draws the one negative id, the licence plate), so any other value is refused.
 *
 * <p>The id of an image is its file name without {@code _leftImg8bit.png}, e.g. {@code frankfurt_000000_000294}:
 * it starts with the city, so it is unique, and it has no folder in it, since runs name files after ids. Ids are
 * sorted by city and then by name (torchvision keeps the order the file system lists them in).
 */
public final class Cityscapes implements LabelledImages {
    public static final int IGNORE = 255;
    /** The label id that becomes class 0 (STEGO's {@code first_nonvoid}). */
    public static final int FIRST_CLASS_ID = 7;
    /** The largest label id of the Cityscapes label table (bicycle). */
    public static final int LAST_LABEL_ID = 33;
    static final String IMAGE_SUFFIX = "_leftImg8bit.png";
    static final String LABEL_SUFFIX = "_gtFine_labelIds.png";
    static final String SPLIT = "val";
    private static final String HOW_TO_GET = "data-scripts/fetch-cityscapes.sh gets it; --dataset sample-cityscapes tries things offline";

    /**
     * Names of classes 0..26: the Cityscapes label table's names of label ids 7..33 (cityscapesScripts
     * {@code helpers/labels.py}; STEGO's {@code get_class_labels("cityscapes")} lists the same).
     */
    public static final List<String> CLASSES = List.of("road", "sidewalk", "parking", "rail track", "building", "wall",
            "fence", "guard rail", "bridge", "tunnel", "pole", "polegroup", "traffic light", "traffic sign", "vegetation",
            "terrain", "sky", "person", "rider", "car", "truck", "bus", "caravan", "trailer", "train", "motorcycle",
            "bicycle");

    private final Path root;
    private final Map<String, String> cityOf;
    private final List<String> ids;
    private final boolean sample;

    private Cityscapes(Path root, Map<String, String> cityOf, boolean sample) {
        this.root = root;
        this.cityOf = cityOf;
        this.ids = List.copyOf(cityOf.keySet());
        this.sample = sample;
    }

    /**
     * Opens the validation split under {@code root}: the {@code cityscapes} folder itself (holding
     * {@code leftImg8bit/} and {@code gtFine/}) or a folder holding it.
     *
     * @throws InvalidInputException one line naming what is missing and how to get the data
     */
    public static Cityscapes open(Path root) {
        Path dir = Files.isDirectory(root.resolve("cityscapes")) ? root.resolve("cityscapes") : root;
        Path images = dir.resolve("leftImg8bit").resolve(SPLIT);
        Path labels = dir.resolve("gtFine").resolve(SPLIT);
        for (Path needed : List.of(images, labels)) {
            if (!Files.isDirectory(needed)) {
                throw new InvalidInputException(needed + ": no such folder (expected the Cityscapes layout leftImg8bit/val/<city>/, gtFine/val/<city>/; " + HOW_TO_GET + ")");
            }
        }
        Map<String, String> cityOf = new LinkedHashMap<>();
        for (Path city : sorted(images, Files::isDirectory)) {
            for (Path file : sorted(city, f -> f.getFileName().toString().endsWith(IMAGE_SUFFIX) && Files.isRegularFile(f))) {
                String name = file.getFileName().toString();
                cityOf.put(name.substring(0, name.length() - IMAGE_SUFFIX.length()), city.getFileName().toString());
            }
        }
        if (cityOf.isEmpty()) throw new InvalidInputException(images + ": no <city>/*" + IMAGE_SUFFIX + " images (" + HOW_TO_GET + ")");
        return new Cityscapes(dir, cityOf, Files.exists(dir.resolve(SampleVoc.MARKER)));
    }

    private static List<Path> sorted(Path dir, java.util.function.Predicate<Path> keep) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(keep).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(dir + ": cannot list the folder (" + e.getMessage() + ")", e);
        }
    }

    /** The class (0..26) of a Cityscapes label id, {@link #IGNORE} for the void ids 0..6 and anything outside 0..33. */
    public static int classOf(int labelId) {
        return labelId >= FIRST_CLASS_ID && labelId <= LAST_LABEL_ID ? labelId - FIRST_CLASS_ID : IGNORE;
    }

    @Override
    public String name() {
        return sample ? "sample-cityscapes" : "cityscapes27-val";
    }

    @Override
    public String location() {
        return root.toString();
    }

    @Override
    public List<String> ids() {
        return ids;
    }

    private Path imageFile(String id) {
        return root.resolve("leftImg8bit").resolve(SPLIT).resolve(city(id)).resolve(id + IMAGE_SUFFIX);
    }

    private Path labelFile(String id) {
        return root.resolve("gtFine").resolve(SPLIT).resolve(city(id)).resolve(id + LABEL_SUFFIX);
    }

    private String city(String id) {
        String city = cityOf.get(id);
        if (city == null) throw new InvalidInputException("'" + id + "': no such image id in " + root.resolve("leftImg8bit").resolve(SPLIT));
        return city;
    }

    @Override
    public LabelledImage load(String id) {
        Path image = imageFile(id);
        Path label = labelFile(id);
        if (!Files.isRegularFile(image)) throw new InvalidInputException(image + ": image missing for id " + id);
        if (!Files.isRegularFile(label)) throw new InvalidInputException(label + ": label map missing for id " + id + " (gtFine labelIds)");
        BufferedImage pixels = Images.read(image);
        VocMasks.Mask mask = VocMasks.read(label);
        if (mask.width() != pixels.getWidth() || mask.height() != pixels.getHeight()) {
            throw new InvalidInputException(label + ": label map " + mask.width() + "x" + mask.height() + " does not match image " + pixels.getWidth() + "x" + pixels.getHeight());
        }
        int[] classes = new int[mask.labels().length];
        for (int i = 0; i < classes.length; i++) {
            int v = mask.labels()[i];
            if (v < 0 || v > LAST_LABEL_ID) {
                throw new InvalidInputException(label + ": value " + v + " at x=" + i % mask.width() + " y=" + i / mask.width()
                        + " is not a Cityscapes label id (0..33; trainIds images are not read)");
            }
            classes[i] = classOf(v);
        }
        return new LabelledImage(id, pixels, classes);
    }

    @Override
    public List<String> labelNames() {
        return CLASSES;
    }
}
