package org.pathways.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.pathways.common.InvalidInputException;

/**
 * COCO-Stuff-27 as PiCIE and STEGO curate it, read from STEGO's layout ({@code src/data.py} {@code Coco}, at commit
 * eb4d6b5 of github.com/mhamilton723/STEGO; the authors' {@code eval_dataloader.py} copies it): the image ids of
 * {@code curated/val2017/Coco164kFull_Stuff_Coarse_7.txt}, images {@code images/val2017/<id>.jpg}, labels
 * {@code annotations/val2017/<id>.png} (COCO-Stuff's stuffthingmaps: 0-indexed fine ids 0..181, 255 unlabelled),
 * mapped to the 27 coarse classes by STEGO's {@code fine_to_coarse}. Unlabelled pixels stay 255 (ignore).
 */
public final class CocoStuff implements LabelledImages {
    public static final int IGNORE = 255;
    /** The curated validation list (STEGO's subset 7, "IIC Fine"). */
    public static final String CURATED = "Coco164kFull_Stuff_Coarse_7.txt";

    /** STEGO's 27 class names, coarse id order (src/train_segmentation.py, get_class_labels("cocostuff27")). */
    public static final List<String> CLASSES = List.of("electronic", "appliance", "food", "furniture", "indoor",
            "kitchen", "accessory", "animal", "outdoor", "person", "sports", "vehicle", "ceiling", "floor", "food",
            "furniture", "rawmaterial", "textile", "wall", "window", "building", "ground", "plant", "sky", "solid",
            "structural", "water");

    /** STEGO's fine_to_coarse: coarse id of each fine id 0..181. */
    static final int[] FINE_TO_COARSE = {
        9, 11, 11, 11, 11, 11, 11, 11, 11, 8, 8, 8, 8, 8, 8, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 6, 6, 6, 6, 6, 6, 6, 6, 10,
        10, 10, 10, 10, 10, 10, 10, 10, 10, 5, 5, 5, 5, 5, 5, 5, 5, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3,
        3, 3, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 4, 4, 4, 4, 4, 4, 4, 4, 17, 17, 22, 20, 20, 22, 15, 25, 16, 13, 12,
        12, 17, 17, 23, 15, 15, 17, 15, 21, 15, 25, 13, 13, 13, 13, 13, 22, 26, 14, 14, 15, 22, 21, 21, 24, 20, 22, 15,
        17, 16, 15, 22, 24, 21, 17, 25, 16, 21, 17, 22, 16, 21, 21, 25, 21, 26, 21, 24, 20, 17, 14, 21, 26, 15, 23, 20,
        21, 24, 15, 24, 22, 25, 15, 20, 17, 17, 22, 14, 18, 18, 18, 18, 18, 18, 18, 26, 26, 19, 19, 24};

    private final Path root;
    private final List<String> ids;
    private final boolean sample;

    private CocoStuff(Path root, List<String> ids, boolean sample) {
        this.root = root;
        this.ids = ids;
        this.sample = sample;
    }

    /**
     * Opens the curated validation set under {@code root}: the {@code cocostuff} folder itself or a folder holding it.
     *
     * @throws InvalidInputException one line naming what is missing
     */
    public static CocoStuff open(Path root) {
        Path dir = Files.isDirectory(root.resolve("cocostuff")) ? root.resolve("cocostuff") : root;
        Path list = dir.resolve("curated").resolve("val2017").resolve(CURATED);
        if (!Files.isRegularFile(list)) {
            throw new InvalidInputException(list + ": no such image list (expected STEGO's cocostuff layout: images/, annotations/, curated/; "
                    + "data-scripts/fetch-cocostuff.sh gets it; --dataset sample-stuff tries things offline)");
        }
        List<String> ids = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(list)) if (!line.isBlank()) ids.add(line.strip());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(list + ": cannot read the image list (" + e.getMessage() + ")", e);
        }
        if (ids.isEmpty()) throw new InvalidInputException(list + ": the image list is empty");
        return new CocoStuff(dir, List.copyOf(ids), Files.exists(dir.resolve(SampleVoc.MARKER)));
    }

    /** The coarse class (0..26) of a fine COCO-Stuff id (0..181), or {@link #IGNORE}. */
    public static int coarse(int fine) {
        return fine >= 0 && fine < FINE_TO_COARSE.length ? FINE_TO_COARSE[fine] : IGNORE;
    }

    @Override
    public String name() {
        return sample ? "sample-stuff" : "cocostuff27-val";
    }

    @Override
    public String location() {
        return root.toString();
    }

    @Override
    public List<String> ids() {
        return ids;
    }

    @Override
    public LabelledImage load(String id) {
        Path image = root.resolve("images").resolve("val2017").resolve(id + ".jpg");
        Path label = root.resolve("annotations").resolve("val2017").resolve(id + ".png");
        if (!Files.isRegularFile(image)) throw new InvalidInputException(image + ": image missing for id " + id);
        if (!Files.isRegularFile(label)) throw new InvalidInputException(label + ": label map missing for id " + id);
        java.awt.image.BufferedImage pixels = Images.read(image);
        VocMasks.Mask mask = VocMasks.read(label);
        if (mask.width() != pixels.getWidth() || mask.height() != pixels.getHeight()) {
            throw new InvalidInputException(label + ": label map " + mask.width() + "x" + mask.height() + " does not match image " + pixels.getWidth() + "x" + pixels.getHeight());
        }
        int[] coarse = new int[mask.labels().length];
        for (int i = 0; i < coarse.length; i++) {
            int v = mask.labels()[i];
            if (v != IGNORE && (v < 0 || v >= FINE_TO_COARSE.length)) {
                throw new InvalidInputException(label + ": value " + v + " at x=" + i % mask.width() + " y=" + i / mask.width() + " is not a COCO-Stuff id (0..181, 255)");
            }
            coarse[i] = coarse(v);
        }
        return new LabelledImage(id, pixels, coarse);
    }

    @Override
    public List<String> labelNames() {
        return CLASSES;
    }
}
