package org.pathways.data;

import org.pathways.common.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A tiny stand-in for PASCAL VOC 2012, drawn from {@link SampleScene#landscape} scenes and written in the layout of
 * the official archive, so that notebooks and tests run {@link VocDataset} and the batch code offline. Like real
 * VOC it has palette PNG masks with the VOC colour map, a band of 255 (ignore) along region boundaries, JPEG
 * images of slightly different sizes, and more than one class per image. The same seed gives the same files.
 */
public final class SampleVoc {
    private static final int[][] SIZES = {{96, 72}, {80, 96}, {88, 88}, {100, 75}, {72, 96}};
    /** Pixels within this many pixels (Chebyshev) of another region become 255, so the band is 2 pixels wide. */
    private static final int BAND = 1;

    private SampleVoc() {}

    /**
     * Writes {@code images} images with ids 2007_000001, 2007_000002, ... into root/VOCdevkit/VOC2012 (what
     * data-scripts/fetch-voc.sh extracts, so root can stand in for {@link VocDataset#defaultRoot()}), listed in
     * ImageSets/Segmentation/val.txt.
     *
     * @return the VOC2012 folder
     */
    /** The file that marks a folder as generated, so that its runs and tables are never taken for VOC's. */
    public static final String MARKER = "PATHWAYS-SAMPLE.txt";

    public static Path write(Path root, int images, long seed) throws IOException {
        if (images < 1) throw new IllegalArgumentException("at least one image");
        Path voc = root.resolve("VOCdevkit").resolve("VOC2012");
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < images; i++) {
            String id = String.format("2007_%06d", i + 1);
            Random random = new Random(seed * 1_000_003L + i);
            int[] size = SIZES[random.nextInt(SIZES.length)];
            int width = size[0];
            int height = size[1];
            SampleScene.Labelled scene = SampleScene.landscape(width, height, 6, random.nextLong());
            int[] classes = classesFor(scene.regions(), random);
            int[] labels = new int[scene.labels().length];
            for (int p = 0; p < labels.length; p++) labels[p] = classes[scene.labels()[p]];
            markBoundaries(scene.labels(), labels, width, height);
            Images.writeJpeg(scene.image(), voc.resolve("JPEGImages").resolve(id + ".jpg"));
            VocMasks.write(voc.resolve("SegmentationClass").resolve(id + ".png"), labels, width, height);
            list.append(id).append('\n');
        }
        String text = list.toString();
        AtomicFiles.write(voc.resolve("ImageSets").resolve("Segmentation").resolve("val.txt"),
                tmp -> Files.writeString(tmp, text));
        AtomicFiles.write(voc.resolve(MARKER), tmp -> Files.writeString(tmp, "Drawn by Pathways' SampleVoc (seed " + seed + "): not PASCAL VOC.\n"));
        return voc;
    }

    /** The VOC class of each region: the sky is background, the others get distinct object classes. */
    private static int[] classesFor(int regions, Random random) {
        List<Integer> objects = new ArrayList<>();
        for (int c = 1; c < VocDataset.CLASSES.size(); c++) objects.add(c);
        Collections.shuffle(objects, random);
        int[] classes = new int[regions];
        for (int r = 1; r < regions; r++) classes[r] = objects.get(r - 1);
        return classes;
    }

    /** Sets 255 where a region meets another, as VOC's annotators did along object outlines. */
    private static void markBoundaries(int[] regions, int[] labels, int width, int height) {
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int own = regions[y * width + x];
                boolean edge = false;
                for (int dy = -BAND; dy <= BAND && !edge; dy++) {
                    for (int dx = -BAND; dx <= BAND && !edge; dx++) {
                        int yy = y + dy;
                        int xx = x + dx;
                        edge = yy >= 0 && yy < height && xx >= 0 && xx < width && regions[yy * width + xx] != own;
                    }
                }
                if (edge) labels[y * width + x] = VocDataset.IGNORE;
            }
        }
    }
}
