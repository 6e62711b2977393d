package org.pathways.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.pathways.data.NdData;
import org.pathways.data.Npy;

/** .npy and .npz under corruption: header fields, dtypes, declared shapes, truncation, bit flips. */
@AddLifecycleHook(FuzzBudget.class)
class NpyFuzz {
    /** A valid array to start from: its shape, dtype and a seed for its values. */
    record ArraySpec(List<Integer> shape, String dtype, long seed) {
        int[] dims() {
            return shape.stream().mapToInt(Integer::intValue).toArray();
        }

        /** The array as .npy bytes with {@code headerEdits} applied to the header dict before its length is written. */
        byte[] npy(List<Mutation> headerEdits) {
            int[] dims = dims();
            double[] values = new double[Arrays.stream(dims).reduce(1, (a, b) -> a * b)];
            Random r = new Random(seed);
            for (int i = 0; i < values.length; i++) values[i] = dtype.equals("f4") || dtype.equals("f8") || dtype.equals("f2") ? r.nextGaussian() : r.nextInt(200);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                if (dtype.equals("f2")) {
                    float[] f = new float[values.length];
                    for (int i = 0; i < f.length; i++) f[i] = (float) values[i];
                    Npy.writeFloatsTo(out, dims, f, "f2");
                } else {
                    Npy.writeTo(out, dims, values, dtype);
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            byte[] valid = out.toByteArray();
            int headerLength = Short.toUnsignedInt(ByteBuffer.wrap(valid, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort());
            byte[] header = Mutation.applyAll(Arrays.copyOfRange(valid, 10, 10 + headerLength), headerEdits);
            byte[] data = Arrays.copyOfRange(valid, 10 + headerLength, valid.length);
            ByteBuffer b = ByteBuffer.allocate(12 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
            b.put(valid, 0, 6);
            if (header.length <= 0xffff) {
                b.put((byte) 1).put((byte) 0).putShort((short) header.length);
            } else {
                b.put((byte) 2).put((byte) 0).putInt(header.length);
            }
            b.put(header).put(data);
            return Arrays.copyOf(b.array(), b.position());
        }
    }

    @Provide
    Arbitrary<ArraySpec> arrays() {
        return Combinators.combine(Arbitraries.integers().between(0, 4).list().ofMaxSize(3), Arbitraries.of("f4", "f8", "i8", "u1", "f2"), Arbitraries.longs())
                .as(ArraySpec::new);
    }

    @Provide
    Arbitrary<List<Mutation>> headerEdits() {
        return Mutation.text().list().ofMaxSize(2);
    }

    @Provide
    Arbitrary<List<Mutation>> byteEdits() {
        return Mutation.bytes(0, 6, 7, 8, 10, 64, 128).list().ofMaxSize(3);
    }

    @Property
    void npyIsReadOrRefusedInOneLine(@ForAll("arrays") ArraySpec spec, @ForAll("headerEdits") List<Mutation> headerEdits, @ForAll("byteEdits") List<Mutation> byteEdits) {
        Path file = Scratch.write("a.npy", Mutation.applyAll(spec.npy(headerEdits), byteEdits));
        try {
            Contract.check("npy", file, () -> Npy.read(file), NpyFuzz::sane);
        } finally {
            Scratch.delete(file);
        }
    }

    @Property
    void npzIsReadOrRefusedInOneLine(@ForAll("arrays") ArraySpec first, @ForAll("arrays") ArraySpec second, @ForAll("headerEdits") List<Mutation> headerEdits,
                                     @ForAll("byteEdits") List<Mutation> byteEdits) {
        byte[] zip = zip(Map.of("x.npy", first.npy(headerEdits), "y.npy", second.npy(List.of())));
        Path file = Scratch.write("a.npz", Mutation.applyAll(zip, byteEdits));
        try {
            Contract.check("npz", file, () -> Npy.readNpz(file), m -> m.values().stream().map(NpyFuzz::sane).filter(s -> s != null).findFirst().orElse(null));
            Contract.check("npz-floats", file, () -> Npy.readNpzFloats(file),
                    m -> m.values().stream().map(f -> sane(f.shape(), f.values().length)).filter(s -> s != null).findFirst().orElse(null));
        } finally {
            Scratch.delete(file);
        }
    }

    static byte[] zip(Map<String, byte[]> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (String name : new java.util.TreeSet<>(entries.keySet())) {
                z.putNextEntry(new ZipEntry(name));
                z.write(entries.get(name));
                z.closeEntry();
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static String sane(NdData d) {
        return sane(d.shape(), d.values().length);
    }

    /** A shape that holds exactly the values read, with no negative side. */
    static String sane(int[] shape, int count) {
        long n = 1;
        for (int s : shape) {
            if (s < 0) return "accepted a negative dimension " + Arrays.toString(shape);
            n *= s;
        }
        return n == count ? null : "accepted shape " + Arrays.toString(shape) + " holding " + count + " values";
    }
}
