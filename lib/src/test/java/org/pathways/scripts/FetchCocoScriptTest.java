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
import org.pathways.data.CocoInstances;
import org.pathways.data.SampleCoco;

/**
 * data-scripts/fetch-coco.sh, offline, against a file:// mirror holding a small val2017.zip (val2017/<id>.jpg, as
 * COCO's) and a class-agnostic annotation JSON of CutLER's name, both from {@link SampleCoco}.
 */
class FetchCocoScriptTest {
    private static final String IMAGES = "val2017.zip";
    private static final String JSON = SampleCoco.ANNOTATIONS;

    @TempDir
    Path tmp;

    private Path mirror;
    private Path source;
    private String imagesMd5;

    @BeforeEach
    void buildArchives() throws Exception {
        source = SampleCoco.write(tmp.resolve("src"), 2, 3);
        mirror = tmp.resolve("mirror");
        Path zipped = tmp.resolve("zipped");
        Files.createDirectories(zipped);
        Files.move(source.resolve("val2017"), zipped.resolve("val2017"));
        DataScripts.zip(mirror.resolve(IMAGES), zipped);
        Files.move(zipped.resolve("val2017"), source.resolve("val2017"));
        Files.copy(source.resolve("annotations").resolve(JSON), mirror.resolve(JSON));
        imagesMd5 = DataScripts.md5(mirror.resolve(IMAGES));
    }

    private DataScripts.Result fetch(Path dataDir, String md5, String... args) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("PATHWAYS_DATA_DIR", dataDir.toString());
        env.put("PATHWAYS_COCO_MIRROR", "file://" + mirror);
        env.put("PATHWAYS_COCO_VAL_MD5", md5);
        return DataScripts.run("fetch-coco.sh", env, args);
    }

    @Test
    void extractsTheSetRecordsTheLockAndIsIdempotent() throws Exception {
        Path data = tmp.resolve("data");
        DataScripts.Result first = fetch(data, imagesMd5);
        assertEquals(0, first.code(), first.output());
        Path dir = data.resolve("coco");
        assertEquals(List.of("annotations/.pathways-extracted", "annotations/" + JSON, "coco.lock", JSON, IMAGES,
                "val2017/000000000001.jpg", "val2017/000000000002.jpg"), tree(dir));
        String lock = Files.readString(dir.resolve("coco.lock"));
        List<String> lines = lock.lines().toList();
        assertEquals(2, lines.size(), lock);
        assertTrue(lines.get(0).startsWith(IMAGES + " md5 " + imagesMd5 + " sha256 " + DataScripts.sha256(mirror.resolve(IMAGES))), lock);
        assertTrue(lines.get(1).startsWith(JSON + " md5 " + DataScripts.md5(mirror.resolve(JSON))), lock);
        assertTrue(first.output().contains("no checksum published"), first.output());

        // the loader reads it where it looks by default
        CocoInstances set = CocoInstances.open(data);
        assertEquals(2, set.images().size());
        assertEquals("coco-val2017", set.name(), "the marker of a generated set is not part of the downloads");
        for (CocoInstances.Image image : set.images()) {
            assertArrayEquals(Files.readAllBytes(source.resolve("val2017").resolve(image.file().getFileName())), Files.readAllBytes(image.file()));
            assertEquals(image.width(), set.read(image).getWidth());
        }

        DataScripts.Result again = fetch(data, imagesMd5);
        assertEquals(0, again.code(), again.output());
        assertTrue(again.output().contains("nothing to do"), again.output());
        assertEquals(lock, Files.readString(dir.resolve("coco.lock")));
        assertFalse(Files.list(dir).anyMatch(f -> f.getFileName().toString().startsWith(".extract")), "no staging left");
    }

    @Test
    void resumesFromAPartialDownload() throws Exception {
        Path dir = tmp.resolve("data/coco");
        Files.createDirectories(dir);
        byte[] whole = Files.readAllBytes(mirror.resolve(IMAGES));
        Files.write(dir.resolve(IMAGES + ".part"), Arrays.copyOf(whole, whole.length / 3));
        DataScripts.Result r = fetch(tmp.resolve("data"), imagesMd5);
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("resuming from byte " + whole.length / 3), r.output());
        assertTrue(r.output().contains("Resuming transfer from byte position " + whole.length / 3), r.output());
        assertArrayEquals(whole, Files.readAllBytes(dir.resolve(IMAGES)));
        assertEquals(2, CocoInstances.open(dir).images().size());
    }

    @Test
    void aWrongPublishedChecksumIsRefusedAndTheDownloadDeleted() throws Exception {
        DataScripts.Result r = fetch(tmp.resolve("data"), "0123456789abcdef0123456789abcdef");
        assertEquals(1, r.code(), r.output());
        assertTrue(r.output().contains("md5 " + imagesMd5 + " does not match 0123456789abcdef0123456789abcdef"), r.output());
        Path dir = tmp.resolve("data/coco");
        assertEquals(List.of("coco.lock"), tree(dir), "nothing kept, nothing extracted");
    }

    @Test
    void theAnnotationsMustKeepTheSha256OfTheirFirstDownload() throws Exception {
        Path data = tmp.resolve("data");
        DataScripts.Result first = fetch(data, imagesMd5, "--delete-archive");
        assertEquals(0, first.code(), first.output());
        Path dir = data.resolve("coco");
        assertFalse(Files.exists(dir.resolve(IMAGES)), "--delete-archive");
        assertFalse(Files.exists(dir.resolve(JSON)), "--delete-archive");
        String recorded = DataScripts.sha256(mirror.resolve(JSON));
        Files.move(dir.resolve("annotations"), tmp.resolve("old-annotations"));
        Files.move(dir.resolve("val2017"), tmp.resolve("old-val2017"));
        Files.writeString(mirror.resolve(JSON), "{\"images\": [], \"annotations\": []}");
        DataScripts.Result r = fetch(data, imagesMd5);
        assertEquals(1, r.code(), r.output());
        assertTrue(r.output().contains(JSON + ": sha256 " + DataScripts.sha256(mirror.resolve(JSON)) + " does not match " + recorded), r.output());
        assertFalse(Files.exists(dir.resolve("annotations")));
    }

    @Test
    void anHtmlPageInsteadOfTheJsonIsRefused() throws Exception {
        Files.writeString(mirror.resolve(JSON), "<html><body>Access denied</body></html>");
        DataScripts.Result r = fetch(tmp.resolve("data"), imagesMd5);
        assertEquals(1, r.code(), r.output());
        assertTrue(r.output().contains("does not look like a COCO annotation file"), r.output());
        assertFalse(Files.exists(tmp.resolve("data/coco/annotations")));
    }

    @Test
    void neverReplacesAFolderItDidNotMake() throws Exception {
        Path mine = tmp.resolve("data/coco/val2017/mine.txt");
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
        for (String s : List.of("PATHWAYS_COCO_MIRROR", "PATHWAYS_COCO_VAL_MD5", "442b8da7639aecaf257c1dceb8ba8c80", JSON, "CutLER")) {
            assertTrue(r.output().contains(s), s + " in " + r.output());
        }
        assertFalse(Files.exists(tmp.resolve("data")), "--help touches nothing");
        assertEquals(2, fetch(tmp.resolve("data"), imagesMd5, "--bogus").code());
    }
}
