package org.pathways.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pathways.common.InvalidInputException;

/**
 * CLIP's text tower, as Hugging Face's {@code CLIPTextModel} (transformers models/clip/modeling_clip.py,
 * CLIPTextTransformer): token + position embeddings -> pre-norm blocks with a causal self-attention mask (and, when
 * given, a padding mask) -> final layer norm -> the pooled state. Stable Diffusion 1.x's text encoder is this model,
 * run without a padding mask ({@link #encode(long[][], Taps)}); {@link Clip} runs its text tower with one.
 *
 * <p>Pooling follows transformers: with {@code eos_token_id == 2} (the value old configs carry, SD 1.4's and
 * openai's among them) the position of the largest id, which is CLIP's end marker; otherwise the first position
 * holding {@code eos_token_id} (position 0 when a row has none, as transformers' argmax gives).
 *
 * <p>Taps: {@code text.embed}, {@code text.blocks.i.attn.q|k|v|logits|probs}, {@code text.blocks.i.out} (before the
 * final norm), {@code text.final} (last_hidden_state, SD's encoder_hidden_states), {@code text.pooled}.
 */
public final class TextEncoder implements AutoCloseable {

    /** Where the weights live inside a CLIPModel checkpoint and an older CLIPTextModel one; transformers 5.x drops it. */
    static final String PREFIX = "text_model.";

    /** The text tower's sizes and the id it pools at. */
    public record Config(Clip.Tower tower, int vocab, int maxPositions, int eosTokenId) {
        /**
         * From a Hugging Face {@code config.json}: a CLIPTextModel's (fields at the top) or a CLIPModel's
         * ({@code text_config}). A missing {@code eos_token_id} takes CLIPTextConfig's default, 49407.
         */
        public static Config fromHuggingFace(Path configJson) {
            try {
                JsonObject root = org.pathways.common.JsonFiles.readObject(configJson);
                JsonObject t = root.has("text_config") ? root.getAsJsonObject("text_config") : root;
                if (!t.has("hidden_size") || !t.has("vocab_size")) {
                    throw new InvalidInputException(configJson + ": not a CLIP text config (no hidden_size / vocab_size)");
                }
                return new Config(Clip.Config.tower(t), t.get("vocab_size").getAsInt(),
                        t.has("max_position_embeddings") ? t.get("max_position_embeddings").getAsInt() : 77,
                        t.has("eos_token_id") ? t.get("eos_token_id").getAsInt() : 49407);
            } catch (InvalidInputException e) {
                throw e.getMessage().startsWith(configJson.toString()) ? e : new InvalidInputException(configJson + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                throw new InvalidInputException(configJson + ": unreadable CLIP text config (" + e.getMessage() + ")", e);
            }
        }

        /** transformers' legacy rule: configs written before its PR #24773 say 2 and pool at the largest id. */
        boolean poolsAtLargestId() {
            return eosTokenId == 2;
        }
    }

    /** SD 1.x's text encoder (openai/clip-vit-large-patch14's text tower), as CompVis/stable-diffusion-v1-4 ships it. */
    public static final Config SD14 = new Config(new Clip.Tower(768, 12, 12, 3072, 1e-5), 49408, 77, 2);

    private final Config config;
    private final NDManager manager;
    private final Map<String, NDArray> weights;

    /** Over weights named {@code text_model.*} held in {@code manager} (Clip shares its own; it closes them). */
    TextEncoder(Config config, NDManager manager, Map<String, NDArray> weights) {
        this.config = config;
        this.manager = manager;
        this.weights = weights;
    }

    /**
     * Loads a CLIPTextModel checkpoint (keys with or without the {@code text_model.} prefix; a position_ids buffer and
     * a projection are ignored). {@code weightsFileOrFolder}: a {@code .safetensors} file, or a folder holding
     * {@code model.safetensors} (diffusers' {@code text_encoder/}); {@code configOrNull}: the config.json, else the
     * one beside the weights.
     */
    public static TextEncoder load(NDManager parent, Path weightsFileOrFolder, Path configOrNull) {
        Path file = Files.isDirectory(weightsFileOrFolder) ? weightsFileOrFolder.resolve("model.safetensors") : weightsFileOrFolder;
        Path configJson = configOrNull != null ? configOrNull : file.toAbsolutePath().getParent().resolve("config.json");
        if (!Files.isRegularFile(configJson)) {
            throw new InvalidInputException(configJson + ": no text encoder config.json (pass its path, or put it beside " + file.getFileName() + ")");
        }
        return load(parent, Config.fromHuggingFace(configJson), file);
    }

    /** Loads a CLIPTextModel checkpoint for a known config. */
    public static TextEncoder load(NDManager parent, Config config, Path file) {
        Map<String, SafeTensors.Tensor> raw = withPrefix(SafeTensors.read(file), file);
        NDManager manager = parent.newSubManager();
        try {
            Map<String, NDArray> weights = new HashMap<>(SafeTensors.checked(raw, expectedShapes(config), manager, file, "CLIP text encoder (Hugging Face CLIPTextModel layout)"));
            return new TextEncoder(config, manager, weights);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** The checkpoint's keys in the prefixed form; transformers 5.x writes them without the prefix. */
    private static Map<String, SafeTensors.Tensor> withPrefix(Map<String, SafeTensors.Tensor> raw, Path file) {
        if (raw.containsKey(PREFIX + "embeddings.token_embedding.weight")) return raw;
        if (!raw.containsKey("embeddings.token_embedding.weight")) {
            throw new InvalidInputException(file + ": not a CLIP text encoder (no " + PREFIX + "embeddings.token_embedding.weight, with or without the prefix)");
        }
        Map<String, SafeTensors.Tensor> out = new LinkedHashMap<>();
        for (SafeTensors.Tensor t : raw.values()) out.put(PREFIX + t.name(), new SafeTensors.Tensor(PREFIX + t.name(), t.dtype(), t.shape(), t.values()));
        return out;
    }

    static Map<String, long[]> expectedShapes(Config c) {
        Map<String, long[]> s = new LinkedHashMap<>();
        long d = c.tower().dim();
        s.put(PREFIX + "embeddings.token_embedding.weight", new long[] {c.vocab(), d});
        s.put(PREFIX + "embeddings.position_embedding.weight", new long[] {c.maxPositions(), d});
        Clip.blockShapes(s, PREFIX + "encoder.layers.", c.tower());
        s.put(PREFIX + "final_layer_norm.weight", new long[] {d});
        s.put(PREFIX + "final_layer_norm.bias", new long[] {d});
        return s;
    }

    public Config config() {
        return config;
    }

    /**
     * Stable Diffusion's way: ids (B, L), every position attended under the causal mask, no padding mask (SD pads
     * with the end marker and lets the model see it).
     */
    public void encode(long[][] inputIds, Taps taps) {
        try (NDManager scope = manager.newSubManager()) {
            scope.tempAttachAll(weights.values().toArray(new NDArray[0])); // ops on weights land in this pass
            forward(scope, inputIds, null, taps);
            taps.keepAll();
        }
    }

    /** With a padding mask (1 = token, 0 = padding), as transformers with an attention_mask and {@link Clip}. */
    public void encode(long[][] inputIds, int[][] attentionMask, Taps taps) {
        try (NDManager scope = manager.newSubManager()) {
            scope.tempAttachAll(weights.values().toArray(new NDArray[0]));
            forward(scope, inputIds, attentionMask, taps);
            taps.keepAll();
        }
    }

    /**
     * The empty prompt's ids in SD 1.x's tokenizer convention: start marker, then the end marker repeated to the full
     * length (it is also the padding token). CLIP's BPE vocabulary ends with the two markers (49406, 49407 of 49408),
     * so they are the vocabulary's last two ids; {@link ClipTokenizer} gives the same ids from SD's tokenizer files.
     */
    public long[] emptyPromptIds() {
        long[] ids = new long[config.maxPositions()];
        Arrays.fill(ids, config.vocab() - 1L);
        ids[0] = config.vocab() - 2L;
        return ids;
    }

    /** A prompt's ids as SD's pipeline makes them: start, tokens, end, padded with the end marker to the full length (truncated keeping the end). */
    public long[] promptIds(ClipTokenizer tokenizer, String prompt) {
        int[] ids = tokenizer.batch(List.of(prompt), config.maxPositions())[0][0];
        long[] out = new long[ids.length];
        for (int i = 0; i < ids.length; i++) out[i] = ids[i];
        return out;
    }

    /** SD's unconditional conditioning: last_hidden_state of the empty prompt, (1, maxPositions, dim), in {@code keep}. */
    public NDArray emptyPromptEmbedding(NDManager keep) {
        Taps taps = new Taps(keep, "text.final");
        encode(new long[][] {emptyPromptIds()}, taps);
        return taps.captured().get("text.final");
    }

    /**
     * The tower on ids (B, L) in {@code scope} (weights temp-attached by the caller): offers the taps and returns the
     * pooled states (B, dim). {@code attentionMask} null: causal mask only.
     */
    NDArray forward(NDManager scope, long[][] ids, int[][] attentionMask, Taps taps) {
        int batch = ids.length;
        if (batch == 0) throw new InvalidInputException("text encoder: no token rows");
        int length = ids[0].length;
        if (length == 0 || length > config.maxPositions()) {
            throw new InvalidInputException("text encoder: " + length + " tokens per row, expected 1.." + config.maxPositions());
        }
        long[] flat = new long[batch * length];
        int[] pooledAt = new int[batch];
        for (int b = 0; b < batch; b++) {
            if (ids[b].length != length) throw new InvalidInputException("text encoder: row " + b + " has " + ids[b].length + " tokens, row 0 has " + length);
            if (attentionMask != null && attentionMask[b].length != length) {
                throw new InvalidInputException("text encoder: attention mask row " + b + " has " + attentionMask[b].length + " entries for " + length + " tokens");
            }
            for (int i = 0; i < length; i++) {
                long id = ids[b][i];
                if (id < 0 || id >= config.vocab()) throw new InvalidInputException("text encoder: token id " + id + " at row " + b + ", position " + i + " outside the vocabulary of " + config.vocab());
                flat[b * length + i] = id;
            }
            pooledAt[b] = poolPosition(ids[b]);
        }
        float[] mask = new float[batch * length * length]; // additive: 0 where visible, the float32 minimum elsewhere
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < length; i++) {
                for (int j = 0; j < length; j++) {
                    boolean visible = j <= i && (attentionMask == null || attentionMask[b][j] != 0); // causal, and not padding when masked
                    mask[(b * length + i) * length + j] = visible ? 0 : -Float.MAX_VALUE;
                }
            }
        }
        int d = config.tower().dim();
        NDArray x = weights.get(PREFIX + "embeddings.token_embedding.weight").get(new NDIndex("{}", scope.create(flat, new Shape(flat.length))))
                .reshape(batch, length, d)
                .add(weights.get(PREFIX + "embeddings.position_embedding.weight").get("0:" + length));
        taps.offer("text.embed", x);
        NDArray additive = scope.create(mask, new Shape(batch, 1, length, length));
        x = Clip.blocks(weights, scope, x, PREFIX + "encoder.layers.", "text.blocks.", config.tower(), additive, taps, 0, config.tower().depth());
        x = Layers.layerNorm(weights, x, PREFIX + "final_layer_norm", config.tower().layerNormEps());
        taps.offer("text.final", x);
        NDArray[] rows = new NDArray[batch];
        for (int b = 0; b < batch; b++) rows[b] = x.get(b + ", " + pooledAt[b] + ", :").reshape(1, d);
        NDArray pooled = rows.length == 1 ? rows[0] : NDArrays.concat(new NDList(rows), 0);
        taps.offer("text.pooled", pooled);
        return pooled;
    }

    /** transformers' pooling position for one row (see the class comment). */
    private int poolPosition(long[] row) {
        int at = 0;
        for (int i = 0; i < row.length; i++) {
            if (config.poolsAtLargestId() ? row[i] > row[at] : row[i] == config.eosTokenId()) { // first occurrence wins, as torch's argmax
                at = i;
                if (!config.poolsAtLargestId()) break;
            }
        }
        return at;
    }

    @Override
    public void close() {
        manager.close();
    }
}
