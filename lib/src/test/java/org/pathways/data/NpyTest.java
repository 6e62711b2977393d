package org.pathways.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.pathways.common.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsFloat32Float64AndInt64() throws IOException {
        double[] v = {0.5, -1.25, 3, 1e-3, 7, 8};
        Npy.writeFloat32(dir.resolve("a.npy"), new int[] {2, 3}, v);
        NdData a = Npy.read(dir.resolve("a.npy"));
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertEquals("f4", a.dtype());
        for (int i = 0; i < v.length; i++) assertEquals((float) v[i], a.values()[i]);
        Npy.writeFloat64(dir.resolve("b.npy"), new int[] {6}, v);
        assertArrayEquals(v, Npy.read(dir.resolve("b.npy")).values());
        Npy.writeInt64(dir.resolve("c.npy"), new int[] {1, 3}, new int[] {4, -2, 255});
        assertArrayEquals(new int[] {4, -2, 255}, Npy.read(dir.resolve("c.npy")).asInts());
        // header is padded to a multiple of 64 bytes, as numpy requires
        byte[] bytes = Files.readAllBytes(dir.resolve("a.npy"));
        int headerLen = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
        assertEquals(0, (10 + headerLen) % 64);
    }

    @Test
    void npzRoundTrip() throws IOException {
        Map<String, NdData> arrays = new LinkedHashMap<>();
        arrays.put("layer0", NdData.float32(new int[] {2, 2}, new double[] {1, 0, 0, 1}));
        arrays.put("layer0_hw", new NdData(new int[] {2}, new double[] {1, 2}, "i8"));
        Npy.writeNpz(dir.resolve("g.npz"), arrays);
        Map<String, NdData> back = Npy.readNpz(dir.resolve("g.npz"));
        assertEquals(arrays.keySet(), back.keySet());
        assertArrayEquals(new int[] {1, 2}, back.get("layer0_hw").asInts());
    }

    @Test
    void reportsBadFilesByName() throws IOException {
        Path text = Files.writeString(dir.resolve("bad.npy"), "hello");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Npy.read(text));
        assertTrue(e.getMessage().contains("bad.npy") && e.getMessage().contains("magic"), e.getMessage());
        Npy.writeFloat32(dir.resolve("t.npy"), new int[] {100}, new double[100]);
        byte[] whole = Files.readAllBytes(dir.resolve("t.npy"));
        Files.write(dir.resolve("t.npy"), Arrays.copyOf(whole, whole.length - 10));
        e = assertThrows(InvalidInputException.class, () -> Npy.read(dir.resolve("t.npy")));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> Npy.read(dir.resolve("missing.npy")));
        assertTrue(e.getMessage().contains("missing.npy"), e.getMessage());
    }

    @Test
    void readsFortranOrderAsCOrder() throws IOException {
        // numpy: np.asfortranarray(np.arange(6).reshape(2, 3)) stores 0 3 1 4 2 5
        String header = "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }";
        header = header + " ".repeat(64 - (10 + header.length() + 1) % 64) + "\n";
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(10 + header.length() + 48).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        bb.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length()).put(header.getBytes());
        for (double v : new double[] {0, 3, 1, 4, 2, 5}) bb.putDouble(v);
        Files.write(dir.resolve("f.npy"), bb.array());
        assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5}, Npy.read(dir.resolve("f.npy")).values());
    }

    @Test
    void readsHalfPrecision() {
        assertEquals(1.5f, Npy.halfToFloat((short) 0x3e00));
        assertEquals(-0.25f, Npy.halfToFloat((short) 0xb400));
        assertEquals(Float.POSITIVE_INFINITY, Npy.halfToFloat((short) 0x7c00));
    }

    /** float16 encoding against hand-derived IEEE 754 half bit patterns: round to nearest even, subnormals, overflow. */
    @Test
    void writesHalfPrecisionBitExact() throws IOException {
        float[] in = {1f, -2f, 65504f, 65520f, 1f / 3, 0.1f, (float) Math.pow(2, -24), (float) Math.pow(2, -25), 1e-9f, 1.0009765625f + 0.00048828125f, Float.NaN, -0f};
        int[] bits = {0x3c00, 0xc000, 0x7bff, 0x7c00, 0x3555, 0x2e66, 0x0001, 0x0000, 0x0000, 0x3c02, 0x7e00, 0x8000};
        // 2^-25 is half of the smallest subnormal: a tie, to even (0); 1 + 1.5 ulp is a tie between 1+ulp and 1+2ulp: to even (0x3c02)
        for (int i = 0; i < in.length; i++) {
            int got = Npy.floatToHalf(in[i]) & 0xffff;
            if (Float.isNaN(in[i])) assertTrue((got & 0x7c00) == 0x7c00 && (got & 0x3ff) != 0, "NaN stays NaN: " + Integer.toHexString(got));
            else assertEquals(bits[i], got, in[i] + " -> 0x" + Integer.toHexString(got));
        }
        Path f = dir.resolve("half.npy");
        Npy.writeFloat16(f, new int[] {2, 2}, new float[] {1f, -2f, 65504f, 1f / 3});
        NdData back = Npy.read(f);
        assertEquals("f2", back.dtype());
        assertArrayEquals(new double[] {1, -2, 65504, 0.333251953125}, back.values());
    }
}
