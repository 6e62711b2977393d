package org.pathways.crf;

import java.util.Arrays;
import org.pathways.common.InvalidInputException;

/**
 * Gaussian filtering of many channels over points in a d-dimensional feature space with the permutohedral lattice
 * (Adams, Baek, Davis, "Fast High-Dimensional Filtering Using the Permutohedral Lattice", Eurographics 2010), the
 * way Krähenbühl's densecrf does it (pydensecrf, densecrf/src/permutohedral.cpp, {@code Permutohedral::init} and
 * {@code sseCompute}): each point is elevated onto the hyperplane of the (d+1)-dimensional lattice, the enclosing
 * simplex is found by rounding to the nearest remainder-0 point and ranking the residuals, the point's values are
 * splatted onto the simplex's d+1 vertices with barycentric weights, blurred with [1/2 1 1/2] along each of the d+1
 * lattice directions, and sliced back with the same weights, times densecrf's constant 1/(1+2^-d).
 *
 * <p>The result approximates {@code out_i = sum_j exp(-|f_i - f_j|^2 / 2) in_j} up to a global constant, a point's
 * own value included. Everything lives in flat primitive arrays: per point the d+1 vertex ids and weights, per vertex
 * the two neighbours along each direction, values vertex after vertex. Vertex ids are 1-based so that row 0 of the
 * value buffers is a zero that stands for a neighbour missing from the lattice.
 *
 * <p>Built once per feature set and reused by {@link #filter}; the scratch buffers it keeps make one instance unsafe
 * to share between threads.
 */
public final class PermutohedralLattice {
    private final int dims;
    private final int points;
    private final int vertexCount;
    /** Per point, its d+1 enclosing vertices (1-based) and their barycentric weights, in remainder order 0..d. */
    private final int[] pointVertices;
    private final float[] pointWeights;
    /** Per direction j and vertex v (1-based, slot j*M + v-1), its two neighbours along j, 0 when absent. */
    private final int[] lowerNeighbours;
    private final int[] upperNeighbours;
    /** Per vertex (0-based), its first d lattice coordinates; the last is minus their sum. */
    private final int[] vertexKeys;
    private float[] values = new float[0];
    private float[] blurred = new float[0];

    private PermutohedralLattice(int dims, int points, int[] pointVertices, float[] pointWeights, int[] vertexKeys) {
        this.dims = dims;
        this.points = points;
        this.vertexCount = vertexKeys.length / dims;
        this.pointVertices = pointVertices;
        this.pointWeights = pointWeights;
        this.vertexKeys = vertexKeys;
        this.lowerNeighbours = new int[(dims + 1) * vertexCount];
        this.upperNeighbours = new int[(dims + 1) * vertexCount];
    }

    /**
     * The lattice of {@code points} feature vectors of {@code dims} values each, stored point after point
     * ({@code features[i*dims + k]}), already divided by their standard deviations.
     */
    public static PermutohedralLattice build(float[] features, int dims, int points) {
        if (dims < 1) throw new InvalidInputException("permutohedral lattice: feature dimension " + dims + " must be at least 1");
        if (points < 1) throw new InvalidInputException("permutohedral lattice: " + points + " points, need at least 1");
        if (features.length != (long) dims * points)
            throw new InvalidInputException("permutohedral lattice: " + features.length + " feature values for " + points + " points of " + dims + " dimensions");
        for (int i = 0; i < features.length; i++) {
            if (!Float.isFinite(features[i]))
                throw new InvalidInputException("permutohedral lattice: feature " + (i % dims) + " of point " + (i / dims) + " is " + features[i]);
        }
        int d1 = dims + 1;
        KeyTable table = new KeyTable(dims, points);
        int[] pointVertices = new int[points * d1];
        float[] pointWeights = new float[points * d1];
        locatePoints(features, dims, table, pointVertices, pointWeights);
        int m = table.size();
        int[] order = lexicographicOrder(table.keys, dims, m);
        int[] newId = new int[m];
        int[] keys = new int[m * dims];
        for (int v = 0; v < m; v++) {
            newId[order[v]] = v;
            System.arraycopy(table.keys, order[v] * dims, keys, v * dims, dims);
        }
        for (int i = 0; i < pointVertices.length; i++) pointVertices[i] = newId[pointVertices[i] - 1] + 1;
        PermutohedralLattice lattice = new PermutohedralLattice(dims, points, pointVertices, pointWeights, keys);
        lattice.findNeighbours();
        return lattice;
    }

    /**
     * densecrf's {@code Permutohedral::init} per point: the enclosing simplex's vertices (added to {@code table}, ids
     * 1-based) and barycentric weights. Arithmetic in float as densecrf does it.
     */
    private static void locatePoints(float[] features, int d, KeyTable table, int[] pointVertices, float[] pointWeights) {
        int d1 = d + 1;
        int points = features.length / d;
        // feature scaling: float inverse standard deviation, double reciprocal of sqrt((i+2)(i+1)), as densecrf
        float invStdDev = (float) (Math.sqrt(2.0 / 3.0) * d1);
        float[] scale = new float[d];
        for (int i = 0; i < d; i++) scale[i] = (float) (1.0 / Math.sqrt((double) (i + 2) * (i + 1)) * invStdDev);
        // canonical[r][j]: remainder-r vertex of the canonical simplex, coordinate j (Adams et al. p.5)
        int[] canonical = new int[d1 * d1];
        for (int r = 0; r <= d; r++) {
            for (int j = 0; j <= d - r; j++) canonical[r * d1 + j] = r;
            for (int j = d - r + 1; j <= d; j++) canonical[r * d1 + j] = r - d1;
        }
        float down = 1.0f / d1;
        float up = d1;
        float[] elevated = new float[d1];
        float[] rem0 = new float[d1];
        int[] rank = new int[d1];
        float[] barycentric = new float[d + 2];
        int[] key = new int[d];
        for (int p = 0; p < points; p++) {
            int f = p * d;
            // Elevate onto the plane sum(x) = 0: y = E f (Adams et al. p.5)
            float sm = 0;
            for (int j = d; j > 0; j--) {
                float cf = features[f + j - 1] * scale[j - 1];
                elevated[j] = sm - j * cf;
                sm += cf;
            }
            elevated[0] = sm;
            // Nearest remainder-0 point by rounding each coordinate to a multiple of d+1 (ties to even, as SSE does)
            int sum = 0;
            for (int i = 0; i <= d; i++) {
                float v = (float) Math.rint(down * elevated[i]);
                rem0[i] = v * up;
                sum += (int) v;
            }
            // Rank of each residual in decreasing order: it names the simplex the point lies in
            Arrays.fill(rank, 0);
            for (int i = 0; i < d; i++) {
                float di = elevated[i] - rem0[i];
                for (int j = i + 1; j <= d; j++) {
                    if (di < elevated[j] - rem0[j]) rank[i]++;
                    else rank[j]++;
                }
            }
            // Off the plane (sum != 0): shift ranks and wrap the coordinates that fall out of 0..d
            for (int i = 0; i <= d; i++) {
                rank[i] += sum;
                if (rank[i] < 0) {
                    rank[i] += d1;
                    rem0[i] += up;
                } else if (rank[i] > d) {
                    rank[i] -= d1;
                    rem0[i] -= up;
                }
            }
            // Barycentric coordinates (Adams et al. p.10)
            Arrays.fill(barycentric, 0);
            for (int i = 0; i <= d; i++) {
                float v = (elevated[i] - rem0[i]) * down;
                barycentric[d - rank[i]] += v;
                barycentric[d - rank[i] + 1] -= v;
            }
            barycentric[0] += 1.0f + barycentric[d + 1];
            // The simplex's vertices: the remainder-0 point plus the canonical vertex permuted by rank
            for (int r = 0; r <= d; r++) {
                for (int i = 0; i < d; i++) key[i] = (int) rem0[i] + canonical[r * d1 + rank[i]];
                pointVertices[p * d1 + r] = table.findOrAdd(key) + 1;
                pointWeights[p * d1 + r] = barycentric[r];
            }
        }
    }

    /**
     * Vertex ids (0-based, as the table numbered them) in lexicographic order of their keys: a stable counting sort
     * per coordinate, last coordinate first, 16 bits of the coordinate at a time. Stored in this order, lattice
     * neighbours (keys differing by 1 or d in the first coordinate) sit near each other, so each blur pass reads
     * rows near the one it writes; and the neighbours can be found by merging instead of hashing.
     */
    private static int[] lexicographicOrder(int[] keys, int d, int m) {
        int[] order = new int[m];
        for (int v = 0; v < m; v++) order[v] = v;
        int[] sorted = new int[m];
        int[] count = new int[(1 << 16) + 1];
        for (int k = d - 1; k >= 0; k--) {
            int min = Integer.MAX_VALUE;
            int max = Integer.MIN_VALUE;
            for (int v = 0; v < m; v++) {
                min = Math.min(min, keys[v * d + k]);
                max = Math.max(max, keys[v * d + k]);
            }
            long range = (long) max - min;
            for (int shift = 0; shift == 0 || (range >>> shift) > 0; shift += 16) {
                Arrays.fill(count, 0);
                for (int v = 0; v < m; v++) count[digit(keys, order[v] * d + k, min, shift) + 1]++;
                for (int b = 1; b < count.length; b++) count[b] += count[b - 1];
                for (int v = 0; v < m; v++) sorted[count[digit(keys, order[v] * d + k, min, shift)]++] = order[v];
                int[] t = order;
                order = sorted;
                sorted = t;
            }
        }
        return order;
    }

    private static int digit(int[] keys, int at, int min, int shift) {
        return (int) ((((long) keys[at] - min) >>> shift) & 0xFFFF);
    }

    /**
     * densecrf's blur neighbours: along direction j, the lattice steps +-(d at coordinate j, -1 at every other one;
     * for j = d, -+1 at every stored coordinate, the changed one being the implied last). Adding a fixed step keeps
     * the lexicographic order of the keys, so one forward walk through the sorted keys per step finds them all.
     */
    private void findNeighbours() {
        int d = dims;
        int m = vertexCount;
        int[] step = new int[d];
        for (int j = 0; j <= d; j++) {
            for (int sign = -1; sign <= 1; sign += 2) {
                for (int k = 0; k < d; k++) step[k] = k == j ? -sign * d : sign;
                int[] neighbours = sign < 0 ? lowerNeighbours : upperNeighbours;
                int candidate = 0;
                for (int v = 0; v < m; v++) {
                    while (candidate < m && compareShifted(candidate, v, step) < 0) candidate++;
                    neighbours[j * m + v] = candidate < m && compareShifted(candidate, v, step) == 0 ? candidate + 1 : 0;
                }
            }
        }
    }

    /** Lexicographic comparison of vertex a's key with vertex v's key plus step. */
    private int compareShifted(int a, int v, int[] step) {
        int d = dims;
        for (int k = 0; k < d; k++) {
            int x = vertexKeys[a * d + k];
            int y = vertexKeys[v * d + k] + step[k];
            if (x != y) return x < y ? -1 : 1;
        }
        return 0;
    }

    public int dims() {
        return dims;
    }

    public int points() {
        return points;
    }

    /** Number of lattice vertices the points touch. */
    public int vertexCount() {
        return vertexCount;
    }

    /** Vertex ids (1-based) of point {@code p}'s enclosing simplex, in remainder order 0..d. */
    int[] vertices(int p) {
        return Arrays.copyOfRange(pointVertices, p * (dims + 1), (p + 1) * (dims + 1));
    }

    /** Barycentric weights of point {@code p} on its enclosing vertices, in remainder order 0..d. */
    float[] weights(int p) {
        return Arrays.copyOfRange(pointWeights, p * (dims + 1), (p + 1) * (dims + 1));
    }

    /** The d+1 lattice coordinates of vertex {@code id} (1-based, as {@link #vertices} names them). */
    int[] vertexCoordinates(int id) {
        int[] x = new int[dims + 1];
        int sum = 0;
        for (int k = 0; k < dims; k++) {
            x[k] = vertexKeys[(id - 1) * dims + k];
            sum += x[k];
        }
        x[dims] = -sum;
        return x;
    }

    /**
     * Filters {@code channels} values per point ({@code in[i*channels + c]}, point after point) into {@code out}
     * (same layout; may be {@code in} itself).
     */
    public void filter(float[] in, float[] out, int channels) {
        checkSize(in, channels, "input");
        checkSize(out, channels, "output");
        float[] ones = new float[points];
        Arrays.fill(ones, 1f);
        splat(in, ones, channels);
        float[] blurredValues = blur(channels);
        Arrays.fill(out, 0f);
        slice(blurredValues, ones, 1f, out, channels);
    }

    /**
     * {@code sum[p*channels + c] += weight * outScale[p] * (K (inScale * in))[p][c]}: a filter with per-point scaling
     * on both sides, added to {@code sum} without intermediate copies (the dense CRF's normalised messages).
     */
    void addScaledFilter(float[] in, float[] inScale, float weight, float[] outScale, float[] sum, int channels) {
        checkSize(in, channels, "input");
        checkSize(sum, channels, "sum");
        splat(in, inScale, channels);
        slice(blur(channels), outScale, weight, sum, channels);
    }

    private void checkSize(float[] array, int channels, String what) {
        if (channels < 1) throw new InvalidInputException("permutohedral filter: " + channels + " channels, need at least 1");
        if (array.length != (long) points * channels)
            throw new InvalidInputException("permutohedral filter: " + what + " of " + array.length + " values, expected " + points + " points x " + channels + " channels");
    }

    /**
     * Splat: each point's scaled values onto its simplex's vertices, with its barycentric weights. The CRF's two
     * kernels (d = 2 and d = 5) get loops written out for their 3 and 6 vertices, which read each input value once;
     * every vertex still receives its sums in the same order as in the general loop.
     */
    private void splat(float[] in, float[] scale, int channels) {
        int size = (vertexCount + 1) * channels;
        if (values.length < size) {
            values = new float[size];
            blurred = new float[size];
        } else {
            Arrays.fill(values, 0, size, 0f);
        }
        float[] v = values;
        int[] vx = pointVertices;
        float[] wt = pointWeights;
        if (dims == 2) {
            for (int p = 0, b = 0; p < points; p++, b += 3) {
                int src = p * channels;
                float s = scale[p];
                int o0 = vx[b] * channels;
                int o1 = vx[b + 1] * channels;
                int o2 = vx[b + 2] * channels;
                float w0 = wt[b] * s;
                float w1 = wt[b + 1] * s;
                float w2 = wt[b + 2] * s;
                for (int c = 0; c < channels; c++) {
                    float x = in[src + c];
                    v[o0 + c] += w0 * x;
                    v[o1 + c] += w1 * x;
                    v[o2 + c] += w2 * x;
                }
            }
        } else if (dims == 5) {
            for (int p = 0, b = 0; p < points; p++, b += 6) {
                int src = p * channels;
                float s = scale[p];
                int o0 = vx[b] * channels;
                int o1 = vx[b + 1] * channels;
                int o2 = vx[b + 2] * channels;
                int o3 = vx[b + 3] * channels;
                int o4 = vx[b + 4] * channels;
                int o5 = vx[b + 5] * channels;
                float w0 = wt[b] * s;
                float w1 = wt[b + 1] * s;
                float w2 = wt[b + 2] * s;
                float w3 = wt[b + 3] * s;
                float w4 = wt[b + 4] * s;
                float w5 = wt[b + 5] * s;
                for (int c = 0; c < channels; c++) {
                    float x = in[src + c];
                    v[o0 + c] += w0 * x;
                    v[o1 + c] += w1 * x;
                    v[o2 + c] += w2 * x;
                    v[o3 + c] += w3 * x;
                    v[o4 + c] += w4 * x;
                    v[o5 + c] += w5 * x;
                }
            }
        } else {
            int d1 = dims + 1;
            for (int p = 0; p < points; p++) {
                int src = p * channels;
                float s = scale[p];
                for (int r = 0; r < d1; r++) {
                    int dst = vx[p * d1 + r] * channels;
                    float w = wt[p * d1 + r] * s;
                    for (int c = 0; c < channels; c++) v[dst + c] += w * in[src + c];
                }
            }
        }
    }

    /** Blur with [1/2 1 1/2] along each lattice direction in turn; returns the buffer holding the result. */
    private float[] blur(int channels) {
        float[] v = values;
        float[] b = blurred;
        // row 0 stands for missing neighbours and stays zero in both buffers
        for (int c = 0; c < channels; c++) b[c] = 0f;
        for (int j = 0; j <= dims; j++) {
            int base = j * vertexCount;
            for (int vtx = 1; vtx <= vertexCount; vtx++) {
                int self = vtx * channels;
                int lo = lowerNeighbours[base + vtx - 1] * channels;
                int hi = upperNeighbours[base + vtx - 1] * channels;
                // a sparse lattice misses many neighbours (half of them for the bilateral kernel of a photograph);
                // leaving out their zero rows gives the same floats and saves the reads
                if (lo != 0 && hi != 0) {
                    for (int c = 0; c < channels; c++) b[self + c] = v[self + c] + 0.5f * (v[lo + c] + v[hi + c]);
                } else if (lo != 0 || hi != 0) {
                    int only = lo + hi;
                    for (int c = 0; c < channels; c++) b[self + c] = v[self + c] + 0.5f * v[only + c];
                } else {
                    System.arraycopy(v, self, b, self, channels);
                }
            }
            float[] t = v;
            v = b;
            b = t;
        }
        values = v;
        blurred = b;
        return v;
    }

    /**
     * Slice: adds {@code weight * scale[p] * alpha * sum_r w_r * blurred[vertex_r]} to {@code sum}, alpha being
     * densecrf's constant 1/(1+2^-d). Written out for 3 and 6 vertices like {@link #splat}, adding the vertices in
     * the same order as the general loop.
     */
    private void slice(float[] blurredValues, float[] scale, float weight, float[] sum, int channels) {
        float alpha = 1.0f / (1.0f + (float) Math.pow(2, -dims));
        float[] v = blurredValues;
        int[] vx = pointVertices;
        float[] wt = pointWeights;
        if (dims == 2) {
            for (int p = 0, b = 0; p < points; p++, b += 3) {
                int dst = p * channels;
                float s = weight * scale[p] * alpha;
                int o0 = vx[b] * channels;
                int o1 = vx[b + 1] * channels;
                int o2 = vx[b + 2] * channels;
                float w0 = wt[b] * s;
                float w1 = wt[b + 1] * s;
                float w2 = wt[b + 2] * s;
                for (int c = 0; c < channels; c++) {
                    float acc = sum[dst + c];
                    acc += w0 * v[o0 + c];
                    acc += w1 * v[o1 + c];
                    acc += w2 * v[o2 + c];
                    sum[dst + c] = acc;
                }
            }
        } else if (dims == 5) {
            for (int p = 0, b = 0; p < points; p++, b += 6) {
                int dst = p * channels;
                float s = weight * scale[p] * alpha;
                int o0 = vx[b] * channels;
                int o1 = vx[b + 1] * channels;
                int o2 = vx[b + 2] * channels;
                int o3 = vx[b + 3] * channels;
                int o4 = vx[b + 4] * channels;
                int o5 = vx[b + 5] * channels;
                float w0 = wt[b] * s;
                float w1 = wt[b + 1] * s;
                float w2 = wt[b + 2] * s;
                float w3 = wt[b + 3] * s;
                float w4 = wt[b + 4] * s;
                float w5 = wt[b + 5] * s;
                for (int c = 0; c < channels; c++) {
                    float acc = sum[dst + c];
                    acc += w0 * v[o0 + c];
                    acc += w1 * v[o1 + c];
                    acc += w2 * v[o2 + c];
                    acc += w3 * v[o3 + c];
                    acc += w4 * v[o4 + c];
                    acc += w5 * v[o5 + c];
                    sum[dst + c] = acc;
                }
            }
        } else {
            int d1 = dims + 1;
            for (int p = 0; p < points; p++) {
                int dst = p * channels;
                float s = weight * scale[p] * alpha;
                for (int r = 0; r < d1; r++) {
                    int src = vx[p * d1 + r] * channels;
                    float w = wt[p * d1 + r] * s;
                    for (int c = 0; c < channels; c++) sum[dst + c] += w * v[src + c];
                }
            }
        }
    }

    /**
     * Open-addressing table from a vertex's first d lattice coordinates (the last is minus their sum) to a dense id:
     * densecrf's {@code HashTable} with linear probing, here over a power-of-two table with a multiplicative hash
     * that keeps each slot's key beside its id, so that a probe reads one place in memory.
     */
    private static final class KeyTable {
        final int keySize;
        /** Keys by id, id after id. */
        int[] keys;
        private int[] slotIds;
        private int[] slotKeys;
        private int filled;
        private int shift;

        KeyTable(int keySize, int expected) {
            this.keySize = keySize;
            this.keys = new int[Math.max(1, expected) * keySize];
            allocate(Integer.highestOneBit(Math.max(16, 2 * expected - 1)) << 1);
        }

        private void allocate(int capacity) {
            slotIds = new int[capacity];
            Arrays.fill(slotIds, -1);
            slotKeys = new int[capacity * keySize];
            shift = 64 - Integer.numberOfTrailingZeros(capacity);
        }

        int size() {
            return filled;
        }

        private int slotOf(int[] key, int offset) {
            long h = 0;
            for (int i = 0; i < keySize; i++) h = (h + key[offset + i]) * 1664525L;
            return (int) ((h * 0x9E3779B97F4A7C15L) >>> shift);
        }

        private boolean slotHolds(int slot, int[] key) {
            int o = slot * keySize;
            for (int i = 0; i < keySize; i++) if (slotKeys[o + i] != key[i]) return false;
            return true;
        }

        /** The id of {@code key}, added with the next id when absent. */
        int findOrAdd(int[] key) {
            if (2 * (filled + 1) > slotIds.length) grow();
            int mask = slotIds.length - 1;
            for (int s = slotOf(key, 0); ; s = (s + 1) & mask) {
                int id = slotIds[s];
                if (id < 0) {
                    if ((filled + 1) * keySize > keys.length) keys = Arrays.copyOf(keys, 2 * keys.length);
                    System.arraycopy(key, 0, keys, filled * keySize, keySize);
                    place(s, filled, keys, filled * keySize);
                    return filled++;
                }
                if (slotHolds(s, key)) return id;
            }
        }

        private void place(int slot, int id, int[] from, int offset) {
            slotIds[slot] = id;
            System.arraycopy(from, offset, slotKeys, slot * keySize, keySize);
        }

        private void grow() {
            allocate(slotIds.length * 2);
            int mask = slotIds.length - 1;
            for (int id = 0; id < filled; id++) {
                int s = slotOf(keys, id * keySize);
                while (slotIds[s] >= 0) s = (s + 1) & mask;
                place(s, id, keys, id * keySize);
            }
        }
    }
}
