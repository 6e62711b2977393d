package org.pathways.scripts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.testing.Golden;

/** data-scripts/fetch-weights.sh, offline, against a file:// mirror laid out like the real host. */
class FetchWeightsScriptTest {
    @TempDir
    Path tmp;

    private record Result(int code, String output) {}

    private Result fetch(Path weightsDir, String... models) throws Exception {
        String[] command = new String[models.length + 2];
        command[0] = "bash";
        command[1] = Golden.repo().resolve("data-scripts/fetch-weights.sh").toString();
        System.arraycopy(models, 0, command, 2, models.length);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("PATHWAYS_WEIGHTS_DIR", weightsDir.toString());
        pb.environment().put("PATHWAYS_WEIGHTS_MIRROR", "file://" + tmp.resolve("mirror"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        return new Result(p.waitFor(), out);
    }

    private byte[] publish(String repo, int size, long seed) throws Exception {
        return publishFile("timm/" + repo + "/resolve/main/model.safetensors", size, seed);
    }

    private byte[] publishFile(String path, int size, long seed) throws Exception {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        Path file = tmp.resolve("mirror/" + path);
        Files.createDirectories(file.getParent());
        Files.write(file, data);
        return data;
    }

    @Test
    void downloadsRecordsVerifiesAndResumes() throws Exception {
        byte[] data = publish("vit_small_patch16_224.dino", 200_000, 1);
        Path dir = tmp.resolve("w");
        Result first = fetch(dir, "dino-vits16");
        assertEquals(0, first.code(), first.output());
        assertArrayEquals(data, Files.readAllBytes(dir.resolve("dino-vits16.safetensors")));
        assertTrue(Files.readString(dir.resolve("weights.lock")).startsWith("dino-vits16 "), "sha256 recorded");
        Result again = fetch(dir, "dino-vits16");
        assertEquals(0, again.code());
        assertTrue(again.output().contains("verified"), again.output());

        // an interrupted download resumes from its .part file
        Path resumeDir = tmp.resolve("r");
        Files.createDirectories(resumeDir);
        Files.write(resumeDir.resolve("dino-vits16.safetensors.part"), Arrays.copyOf(data, 70_000));
        Result resumed = fetch(resumeDir, "dino-vits16");
        assertEquals(0, resumed.code(), resumed.output());
        assertArrayEquals(data, Files.readAllBytes(resumeDir.resolve("dino-vits16.safetensors")));
    }

    @Test
    void aChangedOrWrongFileIsRefusedAndNotKept() throws Exception {
        publish("vit_small_patch16_224.dino", 50_000, 2);
        Path dir = tmp.resolve("w");
        assertEquals(0, fetch(dir, "dino-vits16").code());
        Files.delete(dir.resolve("dino-vits16.safetensors"));
        publish("vit_small_patch16_224.dino", 50_000, 3); // the source changed after the sha256 was recorded
        Result changed = fetch(dir, "dino-vits16");
        assertEquals(1, changed.code(), changed.output());
        assertTrue(changed.output().contains("does not match"), changed.output());
        assertFalse(Files.exists(dir.resolve("dino-vits16.safetensors")));

        publish("vit_small_patch8_224.dino", 10_000, 4); // not the pinned checkpoint
        Result pinned = fetch(dir, "dino-vits8");
        assertEquals(1, pinned.code(), pinned.output());
        assertFalse(Files.exists(dir.resolve("dino-vits8.safetensors")));

        Result unknown = fetch(dir, "dino-vitz99");
        assertEquals(2, unknown.code());
        assertTrue(unknown.output().contains("unknown model 'dino-vitz99'"), unknown.output());
    }

    @Test
    void clipComesWithItsTokenizer() throws Exception {
        String repo = "openai/clip-vit-base-patch16/resolve/main/";
        byte[] model = publishFile(repo + "model.safetensors", 30_000, 5);
        byte[] vocab = publishFile(repo + "vocab.json", 3_000, 6);
        byte[] merges = publishFile(repo + "merges.txt", 2_000, 7);
        Path dir = tmp.resolve("w");
        Result r = fetch(dir, "clip-vitb16");
        assertEquals(0, r.code(), r.output());
        assertArrayEquals(model, Files.readAllBytes(dir.resolve("clip-vitb16.safetensors")));
        assertArrayEquals(vocab, Files.readAllBytes(dir.resolve("clip-vitb16.vocab.json")));
        assertArrayEquals(merges, Files.readAllBytes(dir.resolve("clip-vitb16.merges.txt")));
    }
}
