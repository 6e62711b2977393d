package org.pathways.scripts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
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
        pb.environment().remove("HF_TOKEN");
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

    private static final String SD14 = "CompVis/stable-diffusion-v1-4/resolve/main/";
    private static final String TOKEN = "hf_TestTokenThatMustNotBePrinted";

    /** sd14 with a token: HF_TOKEN set, the user's proxies removed (DataScripts.run). */
    private DataScripts.Result fetchSd14(Path weightsDir, String token) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("PATHWAYS_WEIGHTS_DIR", weightsDir.toString());
        env.put("PATHWAYS_WEIGHTS_MIRROR", "file://" + tmp.resolve("mirror"));
        env.put("HF_TOKEN", token);
        return DataScripts.run("fetch-weights.sh", env, "sd14");
    }

    /**
     * A Hugging Face tree listing of one folder, as api/models/REPO/tree/main/FOLDER returns it: small git files
     * without "lfs", weights with "lfs": {"oid": sha256}. {@code published} maps a weights path to the sha256 listed.
     */
    private void publishListing(String folder, Map<String, String> published) throws Exception {
        StringBuilder json = new StringBuilder("[{\"type\":\"file\",\"oid\":\"0123456789abcdef0123456789abcdef01234567\",\"size\":600,\"path\":\"" + folder + "/config.json\"}");
        for (Map.Entry<String, String> e : published.entrySet()) {
            json.append(",\n  {\"type\": \"file\", \"oid\": \"89abcdef0123456789abcdef0123456789abcdef\", \"size\": 5000, \"lfs\": {\"oid\": \"")
                    .append(e.getValue()).append("\", \"size\": 5000, \"pointerSize\": 135}, \"path\": \"").append(e.getKey()).append("\"}");
        }
        json.append("]");
        Path file = tmp.resolve("mirror/api/models/CompVis/stable-diffusion-v1-4/tree/main/" + folder);
        Files.createDirectories(file.getParent());
        Files.writeString(file, json.toString());
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    private static final List<String> SMALL = List.of("unet/config.json", "vae/config.json", "text_encoder/config.json", "tokenizer/vocab.json",
            "tokenizer/merges.txt", "tokenizer/tokenizer_config.json", "tokenizer/special_tokens_map.json", "scheduler/scheduler_config.json");

    /** The repository as the script sees it: unet and text_encoder with fp16 variants, vae with the float32 file only. */
    private Map<String, byte[]> publishSd14() throws Exception {
        Map<String, byte[]> files = new HashMap<>();
        long seed = 20;
        for (String f : List.of("unet/diffusion_pytorch_model.safetensors", "unet/diffusion_pytorch_model.fp16.safetensors",
                "vae/diffusion_pytorch_model.safetensors", "text_encoder/model.safetensors", "text_encoder/model.fp16.safetensors")) {
            files.put(f, publishFile(SD14 + f, 40_000, seed++));
        }
        for (String f : SMALL) files.put(f, publishFile(SD14 + f, 700, seed++));
        publishListing("unet", Map.of("unet/diffusion_pytorch_model.safetensors", sha256(files.get("unet/diffusion_pytorch_model.safetensors")),
                "unet/diffusion_pytorch_model.fp16.safetensors", sha256(files.get("unet/diffusion_pytorch_model.fp16.safetensors"))));
        publishListing("vae", Map.of("vae/diffusion_pytorch_model.safetensors", sha256(files.get("vae/diffusion_pytorch_model.safetensors"))));
        publishListing("text_encoder", Map.of("text_encoder/model.fp16.safetensors", sha256(files.get("text_encoder/model.fp16.safetensors")),
                "text_encoder/model.safetensors", sha256(files.get("text_encoder/model.safetensors"))));
        return files;
    }

    @Test
    void sd14NeedsAToken() throws Exception {
        publishSd14();
        Path dir = tmp.resolve("w");
        Result r = fetch(dir, "sd14");
        assertEquals(2, r.code(), r.output());
        assertTrue(r.output().contains("HF_TOKEN") && r.output().strip().lines().count() == 1, r.output());
        assertFalse(Files.exists(dir.resolve("sd14")));
    }

    @Test
    void sd14ComesInTheDiffusersLayoutPreferringFp16AndVerifiedByTheListedSha256() throws Exception {
        Map<String, byte[]> published = publishSd14();
        Path dir = tmp.resolve("w");
        Files.createDirectories(dir.resolve("sd14/unet"));
        byte[] unet16 = published.get("unet/diffusion_pytorch_model.fp16.safetensors");
        Files.write(dir.resolve("sd14/unet/diffusion_pytorch_model.safetensors.part"), Arrays.copyOf(unet16, 9_000)); // interrupted before
        DataScripts.Result r = fetchSd14(dir, TOKEN);
        assertEquals(0, r.code(), r.output());
        assertFalse(r.output().contains(TOKEN), "the token is never printed");
        Path sd = dir.resolve("sd14");
        assertArrayEquals(unet16, Files.readAllBytes(sd.resolve("unet/diffusion_pytorch_model.safetensors")), "fp16 variant, resumed");
        assertArrayEquals(published.get("vae/diffusion_pytorch_model.safetensors"), Files.readAllBytes(sd.resolve("vae/diffusion_pytorch_model.safetensors")), "float32 where no fp16 is listed");
        assertArrayEquals(published.get("text_encoder/model.fp16.safetensors"), Files.readAllBytes(sd.resolve("text_encoder/model.safetensors")));
        for (String f : SMALL) assertArrayEquals(published.get(f), Files.readAllBytes(sd.resolve(f)), f);
        String lock = Files.readString(dir.resolve("weights.lock"));
        assertTrue(lock.contains("sd14/tokenizer/merges.txt " + sha256(published.get("tokenizer/merges.txt"))), lock);
        assertFalse(lock.contains("safetensors"), "weights are checked against the listing, not recorded: " + lock);

        DataScripts.Result again = fetchSd14(dir, TOKEN);
        assertEquals(0, again.code(), again.output());
        assertEquals(SMALL.size() + 3, again.output().lines().filter(l -> l.contains("sha256 verified")).count(), again.output());
    }

    @Test
    void sd14RefusesWeightsThatDoNotMatchTheListing() throws Exception {
        Map<String, byte[]> published = publishSd14();
        publishListing("vae", Map.of("vae/diffusion_pytorch_model.safetensors", sha256(new byte[] {1, 2, 3})));
        Path dir = tmp.resolve("w");
        DataScripts.Result r = fetchSd14(dir, TOKEN);
        assertEquals(1, r.code(), r.output());
        assertTrue(r.output().contains("does not match"), r.output());
        assertFalse(Files.exists(dir.resolve("sd14/vae/diffusion_pytorch_model.safetensors")));
        assertFalse(Files.exists(dir.resolve("sd14/vae/diffusion_pytorch_model.safetensors.part")));
        assertArrayEquals(published.get("unet/diffusion_pytorch_model.fp16.safetensors"), Files.readAllBytes(dir.resolve("sd14/unet/diffusion_pytorch_model.safetensors")), "the others still come");

        Files.delete(tmp.resolve("mirror/api/models/CompVis/stable-diffusion-v1-4/tree/main/text_encoder"));
        DataScripts.Result unlisted = fetchSd14(tmp.resolve("w2"), TOKEN);
        assertEquals(1, unlisted.code(), unlisted.output());
        assertTrue(unlisted.output().contains("cannot list CompVis/stable-diffusion-v1-4/text_encoder"), unlisted.output());
    }
}
