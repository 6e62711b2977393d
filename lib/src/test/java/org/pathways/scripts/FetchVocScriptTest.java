package org.pathways.scripts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.data.SampleVoc;
import org.pathways.data.VocDataset;
import org.pathways.testing.Golden;

/** data-scripts/fetch-voc.sh, offline, against a small tar in the official archive's layout served by file://. */
class FetchVocScriptTest {
    private static final String NAME = "VOCtrainval_11-May-2012.tar";

    @TempDir
    Path tmp;

    private Path tar;
    private String md5;
    private Path source;

    private record Result(int code, String output) {}

    /** A VOC tree like the archive's: 3 val ids, 1 train id, plus files the script must not extract. */
    @BeforeEach
    void buildArchive() throws Exception {
        source = SampleVoc.write(tmp.resolve("src"), 4, 9);
        Path sets = source.resolve("ImageSets/Segmentation");
        Files.writeString(sets.resolve("val.txt"), "2007_000001\n2007_000002\n2007_000003\n");
        Files.writeString(sets.resolve("train.txt"), "2007_000004\n");
        Files.writeString(sets.resolve("trainval.txt"), "2007_000001\n2007_000002\n2007_000003\n2007_000004\n");
        Files.copy(source.resolve("JPEGImages/2007_000001.jpg"), source.resolve("JPEGImages/2008_000999.jpg"));
        Files.createDirectories(source.resolve("Annotations"));
        Files.writeString(source.resolve("Annotations/2007_000001.xml"), "<annotation/>");
        Files.createDirectories(source.resolve("ImageSets/Main"));
        Files.writeString(source.resolve("ImageSets/Main/train.txt"), "2008_000999\n");
        tar = tmp.resolve("mirror").resolve(NAME);
        Files.createDirectories(tar.getParent());
        Process p = new ProcessBuilder("tar", "-cf", tar.toString(), "-C", tmp.resolve("src").toString(), "VOCdevkit")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(tar)));
    }

    private Result fetch(Path dataDir, String expectedMd5, String... args) throws Exception {
        String[] command = new String[args.length + 2];
        command[0] = "bash";
        command[1] = Golden.repo().resolve("data-scripts/fetch-voc.sh").toString();
        System.arraycopy(args, 0, command, 2, args.length);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("PATHWAYS_DATA_DIR", dataDir.toString());
        pb.environment().put("PATHWAYS_VOC_URL", "file://" + tar);
        pb.environment().put("PATHWAYS_VOC_MD5", expectedMd5);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        return new Result(p.waitFor(), out);
    }

    private static List<String> tree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(f -> dir.relativize(f).toString()).sorted().toList();
        }
    }

    @Test
    void extractsWhatSegmentationNeedsRecordsTheLockAndIsIdempotent() throws Exception {
        Path data = tmp.resolve("data");
        Files.createDirectories(data.resolve("voc"));
        Files.writeString(data.resolve("voc/notes.txt"), "mine");
        Result first = fetch(data, md5);
        assertEquals(0, first.code(), first.output());
        Path voc = data.resolve("voc");
        Path extracted = voc.resolve("VOCdevkit/VOC2012");
        assertEquals(List.of(".pathways-extracted", "ImageSets/Segmentation/train.txt", "ImageSets/Segmentation/trainval.txt",
                "ImageSets/Segmentation/val.txt", "JPEGImages/2007_000001.jpg", "JPEGImages/2007_000002.jpg",
                "JPEGImages/2007_000003.jpg", "JPEGImages/2007_000004.jpg", "SegmentationClass/2007_000001.png",
                "SegmentationClass/2007_000002.png", "SegmentationClass/2007_000003.png", "SegmentationClass/2007_000004.png"),
                tree(extracted));
        assertArrayEquals(Files.readAllBytes(source.resolve("SegmentationClass/2007_000003.png")),
                Files.readAllBytes(extracted.resolve("SegmentationClass/2007_000003.png")));
        assertArrayEquals(Files.readAllBytes(tar), Files.readAllBytes(voc.resolve(NAME)), "the archive is kept");
        String lock = Files.readString(voc.resolve("voc.lock"));
        assertTrue(lock.startsWith(NAME + " md5 " + md5 + " sha256 "), lock);
        assertEquals("mine", Files.readString(voc.resolve("notes.txt")));

        // the loader finds it where it looks by default
        VocDataset dataset = VocDataset.open(voc, "val");
        assertEquals(List.of("2007_000001", "2007_000002", "2007_000003"), dataset.ids());
        assertEquals(List.of(), dataset.problems());

        Result again = fetch(data, md5);
        assertEquals(0, again.code(), again.output());
        assertTrue(again.output().contains("verified") && again.output().contains("nothing to do"), again.output());
        assertEquals(lock, Files.readString(voc.resolve("voc.lock")));
        assertFalse(Files.list(voc).anyMatch(f -> f.getFileName().toString().startsWith(".extract")), "no staging left");
    }

    @Test
    void deleteArchiveKeepsOnlyTheExtractedSet() throws Exception {
        Path data = tmp.resolve("data");
        Result r = fetch(data, md5, "--delete-archive");
        assertEquals(0, r.code(), r.output());
        Path voc = data.resolve("voc");
        assertFalse(Files.exists(voc.resolve(NAME)));
        assertEquals(3, VocDataset.open(voc, "val").ids().size());
        Result again = fetch(data, md5);
        assertEquals(0, again.code(), again.output());
        assertTrue(again.output().contains("nothing to do"), again.output());
        assertFalse(Files.exists(voc.resolve(NAME)), "not downloaded again");
    }

    @Test
    void aWrongChecksumIsRefusedAndTheDownloadDeleted() throws Exception {
        Path data = tmp.resolve("data");
        Result r = fetch(data, "0123456789abcdef0123456789abcdef");
        assertEquals(1, r.code(), r.output());
        assertTrue(r.output().contains("md5 " + md5 + " does not match 0123456789abcdef0123456789abcdef"), r.output());
        Path voc = data.resolve("voc");
        assertFalse(Files.exists(voc.resolve(NAME)));
        assertFalse(Files.exists(voc.resolve(NAME + ".part")));
        assertFalse(Files.exists(voc.resolve("VOCdevkit")));
        assertEquals("", Files.readString(voc.resolve("voc.lock")), "nothing recorded");
    }

    @Test
    void resumesFromAPartialDownload() throws Exception {
        Path voc = tmp.resolve("data/voc");
        Files.createDirectories(voc);
        byte[] whole = Files.readAllBytes(tar);
        Files.write(voc.resolve(NAME + ".part"), Arrays.copyOf(whole, whole.length / 3));
        Result r = fetch(tmp.resolve("data"), md5);
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("resuming from byte " + whole.length / 3), r.output());
        // curl's own word that it appended to the .part rather than starting over
        assertTrue(r.output().contains("Resuming transfer from byte position " + whole.length / 3), r.output());
        assertArrayEquals(whole, Files.readAllBytes(voc.resolve(NAME)));
        assertFalse(Files.exists(voc.resolve(NAME + ".part")));
        assertEquals(4, VocDataset.open(voc, "trainval").ids().size());
    }

    @Test
    void aPartFileFromAnotherFileFailsVerificationInsteadOfBeingTrusted() throws Exception {
        Path voc = tmp.resolve("data/voc");
        Files.createDirectories(voc);
        byte[] wrong = Files.readAllBytes(tar);
        Arrays.fill(wrong, 0, 1000, (byte) 7);
        Files.write(voc.resolve(NAME + ".part"), Arrays.copyOf(wrong, wrong.length / 2));
        Result r = fetch(tmp.resolve("data"), md5);
        assertEquals(1, r.code(), r.output());
        assertTrue(r.output().contains("does not match"), r.output());
        assertFalse(Files.exists(voc.resolve("VOCdevkit")));
        // the bad .part is gone, so the next run downloads afresh and succeeds
        Result again = fetch(tmp.resolve("data"), md5);
        assertEquals(0, again.code(), again.output());
    }

    @Test
    void neverReplacesAFolderOrArchiveItDidNotMake() throws Exception {
        Path voc = tmp.resolve("data/voc");
        Path mine = voc.resolve("VOCdevkit/VOC2012/mine.txt");
        Files.createDirectories(mine.getParent());
        Files.writeString(mine, "keep");
        Result r = fetch(tmp.resolve("data"), md5);
        assertEquals(1, r.code(), r.output());
        assertTrue(r.output().contains("was not made by this script"), r.output());
        assertEquals(List.of("mine.txt"), tree(mine.getParent()));

        Path other = tmp.resolve("other/voc");
        Files.createDirectories(other);
        Files.writeString(other.resolve(NAME), "a different archive");
        r = fetch(tmp.resolve("other"), md5);
        assertEquals(1, r.code(), r.output());
        assertTrue(r.output().contains("exists but does not match"), r.output());
        assertEquals("a different archive", Files.readString(other.resolve(NAME)));
    }

    @Test
    void anArchiveWithoutTheSegmentationFoldersIsRefused() throws Exception {
        Path empty = tmp.resolve("empty");
        Files.createDirectories(empty.resolve("VOCdevkit/VOC2012/Annotations"));
        Files.writeString(empty.resolve("VOCdevkit/VOC2012/Annotations/a.xml"), "<annotation/>");
        Process p = new ProcessBuilder("tar", "-cf", tar.toString(), "-C", empty.toString(), "VOCdevkit").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor());
        String emptyMd5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(tar)));
        Result r = fetch(tmp.resolve("data"), emptyMd5);
        assertEquals(1, r.code(), r.output());
        assertTrue(r.output().contains("lacks VOCdevkit/VOC2012/ImageSets/Segmentation"), r.output());
        Path voc = tmp.resolve("data/voc");
        assertFalse(Files.exists(voc.resolve("VOCdevkit")));
        assertFalse(Files.list(voc).anyMatch(f -> f.getFileName().toString().startsWith(".extract")), "no staging left");
    }

    @Test
    void helpDocumentsTheEnvironment() throws Exception {
        Result r = fetch(tmp.resolve("data"), md5, "--help");
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("PATHWAYS_VOC_URL") && r.output().contains("PATHWAYS_VOC_MD5")
                && r.output().contains("6cd6e144f989b92b3379bac3b3de84fd"), r.output());
        assertFalse(Files.exists(tmp.resolve("data")), "--help touches nothing");
        assertEquals(2, fetch(tmp.resolve("data"), md5, "--bogus").code());
    }
}
