package org.pathways.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.LayerNorm;
import java.util.Map;

/** The few layers every transformer family here shares, on plain NDArrays (inference only). */
final class Layers {
    private Layers() {}

    /** x W^T + b, weights named {@code name.weight} and {@code name.bias} (bias optional); the result joins x's manager. */
    static NDArray linear(Map<String, NDArray> w, NDArray x, String name) {
        return ai.djl.nn.core.Linear.linear(x, w.get(name + ".weight"), w.get(name + ".bias")).singletonOrThrow();
    }

    /**
     * Runs one stage of a forward pass in its own manager, so that its intermediates are freed when it ends: the
     * input is temp-attached (results of ops on it land in the stage), captured taps move to the caller, and the
     * result moves to {@code keep} unless a tap already took it.
     */
    static NDArray stage(NDManager keep, NDArray input, Taps taps, java.util.function.UnaryOperator<NDArray> body) {
        try (NDManager stage = keep.newSubManager()) {
            stage.tempAttachAll(input);
            NDArray out = body.apply(input);
            taps.keepAll();
            if (out.getManager() == stage) out.attach(keep);
            return out;
        }
    }

    static NDArray layerNorm(Map<String, NDArray> w, NDArray x, String name, double eps) {
        long d = x.getShape().get(x.getShape().dimension() - 1);
        return LayerNorm.layerNorm(x, new Shape(d), w.get(name + ".weight"), w.get(name + ".bias"), (float) eps).singletonOrThrow();
    }

    /** CLIP's activation: x * sigmoid(1.702 x). */
    static NDArray quickGelu(NDArray x) {
        return x.mul(x.mul(1.702).getNDArrayInternal().sigmoid());
    }

    /** (B, T, heads * d) -> (B, heads, T, d). */
    static NDArray splitHeads(NDArray x, int heads) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), heads, s.get(2) / heads).transpose(0, 2, 1, 3);
    }

    /**
     * Scaled dot-product attention with taps {@code prefix.q|k|v|logits|probs|patch_probs}. q, k, v: (B, heads, T,
     * d), offered before scaling. {@code mask}: additive (B or 1, 1, T, T) or null. Returns (B, T, heads * d).
     */
    static NDArray attention(NDArray q, NDArray k, NDArray v, NDArray mask, String prefix, Taps taps) {
        taps.offer(prefix + ".q", q);
        taps.offer(prefix + ".k", k);
        taps.offer(prefix + ".v", v);
        Shape s = q.getShape();
        NDArray logits = q.matMul(k.transpose(0, 1, 3, 2)).mul(Math.pow(s.get(3), -0.5));
        if (mask != null) logits = logits.add(mask);
        taps.offer(prefix + ".logits", logits);
        NDArray probs = logits.softmax(-1);
        taps.offer(prefix + ".probs", probs);
        if (taps.wants(prefix + ".patch_probs")) {
            taps.offer(prefix + ".patch_probs", logits.get(new NDIndex(":, :, 1:, 1:")).softmax(-1)); // CLS dropped first
        }
        return probs.matMul(v).transpose(0, 2, 1, 3).reshape(s.get(0), s.get(2), s.get(1) * s.get(3));
    }
}
