package org.pathways.scripts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pathways.scripts.DataScripts.tree;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.data.CocoStuff;
import org.pathways.data.SampleStuff;

/**
 * data-scripts/fetch-cocostuff.sh, offline, against a file:// mirror holding small archives in the layout of the
 * real ones: val2017.zip (val2017/<id>.jpg), stuffthingmaps_trainval2017.zip (train2017/, val2017/<id>.png) and IIC's
 * COCOStuff164kCurated.tar.gz (curated/<split>/<list>).
 */
class FetchCocoStuffScriptTest {
    private static final String IMAGES = "val2017.zip";
    private static final String MAPS = "stuffthingmaps_trainval2017.zip";
    private static final String CURATED = "COCOStuff164kCurated.tar.gz";
    /** The two ids the curated list names; a third image in the zips is not curated. */
    private static final List<String> IDS = List.of("000000000001", "000000000002");

    @TempDir
    Path tmp;

    private Path mirror;
    private Path source;
    private String imagesMd5;

    @BeforeEach
    void buildArchives() throws Exception {
        source = SampleStuff.write(tmp.resolve("src"), 3, 4); // ids 000000000001..3, STEGO's layout
        mirror = tmp.resolve("mirror");
        DataScripts.zip(mirror.resolve(IMAGES), source.resolve("images"));
        Path maps = tmp.resolve("maps");
        Files.createDirectories(maps.resolve("train2017"));
        Files.writeString(maps.resolve("train2017/000000000009.png"), "a train map");
        copyTree(source.resolve("annotations/val2017"), maps.resolve("val2017"));
        DataScripts.zip(mirror.resolve(MAPS), maps);
        Path curated = tmp.resolve("curated-src");
        Files.createDirectories(curated.resolve("curated/val2017"));
        Files.createDirectories(curated.resolve("curated/train2017"));
        Files.writeString(curated.resolve("curated/val2017/" + CocoStuff.CURATED), String.join("\r\n", IDS) + "\r\n"); // IIC's lists have CRLF
        Files.writeString(curated.resolve("curated/val2017/Coco164kFew_Stuff_6.txt"), "000000000003\n");
        Files.writeString(curated.resolve("curated/train2017/" + CocoStuff.CURATED), "000000000009\n");
        DataScripts.tarGz(mirror.resolve(CURATED), curated, "curated");
        imagesMd5 = DataScripts.md5(mirror.resolve(IMAGES));
    }

    private static void copyTree(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        for (String f : tree(from)) Files.copy(from.resolve(f), to.resolve(f));
    }

    private DataScripts.Result fetch(Path dataDir, String imagesMd5, String... args) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("PATHWAYS_DATA_DIR", dataDir.toString());
        env.put("PATHWAYS_COCOSTUFF_MIRROR", "file://" + mirror);
        env.put("PATHWAYS_COCO_VAL_MD5", imagesMd5);
        return DataScripts.run("fetch-cocostuff.sh", env, args);
    }

    @Test
    void extractsTheCuratedValSetRecordsTheLockAndIsIdempotent() throws Exception {
        Path data = tmp.resolve("data");
        DataScripts.Result first = fetch(data, imagesMd5);
        assertEquals(0, first.code(), first.output());
        Path dir = data.resolve("cocostuff");
        assertEquals(List.of(CURATED, "annotations/val2017/000000000001.png", "annotations/val2017/000000000002.png", "cocostuff.lock",
                "curated/.pathways-extracted", "curated/val2017/" + CocoStuff.CURATED, "images/val2017/000000000001.jpg",
                "images/val2017/000000000002.jpg", MAPS, IMAGES), tree(dir));
        String lock = Files.readString(dir.resolve("cocostuff.lock"));
        List<String> lines = lock.lines().toList();
        assertEquals(3, lines.size(), lock);
        assertTrue(lines.get(0).startsWith(IMAGES + " md5 " + imagesMd5 + " sha256 " + DataScripts.sha256(mirror.resolve(IMAGES))), lock);
        assertTrue(lines.get(1).startsWith(MAPS + " md5 " + DataScripts.md5(mirror.resolve(MAPS)) + " sha256 " + DataScripts.sha256(mirror.resolve(MAPS))), lock);
        assertTrue(lines.get(2).startsWith(CURATED + " md5 "), lock);
        assertTrue(first.output().contains("no checksum published"), first.output());

        // the loader reads it where it looks by default, with the source's label maps
        CocoStuff set = CocoStuff.open(data);
        assertEquals(IDS, set.ids());
        assertEquals("cocostuff27-val", set.name());
        for (String id : IDS) {
            assertArrayEquals(Files.readAllBytes(source.resolve("annotations/val2017/" + id + ".png")),
                    Files.readAllBytes(dir.resolve("annotations/val2017/" + id + ".png")));
            assertEquals(CocoStuff.open(source).load(id).labels().length, set.load(id).labels().length);
        }

        DataScripts.Result again = fetch(data, imagesMd5);
        assertEquals(0, again.code(), again.output());
        assertTrue(again.output().contains("nothing to do"), again.output());
        assertEquals(lock, Files.readString(dir.resolve("cocostuff.lock")));
        assertFalse(Files.list(dir).anyMatch(f -> f.getFileName().toString().startsWith(".extract")), "no staging left");
    }

    @Test
    void resumesFromAPartialDownload() throws Exception {
        Path dir = tmp.resolve("data/cocostuff");
        Files.createDirectories(dir);
        byte[] whole = Files.readAllBytes(mirror.resolve(IMAGES));
        Files.write(dir.resolve(IMAGES + ".part"), Arrays.copyOf(whole, whole.length / 3));
        DataScripts.Result r = fetch(tmp.resolve("data"), imagesMd5);
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("resuming from byte " + whole.length / 3), r.output());
        // curl's own word that it appended to the .part rather than starting over
        assertTrue(r.output().contains("Resuming transfer from byte position " + whole.length / 3), r.output());
        assertArrayEquals(whole, Files.readAllBytes(dir.resolve(IMAGES)));
        assertEquals(IDS, CocoStuff.open(dir).ids());
    }

    @Test
    void aWrongPublishedChecksumIsRefusedAndTheDownloadDeleted() throws Exception {
        DataScripts.Result r = fetch(tmp.resolve("data"), "0123456789abcdef0123456789abcdef");
        assertEquals(1, r.code(), r.output());
        assertTrue(r.output().contains("md5 " + imagesMd5 + " does not match 0123456789abcdef0123456789abcdef"), r.output());
        Path dir = tmp.resolve("data/cocostuff");
        assertEquals(List.of("cocostuff.lock"), tree(dir), "nothing kept, nothing extracted");
        assertEquals("", Files.readString(dir.resolve("cocostuff.lock")), "nothing recorded");
    }

    @Test
    void anArchiveWithoutAPublishedChecksumMustKeepTheSha256OfItsFirstDownload() throws Exception {
        Path data = tmp.resolve("data");
        DataScripts.Result first = fetch(data, imagesMd5, "--delete-archive");
        assertEquals(0, first.code(), first.output());
        Path dir = data.resolve("cocostuff");
        assertFalse(Files.exists(dir.resolve(MAPS)), "--delete-archive");
        String recorded = DataScripts.sha256(mirror.resolve(MAPS));

        // the label maps change at the source; a fresh extraction must refuse them
        Files.move(dir.resolve("annotations"), tmp.resolve("old-annotations"));
        Files.move(dir.resolve("images"), tmp.resolve("old-images"));
        Files.move(dir.resolve("curated"), tmp.resolve("old-curated"));
        Path maps = tmp.resolve("maps");
        Files.writeString(maps.resolve("train2017/000000000009.png"), "another train map");
        DataScripts.zip(mirror.resolve(MAPS), maps);
        DataScripts.Result r = fetch(data, imagesMd5);
        assertEquals(1, r.code(), r.output());
        assertTrue(r.output().contains(MAPS + ": sha256 " + DataScripts.sha256(mirror.resolve(MAPS)) + " does not match " + recorded), r.output());
        assertFalse(Files.exists(dir.resolve(MAPS)));
        assertFalse(Files.exists(dir.resolve(MAPS + ".part")));
        assertFalse(Files.exists(dir.resolve("curated")));
    }

    @Test
    void anImageMissingFromTheZipIsRefusedAndNothingIsPutInPlace() throws Exception {
        Files.delete(source.resolve("images/val2017/000000000002.jpg"));
        DataScripts.zip(mirror.resolve(IMAGES), source.resolve("images"));
        DataScripts.Result r = fetch(tmp.resolve("data"), DataScripts.md5(mirror.resolve(IMAGES)));
        assertEquals(1, r.code(), r.output());
        assertTrue(r.output().contains(IMAGES + " lacks val2017/000000000002.jpg"), r.output());
        Path dir = tmp.resolve("data/cocostuff");
        assertFalse(Files.exists(dir.resolve("images")));
        assertFalse(Files.exists(dir.resolve("curated")));
        assertFalse(Files.list(dir).anyMatch(f -> f.getFileName().toString().startsWith(".extract")), "no staging left");
    }

    @Test
    void neverReplacesAFolderItDidNotMake() throws Exception {
        Path mine = tmp.resolve("data/cocostuff/images/mine.txt");
        Files.createDirectories(mine.getParent());
        Files.writeString(mine, "keep");
        DataScripts.Result r = fetch(tmp.resolve("data"), imagesMd5);
        assertEquals(1, r.code(), r.output());
        assertTrue(r.output().contains("was not made by this script"), r.output());
        assertEquals(List.of("mine.txt"), tree(mine.getParent()));
    }

    @Test
    void helpDocumentsTheSourcesAndTheEnvironment() throws Exception {
        DataScripts.Result r = fetch(tmp.resolve("data"), imagesMd5, "--help");
        assertEquals(0, r.code(), r.output());
        for (String s : List.of("PATHWAYS_COCOSTUFF_MIRROR", "PATHWAYS_COCO_VAL_MD5", "442b8da7639aecaf257c1dceb8ba8c80", "stuffthingmaps_trainval2017.zip", "STEGO")) {
            assertTrue(r.output().contains(s), s + " in " + r.output());
        }
        assertFalse(Files.exists(tmp.resolve("data")), "--help touches nothing");
        assertEquals(2, fetch(tmp.resolve("data"), imagesMd5, "--bogus").code());
    }
}
