package org.pathways.model;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.pathways.common.AtomicFiles;

/**
 * Small random-weight models in the real file formats, for trying the pipelines offline (notebooks, tests): their
 * outputs mean nothing, but every loader, tap and table runs as it would on the released checkpoints.
 */
public final class SampleModels {
    private SampleModels() {}

    /** A tiny CLIP: 4-layer 64-wide towers, 16-pixel patches, a byte-level vocabulary (514 tokens, no merges). */
    public static final Clip.Config TINY_CLIP = new Clip.Config("clip-vitb16", 16, 224, new Clip.Tower(64, 4, 4, 256, 1e-5),
            new Clip.Tower(64, 2, 4, 256, 1e-5), 514, 77, 513, 64);

    /** The files of a written model: weights, Hugging Face config.json, tokenizer vocabulary and merges. */
    public record ClipFiles(Path weights, Path config, Path vocab, Path merges) {}

    /** The tiny CLIP as a backbone (paper input size: short side 448). */
    public static VitBackbone tinyClipBackbone(ClipFiles files) {
        return new VitBackbone(TINY_CLIP.name(), TINY_CLIP.patch(), files.weights(), VitBackbone.Resize.PAPER, m -> Clip.load(m, TINY_CLIP, files.weights()));
    }

    /** The tiny CLIP's tokenizer. */
    public static ClipTokenizer tinyClipTokenizer(ClipFiles files) {
        return ClipTokenizer.fromFiles(files.vocab(), files.merges());
    }

    /** Writes the tiny CLIP into {@code dir} (kept if already there, since it is deterministic). */
    public static ClipFiles tinyClip(Path dir, long seed) throws IOException {
        Files.createDirectories(dir);
        ClipFiles files = new ClipFiles(dir.resolve("clip-tiny.safetensors"), dir.resolve("clip-tiny.config.json"),
                dir.resolve("clip-tiny.vocab.json"), dir.resolve("clip-tiny.merges.txt"));
        if (!Files.isRegularFile(files.weights())) {
            SafeTensors.writeFloat32(files.weights(), Clip.randomWeights(TINY_CLIP, seed)); // atomic itself
        }
        String config = Clip.huggingFaceConfig(TINY_CLIP);
        AtomicFiles.write(files.config(), tmp -> Files.writeString(tmp, config, StandardCharsets.UTF_8));
        JsonObject vocab = new JsonObject();
        String[] bytes = ClipTokenizer.byteToUnicode();
        int id = 0;
        for (String b : bytes) vocab.addProperty(b, id++);
        for (String b : bytes) vocab.addProperty(b + "</w>", id++);
        vocab.addProperty(ClipTokenizer.START, id++);
        vocab.addProperty(ClipTokenizer.END, id);
        AtomicFiles.write(files.vocab(), tmp -> Files.writeString(tmp, vocab.toString(), StandardCharsets.UTF_8));
        AtomicFiles.write(files.merges(), tmp -> Files.writeString(tmp, "#version: 0.2\n", StandardCharsets.UTF_8));
        return files;
    }
}
