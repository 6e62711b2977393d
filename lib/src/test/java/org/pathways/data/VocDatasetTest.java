package org.pathways.data;

import org.pathways.common.InvalidInputException;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** VocDataset on SampleVoc's files, and the one-line errors for each kind of bad file. */
class VocDatasetTest {
    @TempDir
    Path tmp;

    @Test
    void vocColourMapIsTheStandardOne() {
        assertEquals(0x000000, VocMasks.colour(0));
        assertEquals(0x800000, VocMasks.colour(1)); // aeroplane
        assertEquals(0x008000, VocMasks.colour(2)); // bicycle
        assertEquals(0xc08080, VocMasks.colour(15)); // person
        assertEquals(0x004080, VocMasks.colour(20)); // tvmonitor
        assertEquals(0xe0e0c0, VocMasks.colour(255));
        assertEquals(21, VocDataset.CLASSES.size());
        assertEquals("tvmonitor", VocDataset.CLASSES.get(20));
    }

    @Test
    void loadsSampleVocWithPaletteIndicesIgnoreBandsAndVaryingSizes() throws IOException {
        Path voc = SampleVoc.write(tmp, 6, 11);
        assertEquals(tmp.resolve("VOCdevkit/VOC2012"), voc);
        VocDataset data = VocDataset.open(voc, "val");
        assertEquals(List.of("2007_000001", "2007_000002", "2007_000003", "2007_000004", "2007_000005", "2007_000006"), data.ids());
        assertEquals(List.of(), data.problems());
        Set<String> sizes = new HashSet<>();
        Set<Integer> seen = new HashSet<>();
        for (String id : data.ids()) {
            LabelledImages.LabelledImage s = data.load(id);
            assertEquals(id, s.id());
            assertEquals(s.width(), s.image().getWidth());
            assertEquals(s.height(), s.image().getHeight());
            assertEquals(s.width() * s.height(), s.labels().length);
            sizes.add(s.width() + "x" + s.height());
            int ignored = 0;
            Set<Integer> classes = new HashSet<>();
            for (int v : s.labels()) {
                assertTrue(v >= 0 && v <= 20 || v == 255, "label " + v);
                if (v == 255) ignored++;
                else classes.add(v);
            }
            assertTrue(classes.contains(0), id + " has background");
            assertTrue(classes.size() >= 4, id + " has several classes: " + classes);
            // a boundary band, not a speck and not the whole image
            assertTrue(ignored > s.width() && ignored < s.labels().length / 3, id + ": " + ignored + " ignored pixels");
            seen.addAll(classes);
        }
        assertTrue(sizes.size() >= 2, "sizes vary: " + sizes);
        assertTrue(seen.size() >= 8, "classes vary with the image: " + seen);
    }

    @Test
    void labelsAreTheRawPaletteIndicesOfTheWrittenFile() throws IOException {
        Path voc = SampleVoc.write(tmp, 1, 3);
        Path png = voc.resolve("SegmentationClass/2007_000001.png");
        BufferedImage raw = ImageIO.read(png.toFile());
        assertEquals(BufferedImage.TYPE_BYTE_INDEXED, raw.getType());
        IndexColorModel cm = (IndexColorModel) raw.getColorModel();
        assertEquals(256, cm.getMapSize());
        assertEquals(8, cm.getPixelSize());
        assertEquals(0xe0e0c0, cm.getRGB(255) & 0xffffff);
        int[] indices = raw.getRaster().getSamples(0, 0, raw.getWidth(), raw.getHeight(), 0, (int[]) null);
        LabelledImages.LabelledImage s = VocDataset.open(voc, "val").load("2007_000001");
        assertArrayEquals(indices, s.labels());
        // every pixel's colour is the VOC colour of its class
        for (int i = 0; i < indices.length; i += 37) {
            assertEquals(VocMasks.colour(s.labels()[i]), raw.getRGB(i % raw.getWidth(), i / raw.getWidth()) & 0xffffff);
        }
    }

    @Test
    void sameSeedSameFilesOtherSeedOtherLabels() throws IOException {
        Path a = SampleVoc.write(tmp.resolve("a"), 2, 5);
        Path b = SampleVoc.write(tmp.resolve("b"), 2, 5);
        Path c = SampleVoc.write(tmp.resolve("c"), 2, 6);
        for (String f : List.of("JPEGImages/2007_000002.jpg", "SegmentationClass/2007_000002.png", "ImageSets/Segmentation/val.txt")) {
            assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f);
        }
        assertFalse(Arrays.equals(VocDataset.open(a, "val").load("2007_000001").labels(),
                VocDataset.open(c, "val").load("2007_000001").labels()));
    }

    @Test
    void acceptsTheVoc2012FolderOrAParentHoldingVocdevkit() throws IOException {
        Path voc = SampleVoc.write(tmp, 2, 1);
        VocDataset direct = VocDataset.open(voc, "val");
        VocDataset parent = VocDataset.open(tmp, "val");
        assertEquals(voc, direct.root());
        assertEquals(voc, parent.root());
        assertEquals(direct.ids(), parent.ids());
        assertArrayEquals(direct.load("2007_000002").labels(), parent.load("2007_000002").labels());
    }

    @Test
    void saysWhatIsMissingFromTheRoot() throws IOException {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> VocDataset.open(tmp.resolve("nowhere"), "val"));
        assertOneLine(e, "nowhere: no such folder");
        Files.createDirectories(tmp.resolve("half/JPEGImages"));
        e = assertThrows(InvalidInputException.class, () -> VocDataset.open(tmp.resolve("half"), "val"));
        assertOneLine(e, "half: not a VOC2012 folder, it lacks SegmentationClass/, ImageSets/Segmentation/");
        Path voc = SampleVoc.write(tmp.resolve("ok"), 1, 1);
        e = assertThrows(InvalidInputException.class, () -> VocDataset.open(voc, "train"));
        assertOneLine(e, "train.txt: no such split file (splits here: val)");
    }

    @Test
    void splitFilesToleratesBlankLinesAndCrlfButNotPaths() throws IOException {
        Path voc = SampleVoc.write(tmp, 2, 1);
        Path list = voc.resolve("ImageSets/Segmentation/trainval.txt");
        Files.writeString(list, "2007_000002\r\n\r\n2007_000001\r\n");
        assertEquals(List.of("2007_000002", "2007_000001"), VocDataset.open(voc, "trainval").ids());
        Files.writeString(list, "2007_000001\n../../etc/passwd\n");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> VocDataset.open(voc, "trainval"));
        assertOneLine(e, "trainval.txt:2: '../../etc/passwd' is not an image id");
    }

    @Test
    void missingMaskOrImageNamesTheFileAndId() throws IOException {
        Path voc = SampleVoc.write(tmp, 3, 2);
        Files.delete(voc.resolve("SegmentationClass/2007_000002.png"));
        Files.delete(voc.resolve("JPEGImages/2007_000003.jpg"));
        VocDataset data = VocDataset.open(voc, "val");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> data.load("2007_000002"));
        assertOneLine(e, voc.resolve("SegmentationClass/2007_000002.png") + ": mask missing for id 2007_000002");
        e = assertThrows(InvalidInputException.class, () -> data.load("2007_000003"));
        assertOneLine(e, voc.resolve("JPEGImages/2007_000003.jpg") + ": image missing for id 2007_000003");
        assertNull(data.check("2007_000001"));
        List<String> problems = data.problems();
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).endsWith("mask missing for id 2007_000002"), problems.get(0));
        assertTrue(problems.get(1).endsWith("image missing for id 2007_000003"), problems.get(1));
    }

    @Test
    void maskOfAnotherSizeIsRefused() throws IOException {
        Path voc = SampleVoc.write(tmp, 1, 4);
        VocDataset data = VocDataset.open(voc, "val");
        LabelledImages.LabelledImage s = data.load("2007_000001");
        Path png = voc.resolve("SegmentationClass/2007_000001.png");
        VocMasks.write(png, new int[s.width() * (s.height() + 1)], s.width(), s.height() + 1);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> data.load("2007_000001"));
        assertOneLine(e, png + ": mask " + s.width() + "x" + (s.height() + 1) + " does not match image " + s.width() + "x" + s.height());
    }

    @Test
    void corruptOrTruncatedPngIsUnreadable() throws IOException {
        Path voc = SampleVoc.write(tmp, 2, 4);
        VocDataset data = VocDataset.open(voc, "val");
        Path garbage = voc.resolve("SegmentationClass/2007_000001.png");
        Files.writeString(garbage, "this is not a PNG\nat all\n");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> data.load("2007_000001"));
        assertOneLine(e, garbage + ": unreadable PNG");
        Path truncated = voc.resolve("SegmentationClass/2007_000002.png");
        byte[] whole = Files.readAllBytes(truncated);
        Files.write(truncated, Arrays.copyOf(whole, whole.length / 2));
        e = assertThrows(InvalidInputException.class, () -> data.load("2007_000002"));
        assertOneLine(e, truncated + ": unreadable PNG");
    }

    @Test
    void aJpegSavedAsPngIsNotAPng() throws IOException {
        Path voc = SampleVoc.write(tmp, 1, 4);
        Path png = voc.resolve("SegmentationClass/2007_000001.png");
        Files.copy(voc.resolve("JPEGImages/2007_000001.jpg"), png, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> VocDataset.open(voc, "val").load("2007_000001"));
        assertOneLine(e, png + ": unreadable PNG (it is a JPEG file");
    }

    @Test
    void rgbMaskIsRefusedButGreyIsRead() throws IOException {
        Path voc = SampleVoc.write(tmp, 1, 4);
        VocDataset data = VocDataset.open(voc, "val");
        LabelledImages.LabelledImage s = data.load("2007_000001");
        Path png = voc.resolve("SegmentationClass/2007_000001.png");
        // the same mask, in VOC colours, but as RGB: the classes are only recoverable by colour
        BufferedImage rgb = new BufferedImage(s.width(), s.height(), BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < s.labels().length; i++) rgb.setRGB(i % s.width(), i / s.width(), VocMasks.colour(s.labels()[i]));
        Files.delete(png);
        Images.writePng(rgb, png);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> data.load("2007_000001"));
        assertOneLine(e, png + ": mask is an RGB PNG, not palette-indexed or greyscale");

        BufferedImage grey = new BufferedImage(s.width(), s.height(), BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSamples(0, 0, s.width(), s.height(), 0, s.labels());
        Images.writePng(grey, png);
        assertArrayEquals(s.labels(), data.load("2007_000001").labels());
    }

    @Test
    void valuesThatAreNoVocClassAreRefused() throws IOException {
        Path voc = SampleVoc.write(tmp, 1, 4);
        VocDataset data = VocDataset.open(voc, "val");
        LabelledImages.LabelledImage s = data.load("2007_000001");
        int[] labels = s.labels().clone();
        labels[3 * s.width() + 5] = 21;
        Path png = voc.resolve("SegmentationClass/2007_000001.png");
        VocMasks.write(png, labels, s.width(), s.height());
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> data.load("2007_000001"));
        assertOneLine(e, png + ": value 21 at x=5 y=3 is no VOC class");
    }

    @Test
    void defaultRootFollowsTheCacheConvention() {
        Path root = VocDataset.defaultRoot();
        assertEquals("voc", root.getFileName().toString());
        String env = System.getenv("PATHWAYS_DATA_DIR");
        Path expected = env != null && !env.isEmpty() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache/pathways/data");
        assertEquals(expected.resolve("voc"), root);
    }

    private static void assertOneLine(Exception e, String expectedStart) {
        String m = e.getMessage();
        assertFalse(m.contains("\n"), "one line: " + m);
        assertTrue(m.contains(expectedStart), "expected '" + expectedStart + "' in: " + m);
    }
}
