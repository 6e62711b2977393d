package org.pathways.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.common.InvalidInputException;

/** Cityscapes-27 in the official layout, on small files written here in that layout; and the generated stand-in. */
class CityscapesTest {
    @TempDir
    Path tmp;

    /**
     * Names of label ids in the Cityscapes label table (cityscapesScripts helpers/labels.py, columns name and id),
     * spot entries: STEGO's class k is label id k + 7.
     */
    static final Map<Integer, String> LABEL_TABLE = Map.of(7, "road", 8, "sidewalk", 11, "building", 17, "pole", 18, "polegroup",
            23, "sky", 24, "person", 26, "car", 31, "train", 33, "bicycle");

    /** Writes one image and its labelIds PNG (8-bit grey, as gtFine's) into root/cityscapes. */
    private Path write(String city, String id, int[] labelIds, int width, int height, int labelWidth, int labelHeight) throws Exception {
        Path root = tmp.resolve("cityscapes");
        Path image = root.resolve("leftImg8bit/val/" + city + "/" + id + "_leftImg8bit.png");
        Files.createDirectories(image.getParent());
        ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), "png", image.toFile());
        BufferedImage grey = new BufferedImage(labelWidth, labelHeight, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSamples(0, 0, labelWidth, labelHeight, 0, labelIds);
        Path label = root.resolve("gtFine/val/" + city + "/" + id + "_gtFine_labelIds.png");
        Files.createDirectories(label.getParent());
        ImageIO.write(grey, "png", label.toFile());
        return root;
    }

    @Test
    void mapsLabelIdsToStegosTwentySevenClasses() throws Exception {
        assertEquals(27, Cityscapes.CLASSES.size());
        for (Map.Entry<Integer, String> e : LABEL_TABLE.entrySet()) assertEquals(e.getValue(), Cityscapes.CLASSES.get(e.getKey() - 7), "label id " + e.getKey());
        // road, bicycle, out of roi, unlabeled, ground (void), sidewalk, car, person
        int[] labelIds = {7, 33, 3, 0, 6, 8, 26, 24};
        Path root = write("lindau", "lindau_000001_000019", labelIds, 4, 2, 4, 2);
        write("frankfurt", "frankfurt_000000_000294", new int[] {7}, 1, 1, 1, 1);
        Cityscapes set = Cityscapes.open(tmp); // the folder holding cityscapes/ works too
        assertEquals(List.of("frankfurt_000000_000294", "lindau_000001_000019"), set.ids(), "sorted by city");
        assertEquals("cityscapes27-val", set.name());
        assertArrayEquals(new int[] {0, 26, 255, 255, 255, 1, 19, 17}, set.load("lindau_000001_000019").labels());
        assertEquals(set.ids(), Cityscapes.open(root).ids());
        assertEquals(Cityscapes.CLASSES, set.labelNames());
    }

    @Test
    void badFilesAreOneLineNamingThem() throws Exception {
        Path root = write("ulm", "ulm_000000_000019", new int[] {7, 34}, 2, 1, 2, 1);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Cityscapes.open(root).load("ulm_000000_000019"));
        assertOneLine(e, "ulm_000000_000019_gtFine_labelIds.png", "value 34", "x=1 y=0");

        write("ulm", "ulm_000000_000019", new int[] {7, 7}, 2, 1, 1, 2);
        e = assertThrows(InvalidInputException.class, () -> Cityscapes.open(root).load("ulm_000000_000019"));
        assertOneLine(e, "ulm_000000_000019_gtFine_labelIds.png", "1x2", "2x1");

        Files.delete(root.resolve("gtFine/val/ulm/ulm_000000_000019_gtFine_labelIds.png"));
        e = assertThrows(InvalidInputException.class, () -> Cityscapes.open(root).load("ulm_000000_000019"));
        assertOneLine(e, "ulm_000000_000019_gtFine_labelIds.png", "missing");

        e = assertThrows(InvalidInputException.class, () -> Cityscapes.open(root).load("ulm_000000_000020"));
        assertOneLine(e, "ulm_000000_000020", "no such image id");

        Files.delete(root.resolve("gtFine/val/ulm"));
        Files.delete(root.resolve("gtFine/val"));
        e = assertThrows(InvalidInputException.class, () -> Cityscapes.open(root));
        assertOneLine(e, root.resolve("gtFine/val").toString(), "fetch-cityscapes.sh", "sample-cityscapes");

        e = assertThrows(InvalidInputException.class, () -> Cityscapes.open(tmp.resolve("nowhere")));
        assertOneLine(e, tmp.resolve("nowhere/leftImg8bit/val").toString(), "fetch-cityscapes.sh");
    }

    private static void assertOneLine(InvalidInputException e, String... parts) {
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        for (String part : parts) assertTrue(e.getMessage().contains(part), "'" + part + "' in: " + e.getMessage());
    }

    @Test
    void theGeneratedSetIsStreetLikeMarkedAndRepeatable() throws Exception {
        Path a = SampleCityscapes.write(tmp.resolve("a"), 6, 3);
        Path b = SampleCityscapes.write(tmp.resolve("b"), 6, 3);
        assertEquals(tmp.resolve("a/cityscapes"), a);
        Cityscapes set = Cityscapes.open(tmp.resolve("a"));
        assertEquals("sample-cityscapes", set.name());
        assertEquals(List.of("samplebrook_000000_000019", "samplebrook_000001_000019", "samplebrook_000002_000019",
                "sampleton_000000_000019", "sampleton_000001_000019", "sampleton_000002_000019"), set.ids());
        assertTrue(Files.readString(a.resolve("README.txt")).contains("GENERATED"));
        Set<Integer> everywhere = new TreeSet<>();
        for (String id : set.ids()) {
            String city = id.substring(0, id.indexOf('_'));
            String image = "leftImg8bit/val/" + city + "/" + id + "_leftImg8bit.png";
            assertArrayEquals(Files.readAllBytes(a.resolve(image)), Files.readAllBytes(b.resolve(image)), id);
            LabelledImages.LabelledImage sample = set.load(id);
            assertEquals(2 * sample.height(), sample.width(), "2:1 like Cityscapes");
            int[] labels = sample.labels();
            // class ids (label id - 7): sky on the top row, road or the ego vehicle (void) on the bottom row
            assertEquals(16, labels[sample.width() / 2], id);
            int bottom = labels[(sample.height() - 1) * sample.width() + sample.width() / 2];
            assertEquals(255, bottom, id + ": the ego vehicle's hood is void");
            Set<Integer> classes = new TreeSet<>();
            for (int l : labels) classes.add(l);
            assertTrue(classes.containsAll(Set.of(0, 1, 4, 16, 19, 255)), id + " has road, sidewalk, building, sky, car, void: " + classes);
            everywhere.addAll(classes);
        }
        assertTrue(everywhere.containsAll(Set.of(10, 13, 14, 17)), "pole, traffic sign, vegetation and person occur: " + everywhere);
    }

    @Test
    void theGeneratedSetIsRewrittenOnlyWhenItIsOurs() throws Exception {
        Path generated = tmp.resolve("generated");
        Path dir = SampleCityscapes.write(generated, 4, 1);
        Path marker = dir.resolve(SampleVoc.MARKER);
        java.nio.file.attribute.FileTime old = java.nio.file.attribute.FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(marker, old);
        SampleCityscapes.write(generated, 4, 1);
        assertEquals(old, Files.getLastModifiedTime(marker), "same count and seed: left as it is");
        SampleCityscapes.write(generated, 2, 1);
        assertEquals(2, Cityscapes.open(generated).ids().size(), "a smaller generated set leaves no images of the larger one");

        Path real = write("bonn", "bonn_000000_000019", new int[] {7}, 1, 1, 1, 1);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> SampleCityscapes.write(tmp, 2, 1));
        assertOneLine(e, real.toString(), "not overwriting");
        assertEquals(List.of("bonn_000000_000019"), Cityscapes.open(tmp).ids());
        assertEquals("cityscapes27-val", Cityscapes.open(tmp).name());
    }
}
