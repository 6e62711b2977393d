package org.pathways.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Key layouts of ViT checkpoints. Models use the timm / original names internally; a Hugging Face
 * {@code transformers} ViT checkpoint (facebook/dino-*, ViTMAE with its {@code vit.} prefix) is renamed, and its
 * separate query/key/value projections are stacked into timm's qkv (rows q | k | v).
 */
final class WeightLayouts {
    private WeightLayouts() {}

    static Map<String, SafeTensors.Tensor> toTimm(Map<String, SafeTensors.Tensor> in, int depth) {
        String prefix = in.containsKey("vit.embeddings.cls_token") ? "vit." : in.containsKey("embeddings.cls_token") ? "" : null;
        if (prefix == null) return in; // already timm / original
        Map<String, SafeTensors.Tensor> out = new LinkedHashMap<>();
        rename(in, out, prefix + "embeddings.cls_token", "cls_token");
        rename(in, out, prefix + "embeddings.position_embeddings", "pos_embed");
        rename(in, out, prefix + "embeddings.patch_embeddings.projection.weight", "patch_embed.proj.weight");
        rename(in, out, prefix + "embeddings.patch_embeddings.projection.bias", "patch_embed.proj.bias");
        for (int i = 0; i < depth; i++) {
            String h = prefix + "encoder.layer." + i + ".";
            String t = "blocks." + i + ".";
            for (String part : new String[] {"weight", "bias"}) {
                SafeTensors.Tensor q = in.get(h + "attention.attention.query." + part);
                SafeTensors.Tensor k = in.get(h + "attention.attention.key." + part);
                SafeTensors.Tensor v = in.get(h + "attention.attention.value." + part);
                if (q != null && k != null && v != null) out.put(t + "attn.qkv." + part, stack(t + "attn.qkv." + part, q, k, v));
                rename(in, out, h + "attention.output.dense." + part, t + "attn.proj." + part);
                rename(in, out, h + "layernorm_before." + part, t + "norm1." + part);
                rename(in, out, h + "layernorm_after." + part, t + "norm2." + part);
                rename(in, out, h + "intermediate.dense." + part, t + "mlp.fc1." + part);
                rename(in, out, h + "output.dense." + part, t + "mlp.fc2." + part);
            }
        }
        rename(in, out, prefix + "layernorm.weight", "norm.weight");
        rename(in, out, prefix + "layernorm.bias", "norm.bias");
        return out;
    }

    private static void rename(Map<String, SafeTensors.Tensor> in, Map<String, SafeTensors.Tensor> out, String from, String to) {
        SafeTensors.Tensor t = in.get(from);
        if (t != null) out.put(to, new SafeTensors.Tensor(to, t.dtype(), t.shape(), t.values()));
    }

    /** Concatenates along the first axis. */
    private static SafeTensors.Tensor stack(String name, SafeTensors.Tensor... parts) {
        int total = 0;
        for (SafeTensors.Tensor p : parts) total += p.values().length;
        float[] values = new float[total];
        int pos = 0;
        long rows = 0;
        for (SafeTensors.Tensor p : parts) {
            System.arraycopy(p.values(), 0, values, pos, p.values().length);
            pos += p.values().length;
            rows += p.shape()[0];
        }
        long[] shape = parts[0].shape().clone();
        shape[0] = rows;
        return new SafeTensors.Tensor(name, parts[0].dtype(), shape, values);
    }
}
