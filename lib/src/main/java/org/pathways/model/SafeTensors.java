package org.pathways.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pathways.common.InvalidInputException;
import org.pathways.common.JsonFiles;

/**
 * Reads a {@code .safetensors} checkpoint: an 8-byte little-endian header length, a JSON header of
 * {@code name -> {dtype, shape, data_offsets}}, then raw little-endian data. Every tensor is widened to float32 in
 * Java: DJL's own decoder aborts the JVM on BF16 (uncatchable), and F16/F64 become float32 the same way.
 * Each tensor is read with its own memory map, so multi-gigabyte files (Stable Diffusion) work.
 */
public final class SafeTensors {
    /** One tensor, widened to float32, C order. */
    public record Tensor(String name, String dtype, long[] shape, float[] values) {
        public long size() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }

        public String shapeString() {
            return Arrays.toString(shape);
        }
    }

    private SafeTensors() {}

    /** All tensors of a file, in header order; int tensors (e.g. position_ids buffers) are skipped. */
    public static Map<String, Tensor> read(Path file) {
        if (!Files.isRegularFile(file)) throw new InvalidInputException(file + ": no such weights file");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = channel.size();
            if (fileSize < 8) throw new InvalidInputException(file + ": not a safetensors file (" + fileSize + " bytes)");
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(lengthBytes, 0);
            long headerLength = lengthBytes.getLong(0);
            if (headerLength <= 0 || headerLength > 100_000_000 || 8 + headerLength > fileSize) {
                throw new InvalidInputException(file + ": not a safetensors file or truncated header (header length " + headerLength + ", file " + fileSize + " bytes)");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            channel.read(headerBytes, 8);
            String where = file + " (safetensors header)";
            JsonObject header = JsonFiles.object(JsonFiles.parse(new String(headerBytes.array(), StandardCharsets.UTF_8), where, true), where);
            long dataStart = 8 + headerLength;
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : header.entrySet()) {
                if (e.getKey().equals("__metadata__")) continue;
                if (!e.getValue().isJsonObject()) throw new InvalidInputException(file + ": tensor " + InvalidInputException.printable(e.getKey()) + " is not described by an object in the header");
                Tensor t = tensor(file, channel, fileSize, dataStart, e.getKey(), e.getValue().getAsJsonObject());
                if (t != null) out.put(t.name(), t);
            }
            return out;
        } catch (IOException e) {
            throw new InvalidInputException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private static Tensor tensor(Path file, FileChannel channel, long fileSize, long dataStart, String name, JsonObject entry) throws IOException {
        String where = file + ": tensor " + InvalidInputException.printable(name);
        JsonElement dtypeJson = entry.get("dtype");
        if (dtypeJson == null || !dtypeJson.isJsonPrimitive() || !dtypeJson.getAsJsonPrimitive().isString()) throw new InvalidInputException(where + " has no dtype string");
        String dtype = dtypeJson.getAsString();
        long[] shape = naturals(entry.get("shape"), where, "shape", -1);
        long[] offsets = naturals(entry.get("data_offsets"), where, "data_offsets", 2);
        long count = 1;
        for (long d : shape) {
            // checked at every step: a product past 2^63 must not wrap around to a count that fits the data
            if (d != 0 && count > Long.MAX_VALUE / 8 / d) throw new InvalidInputException(where + " has an impossible shape " + Arrays.toString(shape));
            count *= d;
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end) throw new InvalidInputException(where + " has data_offsets [" + begin + ", " + end + "] that end before they begin");
        int width = switch (dtype) {
            case "F64", "I64" -> 8;
            case "F32", "I32" -> 4;
            case "F16", "BF16", "I16" -> 2;
            case "I8", "U8", "BOOL" -> 1;
            default -> throw new InvalidInputException(where + " has unsupported dtype " + InvalidInputException.printable(dtype));
        };
        if (end - begin != count * width) {
            throw new InvalidInputException(where + " has " + (end - begin) + " bytes for shape " + Arrays.toString(shape) + " of " + InvalidInputException.printable(dtype));
        }
        if (dataStart + end > fileSize) {
            throw new InvalidInputException(where + ": truncated: ends at byte " + (dataStart + end) + " of a " + fileSize + "-byte file");
        }
        if (dtype.startsWith("I") || dtype.equals("U8") || dtype.equals("BOOL")) return null; // buffers such as position_ids
        if (count > Integer.MAX_VALUE) throw new InvalidInputException(where + " is too large (" + count + " values)");
        ByteBuffer data = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + begin, end - begin).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[(int) count];
        switch (dtype) { // one switch per tensor, not per value
            case "F32" -> data.asFloatBuffer().get(values);
            case "F64" -> {
                for (int i = 0; i < values.length; i++) values[i] = (float) data.getDouble(i * 8);
            }
            case "BF16" -> {
                for (int i = 0; i < values.length; i++) values[i] = Float.intBitsToFloat((data.getShort(i * 2) & 0xffff) << 16);
            }
            default -> { // F16
                for (int i = 0; i < values.length; i++) values[i] = org.pathways.data.Npy.halfToFloat(data.getShort(i * 2));
            }
        }
        return new Tensor(name, dtype, shape, values);
    }

    /** A JSON list of non-negative integers ({@code length} of them, or any number when -1), else one line naming it. */
    private static long[] naturals(JsonElement json, String where, String field, int length) {
        if (json == null || !json.isJsonArray()) throw new InvalidInputException(where + " has no " + field + " list");
        JsonArray a = json.getAsJsonArray();
        if (length >= 0 && a.size() != length) throw new InvalidInputException(where + ": " + field + " has " + a.size() + " values, not " + length);
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            JsonElement v = a.get(i);
            String text = v.isJsonPrimitive() ? v.getAsString() : v.toString();
            if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber() || !text.matches("\\d{1,18}")) {
                throw new InvalidInputException(where + ": " + field + " holds " + text + ", not a non-negative integer");
            }
            out[i] = Long.parseLong(text);
        }
        return out;
    }

    /**
     * The tensors a model expects, checked by name and shape, as NDArrays in {@code manager}; one-line errors name the
     * key and the file.
     */
    public static Map<String, ai.djl.ndarray.NDArray> checked(Map<String, Tensor> tensors, Map<String, long[]> expected,
                                                              ai.djl.ndarray.NDManager manager, Object file, String model) {
        Map<String, ai.djl.ndarray.NDArray> out = new java.util.HashMap<>();
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            Tensor t = tensors.get(e.getKey());
            if (t == null) throw new InvalidInputException(file + ": missing key " + e.getKey() + " for " + model);
            if (!Arrays.equals(t.shape(), e.getValue())) {
                throw new InvalidInputException(file + ": key " + e.getKey() + " has shape " + t.shapeString() + ", " + model + " expects " + Arrays.toString(e.getValue()));
            }
            out.put(e.getKey(), manager.create(t.values(), new ai.djl.ndarray.types.Shape(t.shape())));
        }
        return out;
    }

    /**
     * Random weights for the given names and shapes, as tests and the offline samples use them: N(0, 0.02)
     * matrices, zero biases, unit LayerNorm weights (names containing "norm").
     */
    public static Map<String, Tensor> random(Map<String, long[]> shapes, long seed) {
        java.util.Random random = new java.util.Random(seed);
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long n = 1;
            for (long d : e.getValue()) n *= d;
            float[] v = new float[(int) n];
            boolean norm = e.getKey().contains("norm") && e.getKey().endsWith(".weight");
            boolean bias = e.getKey().endsWith(".bias");
            for (int i = 0; i < v.length; i++) v[i] = norm ? 1 : bias ? 0 : (float) (0.02 * random.nextGaussian());
            out.put(e.getKey(), new Tensor(e.getKey(), "F32", e.getValue(), v));
        }
        return out;
    }

    /** Writes float32 tensors as a safetensors file, atomically (tests write tiny checkpoints with real key names). */
    public static void writeFloat32(Path file, Map<String, Tensor> tensors) throws IOException {
        JsonObject header = new JsonObject();
        long offset = 0;
        for (Tensor t : tensors.values()) {
            JsonObject entry = new JsonObject();
            entry.addProperty("dtype", "F32");
            JsonArray shape = new JsonArray();
            for (long d : t.shape()) shape.add(d);
            entry.add("shape", shape);
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offsets.add(offset + 4L * t.values().length);
            entry.add("data_offsets", offsets);
            header.add(t.name(), entry);
            offset += 4L * t.values().length;
        }
        byte[] headerBytes = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (headerBytes.length + 7) / 8 * 8;
        // streamed tensor by tensor: a full-size checkpoint (SD 1.4's UNet, 3.4 GB) does not fit one Java array
        org.pathways.common.AtomicFiles.write(file, tmp -> {
            try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
                head.putLong(padded);
                head.put(headerBytes);
                while (head.hasRemaining()) head.put((byte) ' ');
                writeFully(channel, head.flip());
                ByteBuffer chunk = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
                for (Tensor t : tensors.values()) {
                    for (float v : t.values()) {
                        if (!chunk.hasRemaining()) writeFully(channel, chunk.flip());
                        chunk.putFloat(v);
                    }
                }
                writeFully(channel, chunk.flip());
            }
        });
    }

    private static void writeFully(java.nio.channels.FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) channel.write(buffer);
        buffer.clear();
    }
}
