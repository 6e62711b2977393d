package org.pathways.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.data.CocoInstances;
import org.pathways.data.Images;
import org.pathways.data.SampleCoco;
import org.pathways.eval.coco.Rle;
import tech.tablesaw.api.Table;

/** Table 7 from a run folder, on cases whose scores follow by hand; and the masks' resizing against brute force. */
class InstanceTableTest {
    @TempDir
    Path dir;

    /**
     * "perfect" returns every true instance of the images with score 1: precision 1 at every recall, so AP50, AP75 and
     * AR100 are 100 % for boxes and masks; "none" returns nothing: 0 everywhere; images not done are not evaluated.
     */
    @Test
    void perfectDetectionsScoreOneHundredAndMissingOnesZero() throws Exception {
        Path data = SampleCoco.write(dir.resolve("coco"), 4, 2);
        CocoInstances set = CocoInstances.open(data);
        Path run = dir.resolve("run");
        Files.createDirectories(run);
        List<String> detections = new ArrayList<>(List.of(InstanceSegmentation.DETECTIONS.header()));
        List<String> counts = new ArrayList<>(List.of(InstanceSegmentation.COUNTS.header()));
        int instances = 0;
        for (int i = 0; i < 3; i++) { // the 4th image is not done
            CocoInstances.Image image = set.images().get(i);
            SampleCoco.Scene scene = SampleCoco.scene(i, 2);
            int r = 0;
            for (boolean[] mask : scene.instances()) {
                byte[] rowMajor = new byte[mask.length];
                for (int p = 0; p < mask.length; p++) rowMajor[p] = (byte) (mask[p] ? 1 : 0);
                Rle rle = Rle.encodeRowMajor(rowMajor, image.height(), image.width());
                detections.add(String.format(Locale.ROOT, "%d,perfect,%d,1.0,%d,%d,%s", image.id(), r++, image.height(), image.width(), rle.toCompressedString()));
            }
            instances += scene.instances().size();
            counts.add(image.id() + ",perfect," + scene.instances().size() + ",0.1");
            counts.add(image.id() + ",none,0,0.1");
        }
        Files.write(run.resolve(InstanceSegmentation.DETECTIONS.file()), detections);
        Files.write(run.resolve(InstanceSegmentation.COUNTS.file()), counts);
        Table t = InstanceTable.write(run, set.annotationFile(), List.of("perfect", "none"), "test");
        assertEquals("perfect", t.stringColumn("method").get(0));
        for (String c : List.of("box_ap50", "box_ap75", "box_ar100", "mask_ap50", "mask_ap75", "mask_ar100")) {
            assertEquals(100, t.doubleColumn(c).get(0), 1e-9, c);
            assertEquals(0, t.doubleColumn(c).get(1), 1e-9, c);
        }
        assertEquals(instances / 3.0, t.doubleColumn("masks").get(0), 1e-12);
        assertEquals(0, t.doubleColumn("masks").get(1), 0);
        assertEquals("paper", t.stringColumn("source").get(t.rowCount() - 1));
        assertTrue(Files.readString(run.resolve("results-perfect.json")).contains("\"counts\""));
        assertEquals("[]", Files.readString(run.resolve("results-none.json")));
        assertTrue(Files.readString(run.resolve(InstanceTable.TABLE_MD)).contains("3 images evaluated"));
    }

    /** A grid mask at the image's size: each image pixel takes the grid cell floor(y * h / H), floor(x * w / W). */
    @Test
    void gridMasksAreResizedByNearestCellAndEncodedAsCoco() {
        Random random = new Random(4);
        int h = 5;
        int w = 7;
        int bigH = 23;
        int bigW = 31;
        boolean[] grid = new boolean[h * w];
        for (int p = 0; p < grid.length; p++) grid[p] = random.nextBoolean();
        Rle rle = InstanceMasks.atImage(grid, h, w, bigH, bigW);
        byte[] expected = new byte[bigH * bigW];
        for (int y = 0; y < bigH; y++) for (int x = 0; x < bigW; x++) expected[y * bigW + x] = (byte) (grid[(y * h / bigH) * w + x * w / bigW] ? 1 : 0);
        assertArrayEquals(expected, rle.decodeRowMajor());
        assertEquals(bigH, rle.height());
        assertEquals(bigW, rle.width());
        assertEquals(139, InstanceMasks.numericId("000000000139.jpg"));
        assertEquals(-1, InstanceMasks.numericId("cat.png"));
        assertTrue(Images.upsampleNearest(new int[] {1}, 1, 1, 2, 2).length == 4);
    }
}
