package org.pathways.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.LayerNorm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.pathways.common.InvalidInputException;

/**
 * The building blocks of Hugging Face diffusers' Stable Diffusion models ({@link Unet}, {@link VaeEncoder}), on plain
 * NDArrays (inference only), weights by their diffusers names. Written after diffusers (git 58eb52c0803e):
 * {@code models/resnet.py} (ResnetBlock2D), {@code models/downsampling.py} (Downsample2D),
 * {@code models/upsampling.py} (Upsample2D), {@code models/attention_processor.py} (Attention, AttnProcessor),
 * {@code models/attention.py} (BasicTransformerBlock, FeedForward, GEGLU) and
 * {@code models/transformers/transformer_2d.py} (Transformer2DModel). Images are (B, C, H, W); token sequences
 * (B, S, C) with S = H * W in row-major order.
 *
 * <p>The {@code *Shapes} methods list the weights a block reads (name to shape), so that a model checks every key
 * and shape of a checkpoint before it runs.
 */
final class DiffusersBlocks {
    private DiffusersBlocks() {}

    /** Where a diffusers model's weights and config.json are. */
    record Checkpoint(Path weights, Path config) {}

    /**
     * A diffusers model folder ({@code config.json} beside {@code diffusion_pytorch_model[.fp16].safetensors}), a
     * pipeline folder with the model in {@code subfolder}, or a {@code .safetensors} file with its config beside it
     * unless {@code configOrNull} names one. Missing files are one-line errors naming the path and {@code what}.
     */
    static Checkpoint checkpoint(Path weightsFileOrFolder, Path configOrNull, String subfolder, String what) {
        Path p = weightsFileOrFolder;
        Path weights;
        Path folder;
        if (Files.isDirectory(p)) {
            if (!Files.exists(p.resolve("diffusion_pytorch_model.safetensors")) && !Files.exists(p.resolve("diffusion_pytorch_model.fp16.safetensors"))
                    && Files.isDirectory(p.resolve(subfolder))) {
                p = p.resolve(subfolder);
            }
            weights = p.resolve("diffusion_pytorch_model.safetensors");
            if (!Files.isRegularFile(weights) && Files.isRegularFile(p.resolve("diffusion_pytorch_model.fp16.safetensors"))) {
                weights = p.resolve("diffusion_pytorch_model.fp16.safetensors");
            }
            if (!Files.isRegularFile(weights)) {
                throw new InvalidInputException(p + ": no diffusion_pytorch_model.safetensors for the " + what);
            }
            folder = p;
        } else if (Files.isRegularFile(p)) {
            weights = p;
            folder = p.toAbsolutePath().getParent();
        } else {
            throw new InvalidInputException(p + ": no such weights file or folder for the " + what);
        }
        Path config = configOrNull != null ? configOrNull : folder.resolve("config.json");
        if (!Files.isRegularFile(config)) {
            throw new InvalidInputException(config + ": missing config.json for the " + what + " (put it beside the weights or pass it)");
        }
        return new Checkpoint(weights, config);
    }

    /** Transformer2DModel's own GroupNorm and the VAE's norms use 1e-6; BasicTransformerBlock's LayerNorms 1e-5. */
    static final double TRANSFORMER_GROUP_NORM_EPS = 1e-6;
    static final double LAYER_NORM_EPS = 1e-5;

    /** x * sigmoid(x). */
    static NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }

    /**
     * torch.nn.GroupNorm: statistics over each group of C / groups channels and all positions, then the per-channel
     * affine {@code name.weight}, {@code name.bias}. Works on (B, C, ...) of any rank.
     */
    static NDArray groupNorm(Map<String, NDArray> w, NDArray x, String name, int groups, double eps) {
        Shape s = x.getShape();
        long b = s.get(0);
        long c = s.get(1);
        long perGroup = s.size() / (b * groups);
        NDManager m = x.getManager();
        NDArray normed = LayerNorm.layerNorm(x.reshape(b, groups, perGroup), new Shape(perGroup), m.ones(new Shape(perGroup)),
                m.zeros(new Shape(perGroup)), (float) eps).singletonOrThrow().reshape(s);
        long[] affine = new long[s.dimension() - 1];
        java.util.Arrays.fill(affine, 1);
        affine[0] = c;
        return normed.mul(w.get(name + ".weight").reshape(affine)).add(w.get(name + ".bias").reshape(affine));
    }

    /** A square convolution {@code name.weight} (out, in, k, k) with its bias, dilation 1. */
    static NDArray conv(Map<String, NDArray> w, NDArray x, String name, int stride, int padding) {
        return Conv2d.conv2d(x, w.get(name + ".weight"), w.get(name + ".bias"), new Shape(stride, stride),
                new Shape(padding, padding), new Shape(1, 1), 1).singletonOrThrow();
    }

    /**
     * ResnetBlock2D (time_embedding_norm "default", output_scale_factor 1): norm1 - SiLU - conv1 (+ time_emb_proj of
     * the SiLU'd time embedding, per channel), norm2 - SiLU - conv2, plus the input (through the 1x1 conv_shortcut
     * when the channel count changes). {@code tembSilu}: SiLU(temb) (B, T), or null for the VAE's resnets.
     */
    static NDArray resnet(Map<String, NDArray> w, NDArray x, NDArray tembSilu, String name, int groups, double eps) {
        NDArray h = conv(w, silu(groupNorm(w, x, name + ".norm1", groups, eps)), name + ".conv1", 1, 1);
        long out = h.getShape().get(1);
        if (tembSilu != null) h = h.add(Layers.linear(w, tembSilu, name + ".time_emb_proj").reshape(tembSilu.getShape().get(0), out, 1, 1));
        h = conv(w, silu(groupNorm(w, h, name + ".norm2", groups, eps)), name + ".conv2", 1, 1);
        NDArray shortcut = x.getShape().get(1) != out ? conv(w, x, name + ".conv_shortcut", 1, 0) : x;
        return shortcut.add(h);
    }

    static void resnetShapes(Map<String, long[]> s, String name, long in, long out, long tembChannels) {
        vector(s, name + ".norm1", in);
        convShape(s, name + ".conv1", out, in, 3);
        if (tembChannels > 0) {
            s.put(name + ".time_emb_proj.weight", new long[] {out, tembChannels});
            s.put(name + ".time_emb_proj.bias", new long[] {out});
        }
        vector(s, name + ".norm2", out);
        convShape(s, name + ".conv2", out, out, 3);
        if (in != out) convShape(s, name + ".conv_shortcut", out, in, 1);
    }

    /**
     * Downsample2D with use_conv: a 3x3 conv {@code name.conv} of stride 2. {@code padding} 1 for the UNet; 0 for the
     * VAE encoder, which first pads one zero column on the right and one zero row at the bottom (as diffusers does).
     */
    static NDArray downsample(Map<String, NDArray> w, NDArray x, String name, int padding) {
        if (padding == 0) {
            Shape s = x.getShape();
            NDManager m = x.getManager();
            x = x.concat(m.zeros(new Shape(s.get(0), s.get(1), s.get(2), 1)), 3);
            x = x.concat(m.zeros(new Shape(s.get(0), s.get(1), 1, s.get(3) + 1)), 2);
        }
        return conv(w, x, name + ".conv", 2, padding);
    }

    /** Upsample2D with use_conv: nearest-neighbour resampling to (outH, outW), then the 3x3 conv {@code name.conv}. */
    static NDArray upsample(Map<String, NDArray> w, NDArray x, String name, long outH, long outW) {
        return conv(w, nearest(x, outH, outW), name + ".conv", 1, 1);
    }

    /**
     * torch.nn.functional.interpolate(mode="nearest", size=(outH, outW)): output row i reads input row
     * min(floor(i * (float) inH / outH), inH - 1), likewise columns. Done as two products with 0/1 selection matrices,
     * which copy values exactly.
     */
    static NDArray nearest(NDArray x, long outH, long outW) {
        Shape s = x.getShape();
        int inH = (int) s.get(2);
        int inW = (int) s.get(3);
        NDManager m = x.getManager();
        float[] rows = new float[(int) (outH * inH)];
        for (int i = 0; i < outH; i++) rows[i * inH + nearestSource(i, inH, (int) outH)] = 1;
        float[] cols = new float[(int) (inW * outW)];
        for (int j = 0; j < outW; j++) cols[nearestSource(j, inW, (int) outW) * (int) outW + j] = 1;
        NDArray selectRows = m.create(rows, new Shape(outH, inH));
        NDArray selectCols = m.create(cols, new Shape(inW, outW));
        return selectRows.matMul(x).matMul(selectCols);
    }

    /** PyTorch's nearest_idx for an explicit output size. */
    static int nearestSource(int out, int inSize, int outSize) {
        if (outSize == inSize) return out;
        if (outSize == 2 * inSize) return out >> 1;
        float scale = (float) inSize / outSize;
        return Math.min((int) Math.floor(out * scale), inSize - 1);
    }

    /**
     * diffusers Attention with the classic AttnProcessor, no mask: q = to_q(x), k = to_k(ctx), v = to_v(ctx) (ctx =
     * x for self-attention), heads split as head_to_batch_dim (head h owns channels h*d .. h*d+d-1), probs =
     * softmax(q k^T * d^-0.5), result to_out.0(concat_h(probs_h v_h)) (B, S, C), before any residual. Biases are
     * used where the checkpoint has them. Taps {@code tap.q|k|v} (B, heads, S, d), {@code tap.probs}
     * (B, heads, S, S_kv), {@code tap.out} (B, S, C).
     */
    static NDArray attention(Map<String, NDArray> w, NDArray x, NDArray context, String name, int heads, String tap, Taps taps) {
        NDArray ctx = context == null ? x : context;
        NDArray q = Layers.splitHeads(Layers.linear(w, x, name + ".to_q"), heads);
        NDArray k = Layers.splitHeads(Layers.linear(w, ctx, name + ".to_k"), heads);
        NDArray v = Layers.splitHeads(Layers.linear(w, ctx, name + ".to_v"), heads);
        taps.offer(tap + ".q", q);
        taps.offer(tap + ".k", k);
        taps.offer(tap + ".v", v);
        Shape s = q.getShape();
        // The S x S_kv arrays are freed as soon as they are used (not at the end of the pass): SD 1.4's 64 x 64 layers
        // make three of 0.5 GB each per layer, and a pass would otherwise hold them all (inference only, no autograd).
        NDArray logits = q.matMul(k.transpose(0, 1, 3, 2));
        NDArray scaled = logits.mul(Math.pow(s.get(3), -0.5));
        logits.close();
        NDArray probs = scaled.softmax(-1);
        scaled.close();
        boolean kept = taps.offer(tap + ".probs", probs);
        NDArray merged = probs.matMul(v).transpose(0, 2, 1, 3).reshape(s.get(0), s.get(2), s.get(1) * s.get(3));
        if (!kept) probs.close();
        NDArray out = Layers.linear(w, merged, name + ".to_out.0");
        taps.offer(tap + ".out", out);
        return out;
    }

    static void attentionShapes(Map<String, long[]> s, String name, long dim, long contextDim, boolean qkvBias) {
        s.put(name + ".to_q.weight", new long[] {dim, dim});
        if (qkvBias) s.put(name + ".to_q.bias", new long[] {dim});
        s.put(name + ".to_k.weight", new long[] {dim, contextDim});
        if (qkvBias) s.put(name + ".to_k.bias", new long[] {dim});
        s.put(name + ".to_v.weight", new long[] {dim, contextDim});
        if (qkvBias) s.put(name + ".to_v.bias", new long[] {dim});
        s.put(name + ".to_out.0.weight", new long[] {dim, dim});
        s.put(name + ".to_out.0.bias", new long[] {dim});
    }

    /** Transformer2DModel's sizes: heads, BasicTransformerBlocks, the norm's groups, linear or 1x1-conv projections. */
    record Transformer(int heads, int layers, int groups, boolean linearProjection) {}

    /**
     * Transformer2DModel (continuous input): GroupNorm (eps 1e-6) - proj_in (1x1 conv, or a Linear on the tokens
     * with use_linear_projection) - BasicTransformerBlocks - proj_out - plus the input. Block taps at
     * {@code name.transformer_blocks.t.attn1|attn2.x|q|k|v|probs|out}, x being norm1(h) / norm2(h) (B, S, C).
     */
    static NDArray transformer(Map<String, NDArray> w, NDArray x, NDArray context, String name, Transformer t, Taps taps) {
        Shape s = x.getShape();
        long height = s.get(2);
        long width = s.get(3);
        NDArray h = groupNorm(w, x, name + ".norm", t.groups(), TRANSFORMER_GROUP_NORM_EPS);
        if (t.linearProjection()) {
            h = Layers.linear(w, tokens(h), name + ".proj_in");
        } else {
            h = tokens(conv(w, h, name + ".proj_in", 1, 0));
        }
        for (int i = 0; i < t.layers(); i++) h = basicTransformerBlock(w, h, context, name + ".transformer_blocks." + i, t.heads(), taps);
        if (t.linearProjection()) {
            h = grid(Layers.linear(w, h, name + ".proj_out"), height, width);
        } else {
            h = conv(w, grid(h, height, width), name + ".proj_out", 1, 0);
        }
        return h.add(x);
    }

    static void transformerShapes(Map<String, long[]> s, String name, long dim, long contextDim, Transformer t) {
        vector(s, name + ".norm", dim);
        projection(s, name + ".proj_in", dim, dim, t.linearProjection());
        for (int i = 0; i < t.layers(); i++) {
            String b = name + ".transformer_blocks." + i;
            vector(s, b + ".norm1", dim);
            attentionShapes(s, b + ".attn1", dim, dim, false);
            vector(s, b + ".norm2", dim);
            attentionShapes(s, b + ".attn2", dim, contextDim, false);
            vector(s, b + ".norm3", dim);
            s.put(b + ".ff.net.0.proj.weight", new long[] {8 * dim, dim});
            s.put(b + ".ff.net.0.proj.bias", new long[] {8 * dim});
            s.put(b + ".ff.net.2.weight", new long[] {dim, 4 * dim});
            s.put(b + ".ff.net.2.bias", new long[] {dim});
        }
        projection(s, name + ".proj_out", dim, dim, t.linearProjection());
    }

    /**
     * BasicTransformerBlock (layer_norm, no ada-norm): h += attn1(norm1(h)); h += attn2(norm2(h), context);
     * h += ff(norm3(h)).
     */
    static NDArray basicTransformerBlock(Map<String, NDArray> w, NDArray h, NDArray context, String name, int heads, Taps taps) {
        NDArray n = Layers.layerNorm(w, h, name + ".norm1", LAYER_NORM_EPS);
        taps.offer(name + ".attn1.x", n);
        h = h.add(attention(w, n, null, name + ".attn1", heads, name + ".attn1", taps));
        n = Layers.layerNorm(w, h, name + ".norm2", LAYER_NORM_EPS);
        taps.offer(name + ".attn2.x", n);
        h = h.add(attention(w, n, context, name + ".attn2", heads, name + ".attn2", taps));
        n = Layers.layerNorm(w, h, name + ".norm3", LAYER_NORM_EPS);
        return h.add(geglu(w, n, name + ".ff"));
    }

    /** FeedForward with GEGLU: (a, gate) = net.0.proj(x) halves (a first) on the channel axis of (B, S, C); net.2(a * gelu_erf(gate)). */
    static NDArray geglu(Map<String, NDArray> w, NDArray x, String name) {
        NDList halves = Layers.linear(w, x, name + ".net.0.proj").split(2, 2);
        return Layers.linear(w, halves.get(0).mul(Activation.gelu(halves.get(1))), name + ".net.2");
    }

    /** (B, C, H, W) -> (B, H * W, C). */
    static NDArray tokens(NDArray x) {
        Shape s = x.getShape();
        return x.transpose(0, 2, 3, 1).reshape(s.get(0), s.get(2) * s.get(3), s.get(1));
    }

    /** (B, H * W, C) -> (B, C, H, W). */
    static NDArray grid(NDArray x, long height, long width) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), height, width, s.get(2)).transpose(0, 3, 1, 2);
    }

    static void vector(Map<String, long[]> s, String name, long n) {
        s.put(name + ".weight", new long[] {n});
        s.put(name + ".bias", new long[] {n});
    }

    static void convShape(Map<String, long[]> s, String name, long out, long in, long k) {
        s.put(name + ".weight", new long[] {out, in, k, k});
        s.put(name + ".bias", new long[] {out});
    }

    private static void projection(Map<String, long[]> s, String name, long out, long in, boolean linear) {
        s.put(name + ".weight", linear ? new long[] {out, in} : new long[] {out, in, 1, 1});
        s.put(name + ".bias", new long[] {out});
    }
}
