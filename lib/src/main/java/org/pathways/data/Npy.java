package org.pathways.data;

import org.pathways.common.AtomicFiles;
import org.pathways.common.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Reads and writes NumPy's {@code .npy} and {@code .npz} files (format versions 1-3, C or Fortran order on read,
 * little-endian float16/32/64, int8..64, uint8, bool). Written by hand because neither DJL nor Smile
 * reads int64 label maps and float64 arrays without a native engine, and the format is 30 lines of spec.
 * A file whose content is wrong (bad magic, a shape or dtype out of range, truncated data) is an
 * {@link InvalidInputException} naming the file; {@link IOException} is left for a disk that cannot be read.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    /** Reads one {@code .npy} file. */
    public static NdData read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new InvalidInputException(file + ": no such file");
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in.readAllBytes(), file.toString());
        }
    }

    /** Reads every array of an {@code .npz} archive, keyed by name without the {@code .npy} suffix, in file order. */
    public static Map<String, NdData> readNpz(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new InvalidInputException(file + ": no such file");
        Map<String, NdData> out = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new java.io.ByteArrayInputStream(Files.readAllBytes(file)))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                if (e.isDirectory()) continue;
                String name = e.getName().endsWith(".npy") ? e.getName().substring(0, e.getName().length() - 4) : e.getName();
                out.put(name, parse(zip.readAllBytes(), file + ":" + e.getName()));
            }
        } catch (IOException | IllegalArgumentException ex) { // the bytes are in memory: any error here is the archive's content
            throw new InvalidInputException(file + ": not a valid .npz archive (" + ex.getClass().getSimpleName() + ": " + ex.getMessage() + ")", ex);
        }
        if (out.isEmpty()) throw new InvalidInputException(file + ": not a valid .npz archive (no arrays)");
        return out;
    }

    /** An array read as floats (e.g. float16 taps), without a double copy: shape, C-order values, dtype. */
    public record Floats(int[] shape, float[] values, String dtype) {}

    /**
     * Reads every array of an {@code .npz} archive as floats, for large float16/float32 arrays (a data set's taps); other
     * dtypes are converted (exact for integers below 2^24).
     */
    public static Map<String, Floats> readNpzFloats(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new InvalidInputException(file + ": no such file");
        Map<String, Floats> out = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new java.io.ByteArrayInputStream(Files.readAllBytes(file)))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                if (e.isDirectory()) continue;
                String name = e.getName().endsWith(".npy") ? e.getName().substring(0, e.getName().length() - 4) : e.getName();
                byte[] bytes = zip.readAllBytes();
                String where = file + ":" + e.getName();
                Header h = header(bytes, where);
                if (h.fortran()) throw new InvalidInputException(where + ": Fortran order is not supported here");
                float[] values = new float[h.count()];
                ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
                bb.position(h.data());
                for (int i = 0; i < values.length; i++) {
                    values[i] = switch (h.type()) {
                        case "f2" -> halfToFloat(bb.getShort());
                        case "f4" -> bb.getFloat();
                        default -> (float) value(bb, h.type());
                    };
                }
                out.put(name, new Floats(h.shape(), values, h.type()));
            }
        } catch (IOException | IllegalArgumentException ex) { // the bytes are in memory: any error here is the archive's content
            throw new InvalidInputException(file + ": not a valid .npz archive (" + ex.getClass().getSimpleName() + ": " + ex.getMessage() + ")", ex);
        }
        if (out.isEmpty()) throw new InvalidInputException(file + ": not a valid .npz archive (no arrays)");
        return out;
    }

    /** A parsed .npy header: shape, dtype without byte order, order, element count and where the data starts. */
    private record Header(int[] shape, String type, boolean fortran, int count, int data) {}

    static NdData parse(byte[] bytes, String where) throws IOException {
        Header h = header(bytes, where);
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        double[] values = new double[h.count()];
        bb.position(h.data());
        for (int i = 0; i < values.length; i++) values[i] = value(bb, h.type());
        return new NdData(h.shape(), h.fortran() ? fortranToC(values, h.shape()) : values, h.type());
    }

    private static double value(ByteBuffer bb, String type) {
        return switch (type) {
            case "f8" -> bb.getDouble();
            case "f4" -> bb.getFloat();
            case "f2" -> halfToFloat(bb.getShort());
            case "i8" -> bb.getLong();
            case "u8" -> { long v = bb.getLong(); yield v >= 0 ? v : (v >>> 1) * 2.0 + (v & 1); }
            case "i4" -> bb.getInt();
            case "u4" -> Integer.toUnsignedLong(bb.getInt());
            case "i2" -> bb.getShort();
            case "u2" -> Short.toUnsignedInt(bb.getShort());
            case "i1" -> bb.get();
            default -> Byte.toUnsignedInt(bb.get()); // u1, b1
        };
    }

    private static Header header(byte[] bytes, String where) throws IOException {
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
            throw new InvalidInputException(where + ": not a .npy file (bad magic)");
        }
        int major = bytes[6];
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen;
        int offset;
        if (major == 1) {
            headerLen = Short.toUnsignedInt(bb.getShort(8));
            offset = 10;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) throw new InvalidInputException(where + ": truncated .npy header");
            headerLen = bb.getInt(8);
            offset = 12;
        } else {
            throw new InvalidInputException(where + ": unsupported .npy version " + major);
        }
        if (headerLen < 0 || offset + (long) headerLen > bytes.length) throw new InvalidInputException(where + ": truncated .npy header (declares " + Integer.toUnsignedString(headerLen) + " bytes, " + (bytes.length - offset) + " follow)");
        String header = new String(bytes, offset, headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) throw new InvalidInputException(where + ": malformed .npy header: " + InvalidInputException.printable(header.trim()));
        boolean fortran = f.group(1).equals("True");
        String descr = d.group(1);
        String[] sides = Arrays.stream(s.group(1).split(",")).map(String::trim).filter(t -> !t.isEmpty()).toArray(String[]::new);
        int[] shape = new int[sides.length];
        long count = 1;
        for (int i = 0; i < sides.length; i++) {
            if (!sides[i].matches("\\d{1,10}") || Long.parseLong(sides[i]) > Integer.MAX_VALUE) {
                throw new InvalidInputException(where + ": shape (" + s.group(1).trim() + ") is not a tuple of non-negative sizes");
            }
            shape[i] = Integer.parseInt(sides[i]);
            // checked at every step, so a product past 2^63 cannot wrap around to a small count
            count *= shape[i];
            if (count > Integer.MAX_VALUE) throw new InvalidInputException(where + ": array too large (shape (" + s.group(1).trim() + "))");
        }
        if (descr.startsWith(">") && !descr.endsWith("1")) throw new InvalidInputException(where + ": big-endian dtype " + InvalidInputException.printable(descr) + " is not supported");
        String type = descr.replaceAll("^[<>|=]", "");
        int width = switch (type) {
            case "f8", "i8", "u8" -> 8;
            case "f4", "i4", "u4" -> 4;
            case "f2", "i2", "u2" -> 2;
            case "i1", "u1", "b1" -> 1;
            default -> throw new InvalidInputException(where + ": unsupported dtype " + InvalidInputException.printable(descr));
        };
        int data = offset + headerLen;
        if ((long) data + count * width > bytes.length) {
            throw new InvalidInputException(where + ": truncated data (" + (bytes.length - data) + " bytes for " + count + " x " + width + ")");
        }
        return new Header(shape, type, fortran, (int) count, data);
    }

    /** Reorders values stored with the first index fastest (Fortran) into C order (last index fastest). */
    static double[] fortranToC(double[] values, int[] shape) {
        double[] out = new double[values.length];
        int rank = shape.length;
        int[] index = new int[rank];
        for (int c = 0; c < values.length; c++) {
            int f = 0;
            int stride = 1;
            for (int d = 0; d < rank; d++) {
                f += index[d] * stride;
                stride *= shape[d];
            }
            out[c] = values[f];
            for (int d = rank - 1; d >= 0; d--) { // advance the C-order multi-index
                if (++index[d] < shape[d]) break;
                index[d] = 0;
            }
        }
        return out;
    }

    /** IEEE 754 binary16 to float (Float.float16ToFloat is Java 20+). */
    public static float halfToFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** Writes a float32 {@code .npy} file (what every Pathways output uses). */
    public static void writeFloat32(Path file, int[] shape, double[] values) throws IOException {
        write(file, shape, values, "f4");
    }

    /**
     * Writes a float32 {@code .npy} file from floats, streamed (no whole-file copy in memory): for large arrays such as
     * a data set's feature table.
     */
    public static void writeFloat32(Path file, int[] shape, float[] values) throws IOException {
        writeFloats(file, shape, values, "f4");
    }

    /** Writes a float16 {@code .npy} file (values rounded to nearest, ties to even), streamed. */
    public static void writeFloat16(Path file, int[] shape, float[] values) throws IOException {
        writeFloats(file, shape, values, "f2");
    }

    private static void writeFloats(Path file, int[] shape, float[] values, String type) throws IOException {
        long count = 1;
        for (int n : shape) count *= n;
        if (count != values.length) throw new IllegalArgumentException(file + ": shape " + Arrays.toString(shape) + " does not hold " + values.length + " values");
        AtomicFiles.write(file, tmp -> {
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                writeFloatsTo(out, shape, values, type);
            }
        });
    }

    /** Serialises floats as float32 ("f4") or float16 ("f2") in {@code .npy} format, in chunks. */
    public static void writeFloatsTo(OutputStream out, int[] shape, float[] values, String type) throws IOException {
        out.write(header(shape, type));
        int width = type.equals("f2") ? 2 : 4;
        ByteBuffer bb = ByteBuffer.allocate(width * 8192).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < values.length; i++) {
            if (width == 2) bb.putShort(floatToHalf(values[i]));
            else bb.putFloat(values[i]);
            if (!bb.hasRemaining()) {
                out.write(bb.array(), 0, bb.position());
                bb.clear();
            }
        }
        out.write(bb.array(), 0, bb.position());
    }

    /** float to IEEE 754 binary16, round to nearest even (Float.floatToFloat16 is Java 20+). */
    public static short floatToHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff;
        int mant = bits & 0x7fffff;
        if (exp == 0xff) return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0)); // Inf or NaN
        int e = exp - 127 + 15;
        if (e >= 0x1f) return (short) (sign | 0x7c00);                         // overflow: Inf
        if (e <= 0) {                                                          // subnormal or zero
            if (e < -10) return (short) sign;
            int m = mant | 0x800000;
            int shift = 14 - e;
            int half = m >> shift;
            int rest = m & ((1 << shift) - 1);
            int midpoint = 1 << (shift - 1);
            if (rest > midpoint || (rest == midpoint && (half & 1) == 1)) half++;
            return (short) (sign | half);
        }
        int half = (e << 10) | (mant >> 13);
        int rest = mant & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) half++;      // may carry into the exponent: still right
        return (short) (sign | half);
    }

    /** Writes a float64 {@code .npy} file. */
    public static void writeFloat64(Path file, int[] shape, double[] values) throws IOException {
        write(file, shape, values, "f8");
    }

    /** Writes an int64 {@code .npy} file. */
    public static void writeInt64(Path file, int[] shape, int[] values) throws IOException {
        write(file, shape, Arrays.stream(values).asDoubleStream().toArray(), "i8");
    }

    private static void write(Path file, int[] shape, double[] values, String type) throws IOException {
        long count = 1;
        for (int n : shape) count *= n;
        if (count != values.length) {
            throw new IllegalArgumentException(file + ": shape " + Arrays.toString(shape) + " does not hold " + values.length + " values");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeTo(out, shape, values, type);
        AtomicFiles.write(file, tmp -> Files.write(tmp, out.toByteArray()));
    }

    /** Serialises an array in {@code .npy} format (used for .npz entries too). */
    public static void writeTo(OutputStream out, int[] shape, double[] values, String type) throws IOException {
        byte[] head = header(shape, type);
        int width = switch (type) {
            case "f4" -> 4;
            case "u1" -> 1;
            default -> 8;
        };
        ByteBuffer bb = ByteBuffer.allocate(head.length + values.length * width).order(ByteOrder.LITTLE_ENDIAN);
        bb.put(head);
        for (double v : values) {
            switch (type) {
                case "f4" -> bb.putFloat((float) v);
                case "f8" -> bb.putDouble(v);
                case "i8" -> bb.putLong((long) v);
                case "u1" -> bb.put((byte) (int) v);
                default -> throw new IllegalArgumentException("unsupported dtype " + type);
            }
        }
        out.write(bb.array());
    }

    /** The magic, version 1.0, the header length and the padded header of an {@code .npy} file. */
    private static byte[] header(int[] shape, String type) {
        StringBuilder dims = new StringBuilder();
        for (int n : shape) dims.append(n).append(", ");
        String shapeText = shape.length == 1 ? "(" + shape[0] + ",)" : "(" + (shape.length == 0 ? "" : dims.substring(0, dims.length() - 2)) + ")";
        String header = "{'descr': '<" + type + "', 'fortran_order': False, 'shape': " + shapeText + ", }";
        int total = 10 + header.length() + 1;
        int pad = (64 - total % 64) % 64;
        header = header + " ".repeat(pad) + "\n";
        ByteBuffer bb = ByteBuffer.allocate(10 + header.length()).order(ByteOrder.LITTLE_ENDIAN);
        bb.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length()).put(header.getBytes(StandardCharsets.ISO_8859_1));
        return bb.array();
    }

    /**
     * Writes named arrays into an {@code .npz} archive (uncompressed, as numpy.savez does): int64 for integer dtypes,
     * float64 for "f8", float16 for "f2", float32 otherwise.
     */
    public static void writeNpz(Path file, Map<String, NdData> arrays) throws IOException {
        AtomicFiles.write(file, tmp -> writeNpzTo(tmp, arrays));
    }

    /**
     * Writes float arrays into an {@code .npz} archive, each as its {@link Floats#dtype()} says ("f2" float16, "f4"
     * float32, "i8" int64 of the rounded values), streamed with no double copy: for large float16 taps.
     */
    public static void writeNpzFloats(Path file, Map<String, Floats> arrays) throws IOException {
        AtomicFiles.write(file, tmp -> {
            try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
                for (Map.Entry<String, Floats> e : arrays.entrySet()) {
                    zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                    Floats f = e.getValue();
                    switch (f.dtype()) {
                        case "f2", "f4" -> writeFloatsTo(zip, f.shape(), f.values(), f.dtype());
                        case "i8" -> {
                            double[] v = new double[f.values().length];
                            for (int i = 0; i < v.length; i++) v[i] = Math.round(f.values()[i]);
                            writeTo(zip, f.shape(), v, "i8");
                        }
                        default -> throw new IllegalArgumentException(file + ": dtype " + f.dtype() + " is not f2, f4 or i8");
                    }
                    zip.closeEntry();
                }
            }
        });
    }

    private static void writeNpzTo(Path file, Map<String, NdData> arrays) throws IOException {
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(file))) {
            for (Map.Entry<String, NdData> e : arrays.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                String dtype = e.getValue().dtype();
                if (dtype.equals("f2")) {
                    writeFloatsTo(zip, e.getValue().shape(), e.getValue().asFloats(), "f2");
                } else {
                    writeTo(zip, e.getValue().shape(), e.getValue().values(), dtype.startsWith("i") ? "i8" : dtype.equals("f8") ? "f8" : "f4");
                }
                zip.closeEntry();
            }
        }
    }
}
