package org.pathways.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.common.InvalidInputException;

/** Checkpoints written by the test itself, with the real key names of both layouts. */
class WeightsTest {
    @TempDir
    Path dir;

    private static final VisionTransformer.Config TINY = GoldenVisionTransformerTest.TINY;

    /** Random timm-layout weights for the tiny config, 4x4 position grid. */
    static Map<String, SafeTensors.Tensor> randomTimm(long seed) {
        Random r = new Random(seed);
        Map<String, SafeTensors.Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : VisionTransformer.expectedShapes(TINY, 17).entrySet()) {
            long n = Arrays.stream(e.getValue()).reduce(1, (a, b) -> a * b);
            float[] v = new float[(int) n];
            for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextGaussian() * (e.getKey().endsWith("norm1.weight") || e.getKey().endsWith("norm2.weight") ? 0.1 : 0.3) + (e.getKey().contains("norm") && e.getKey().endsWith("weight") ? 1 : 0));
            out.put(e.getKey(), new SafeTensors.Tensor(e.getKey(), "F32", e.getValue(), v));
        }
        return out;
    }

    /** The same weights in Hugging Face transformers' ViT layout (qkv split into query, key, value). */
    static Map<String, SafeTensors.Tensor> toHuggingFace(Map<String, SafeTensors.Tensor> timm, String prefix) {
        Map<String, SafeTensors.Tensor> out = new LinkedHashMap<>();
        put(out, prefix + "embeddings.cls_token", timm.get("cls_token"));
        put(out, prefix + "embeddings.position_embeddings", timm.get("pos_embed"));
        put(out, prefix + "embeddings.patch_embeddings.projection.weight", timm.get("patch_embed.proj.weight"));
        put(out, prefix + "embeddings.patch_embeddings.projection.bias", timm.get("patch_embed.proj.bias"));
        int d = TINY.dim();
        for (int i = 0; i < TINY.depth(); i++) {
            String h = prefix + "encoder.layer." + i + ".";
            String t = "blocks." + i + ".";
            for (String part : new String[] {"weight", "bias"}) {
                SafeTensors.Tensor qkv = timm.get(t + "attn.qkv." + part);
                int rowLen = part.equals("weight") ? d : 1;
                String[] names = {"query", "key", "value"};
                for (int j = 0; j < 3; j++) {
                    float[] v = Arrays.copyOfRange(qkv.values(), j * d * rowLen, (j + 1) * d * rowLen);
                    long[] shape = part.equals("weight") ? new long[] {d, d} : new long[] {d};
                    put(out, h + "attention.attention." + names[j] + "." + part, new SafeTensors.Tensor("", "F32", shape, v));
                }
                put(out, h + "attention.output.dense." + part, timm.get(t + "attn.proj." + part));
                put(out, h + "layernorm_before." + part, timm.get(t + "norm1." + part));
                put(out, h + "layernorm_after." + part, timm.get(t + "norm2." + part));
                put(out, h + "intermediate.dense." + part, timm.get(t + "mlp.fc1." + part));
                put(out, h + "output.dense." + part, timm.get(t + "mlp.fc2." + part));
            }
        }
        put(out, prefix + "layernorm.weight", timm.get("norm.weight"));
        put(out, prefix + "layernorm.bias", timm.get("norm.bias"));
        return out;
    }

    private static void put(Map<String, SafeTensors.Tensor> out, String name, SafeTensors.Tensor t) {
        out.put(name, new SafeTensors.Tensor(name, t.dtype(), t.shape(), t.values()));
    }

    private float[] finalTokens(Path weights) {
        try (NDManager m = NDManager.newBaseManager(); VisionTransformer vit = VisionTransformer.load(m, TINY, weights)) {
            m.getEngine().setRandomSeed(5);
            Taps taps = new Taps(m, "final");
            vit.forward(m.randomUniform(-1, 1, new Shape(1, 3, 48, 80)), taps);
            return taps.captured().get("final").toFloatArray();
        }
    }

    @Test
    void huggingFaceLayoutGivesTheSameModel() throws Exception {
        Map<String, SafeTensors.Tensor> timm = randomTimm(1);
        SafeTensors.writeFloat32(dir.resolve("timm.safetensors"), timm);
        SafeTensors.writeFloat32(dir.resolve("hf.safetensors"), toHuggingFace(timm, ""));
        SafeTensors.writeFloat32(dir.resolve("mae.safetensors"), toHuggingFace(timm, "vit."));
        float[] a = finalTokens(dir.resolve("timm.safetensors"));
        assertArrayEquals(a, finalTokens(dir.resolve("hf.safetensors")));
        assertArrayEquals(a, finalTokens(dir.resolve("mae.safetensors")));
    }

    @Test
    void bf16AndF16AreWidenedInJava() throws Exception {
        // header + two tensors: BF16 [1.5, -2.0] and F16 [0.25]
        String header = "{\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]},\"h\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[4,6]}}";
        byte[] hb = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer bb = ByteBuffer.allocate(8 + hb.length + 6).order(ByteOrder.LITTLE_ENDIAN);
        bb.putLong(hb.length).put(hb);
        bb.putShort((short) (Float.floatToIntBits(1.5f) >>> 16)).putShort((short) (Float.floatToIntBits(-2.0f) >>> 16));
        bb.putShort((short) 0x3400);
        Files.write(dir.resolve("w.safetensors"), bb.array());
        Map<String, SafeTensors.Tensor> t = SafeTensors.read(dir.resolve("w.safetensors"));
        assertArrayEquals(new float[] {1.5f, -2.0f}, t.get("b").values());
        assertArrayEquals(new float[] {0.25f}, t.get("h").values());
    }

    @Test
    void truncatedMissingAndMisshapenWeightsAreNamed() throws Exception {
        Map<String, SafeTensors.Tensor> timm = randomTimm(2);
        Path file = dir.resolve("ok.safetensors");
        SafeTensors.writeFloat32(file, timm);
        byte[] whole = Files.readAllBytes(file);
        Files.write(dir.resolve("cut.safetensors"), Arrays.copyOf(whole, whole.length - 100));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> SafeTensors.read(dir.resolve("cut.safetensors")));
        assertTrue(e.getMessage().contains("cut.safetensors") && e.getMessage().contains("truncated"), e.getMessage());

        Map<String, SafeTensors.Tensor> missing = new LinkedHashMap<>(timm);
        missing.remove("blocks.1.mlp.fc2.bias");
        SafeTensors.writeFloat32(dir.resolve("missing.safetensors"), missing);
        try (NDManager m = NDManager.newBaseManager()) {
            e = assertThrows(InvalidInputException.class, () -> VisionTransformer.load(m, TINY, dir.resolve("missing.safetensors")));
            assertTrue(e.getMessage().contains("missing.safetensors") && e.getMessage().contains("blocks.1.mlp.fc2.bias"), e.getMessage());
            e = assertThrows(InvalidInputException.class, () -> VisionTransformer.load(m, VisionTransformer.PRESETS.get("dino-vits16"), file));
            assertTrue(e.getMessage().contains("has shape") && e.getMessage().contains("dino-vits16"), e.getMessage());
            e = assertThrows(InvalidInputException.class, () -> VisionTransformer.load(m, TINY, dir.resolve("nope.safetensors")));
            assertTrue(e.getMessage().contains("nope.safetensors"), e.getMessage());
        }
        assertEquals(timm.size(), SafeTensors.read(file).size());
    }
}
