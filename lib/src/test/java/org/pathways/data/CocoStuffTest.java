package org.pathways.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.common.InvalidInputException;

/** COCO-Stuff-27 in STEGO's layout, on small files written here in that layout; and the generated stand-in. */
class CocoStuffTest {
    @TempDir
    Path tmp;

    /** Spot values of STEGO's fine_to_coarse (src/data.py, class Coco, at eb4d6b5), one or more per coarse group. */
    static final Map<Integer, Integer> STEGO = Map.ofEntries(Map.entry(0, 9), Map.entry(9, 8), Map.entry(15, 7), Map.entry(25, 6), Map.entry(33, 10),
            Map.entry(43, 5), Map.entry(51, 2), Map.entry(61, 3), Map.entry(71, 0), Map.entry(77, 1), Map.entry(83, 4), Map.entry(91, 17),
            Map.entry(100, 13), Map.entry(101, 12), Map.entry(120, 14), Map.entry(123, 22), Map.entry(154, 26), Map.entry(156, 23),
            Map.entry(170, 18), Map.entry(179, 19), Map.entry(181, 24), Map.entry(97, 15), Map.entry(99, 16), Map.entry(94, 20), Map.entry(110, 21),
            Map.entry(98, 25), Map.entry(119, 26), Map.entry(105, 23), Map.entry(93, 22));

    private Path write(int[] labels, int width, int height, String id) throws Exception {
        Path root = tmp.resolve("cocostuff");
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Images.writeJpeg(image, root.resolve("images/val2017/" + id + ".jpg"));
        BufferedImage grey = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSamples(0, 0, width, height, 0, labels);
        Files.createDirectories(root.resolve("annotations/val2017"));
        ImageIO.write(grey, "png", root.resolve("annotations/val2017/" + id + ".png").toFile());
        Files.createDirectories(root.resolve("curated/val2017"));
        Files.writeString(root.resolve("curated/val2017/" + CocoStuff.CURATED), id + "\n");
        return root;
    }

    @Test
    void mapsFineIdsToStegosCoarseClasses() throws Exception {
        assertEquals(27, CocoStuff.CLASSES.size());
        for (Map.Entry<Integer, Integer> e : STEGO.entrySet()) assertEquals(e.getValue(), CocoStuff.coarse(e.getKey()), "fine id " + e.getKey());
        int[] fine = {0, 123, 255, 181, 154, 156};
        Path root = write(fine, 3, 2, "000000000139");
        CocoStuff set = CocoStuff.open(tmp); // the folder holding cocostuff/ works too
        assertEquals(List.of("000000000139"), set.ids());
        assertEquals("cocostuff27-val", set.name());
        assertArrayEquals(new int[] {9, 22, CocoStuff.IGNORE, 24, 26, 23}, set.load("000000000139").labels());
        assertEquals(set.ids(), CocoStuff.open(root).ids());
    }

    @Test
    void badFilesAreOneLineNamingThem() throws Exception {
        Path root = write(new int[] {0, 200}, 2, 1, "a");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> CocoStuff.open(root).load("a"));
        assertTrue(e.getMessage().contains("a.png") && e.getMessage().contains("200") && e.getMessage().contains("x=1"), e.getMessage());
        Files.delete(root.resolve("annotations/val2017/a.png"));
        e = assertThrows(InvalidInputException.class, () -> CocoStuff.open(root).load("a"));
        assertTrue(e.getMessage().contains("a.png"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> CocoStuff.open(tmp.resolve("nowhere")));
        assertTrue(e.getMessage().contains(CocoStuff.CURATED), e.getMessage());
    }

    @Test
    void theGeneratedSetIsLabelledAndRepeatable() throws Exception {
        Path a = SampleStuff.write(tmp.resolve("a"), 3, 7);
        Path b = SampleStuff.write(tmp.resolve("b"), 3, 7);
        CocoStuff set = CocoStuff.open(a);
        assertEquals("sample-stuff", set.name());
        assertEquals(3, set.ids().size());
        for (String id : set.ids()) {
            assertArrayEquals(Files.readAllBytes(a.resolve("images/val2017/" + id + ".jpg")), Files.readAllBytes(b.resolve("images/val2017/" + id + ".jpg")));
            int[] labels = set.load(id).labels();
            java.util.Set<Integer> classes = new java.util.TreeSet<>();
            for (int l : labels) classes.add(l);
            assertEquals(java.util.Set.of(22, 23, 18, 26), classes, "plant, sky, wall, water: every texture once per image");
        }
    }
}
