package org.pathways.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pathways.common.InvalidInputException;
import org.pathways.data.Npy;
import org.pathways.model.AttentionTaps;

/**
 * A data set's attention taps, computed once per image and kept on disk, so that the model does not run again each
 * epoch (a ViT's taps are fixed). One file per image, {@code <dir>/<image id>.npz}, with for every layer L in model
 * order:
 * <ul>
 *   <li>{@code L.grid}: int64 [height, width, heads, qk dim, v dim];</li>
 *   <li>{@code L.q}, {@code L.k} (the Q-K graph) or {@code L.v} (the V-V graph): float16, heads x n x dim, n = height x
 *       width, CLS dropped.</li>
 * </ul>
 * float16 halves the disk against the authors' float32 (our deviation): DINO ViT-S/16 at 448 x 448 takes 28 x 28 x
 * 384 x 12 layers x 2 B = 7.2 MB per image and matrix, so 14.5 MB for Q and K, 7.2 MB for V. Files are written
 * atomically; the run folder's run.json pins what they were computed with.
 */
public final class TapCache {
    private final Path dir;
    private final boolean queriesAndKeys;

    /** @param queriesAndKeys keep Q and K (the Q-K graph), else V (the V-V graph) */
    public TapCache(Path dir, boolean queriesAndKeys) {
        this.dir = dir;
        this.queriesAndKeys = queriesAndKeys;
    }

    public Path file(String id) {
        return dir.resolve(id + ".npz");
    }

    public boolean has(String id) {
        return Files.isRegularFile(file(id));
    }

    /** Writes an image's taps (only the matrices this cache keeps). */
    public void put(String id, AttentionTaps taps) throws IOException {
        Map<String, Npy.Floats> arrays = new LinkedHashMap<>();
        for (AttentionTaps.Layer l : taps.layers()) {
            arrays.put(l.name() + ".grid", new Npy.Floats(new int[] {5}, new float[] {l.height(), l.width(), l.heads(), l.qkDim(), l.vDim()}, "i8"));
            if (queriesAndKeys) {
                arrays.put(l.name() + ".q", half(l.q(), l.heads(), l.nodes(), l.qkDim(), l.name()));
                arrays.put(l.name() + ".k", half(l.k(), l.heads(), l.nodes(), l.qkDim(), l.name()));
            } else {
                arrays.put(l.name() + ".v", half(l.v(), l.heads(), l.nodes(), l.vDim(), l.name()));
            }
        }
        Files.createDirectories(dir);
        Npy.writeNpzFloats(file(id), arrays);
    }

    private static Npy.Floats half(float[] x, int heads, int n, int dim, String layer) {
        if (x == null) throw new IllegalArgumentException(layer + ": a matrix the cache needs was not computed");
        return new Npy.Floats(new int[] {heads, n, dim}, x, "f2");
    }

    /** Reads an image's taps back (float16 values widened to float, with no double copy). */
    public AttentionTaps get(String id) throws IOException {
        Path f = file(id);
        Map<String, Npy.Floats> arrays = Npy.readNpzFloats(f);
        List<AttentionTaps.Layer> layers = new ArrayList<>();
        for (Map.Entry<String, Npy.Floats> e : arrays.entrySet()) {
            if (!e.getKey().endsWith(".grid")) continue;
            String name = e.getKey().substring(0, e.getKey().length() - 5);
            float[] g = e.getValue().values();
            if (g.length != 5) throw new InvalidInputException(f + ": " + e.getKey() + " is not [height, width, heads, qk dim, v dim]");
            float[] q = queriesAndKeys ? floats(arrays, f, name + ".q") : null;
            float[] k = queriesAndKeys ? floats(arrays, f, name + ".k") : null;
            float[] v = queriesAndKeys ? null : floats(arrays, f, name + ".v");
            try {
                layers.add(new AttentionTaps.Layer(name, (int) g[0], (int) g[1], (int) g[2], (int) g[3], (int) g[4], q, k, v));
            } catch (IllegalArgumentException bad) {
                throw new InvalidInputException(f + ": " + bad.getMessage());
            }
        }
        if (layers.isEmpty()) throw new InvalidInputException(f + ": no layers in the tap file");
        return new AttentionTaps(layers);
    }

    private static float[] floats(Map<String, Npy.Floats> arrays, Path f, String key) {
        Npy.Floats d = arrays.get(key);
        if (d == null) throw new InvalidInputException(f + ": no '" + key + "' (a tap file of the other graph?)");
        return d.values();
    }
}
