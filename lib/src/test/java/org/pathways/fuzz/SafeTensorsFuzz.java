package org.pathways.fuzz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.pathways.model.SafeTensors;

/** Safetensors checkpoints under corruption: the header's JSON (dtypes, shapes, offsets, keys), its length, the data. */
@AddLifecycleHook(FuzzBudget.class)
class SafeTensorsFuzz {
    @Provide
    Arbitrary<List<List<Integer>>> shapes() {
        return Arbitraries.integers().between(0, 5).list().ofMaxSize(3).list().ofMinSize(1).ofMaxSize(3);
    }

    @Provide
    Arbitrary<List<Mutation>> headerEdits() {
        return Mutation.text().list().ofMaxSize(3);
    }

    @Provide
    Arbitrary<List<Mutation>> byteEdits() {
        return Mutation.bytes(0, 4, 7, 8, 9, 64, 200).list().ofMaxSize(2);
    }

    @Property
    void checkpointIsReadOrRefusedInOneLine(@ForAll("shapes") List<List<Integer>> shapes, @ForAll("headerEdits") List<Mutation> headerEdits,
                                            @ForAll("byteEdits") List<Mutation> byteEdits) throws Exception {
        Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>();
        for (int i = 0; i < shapes.size(); i++) {
            long[] shape = shapes.get(i).stream().mapToLong(Integer::longValue).toArray();
            float[] values = new float[(int) Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
            for (int j = 0; j < values.length; j++) values[j] = j * 0.5f - i;
            tensors.put("layer" + i + ".weight", new SafeTensors.Tensor("layer" + i + ".weight", "F32", shape, values));
        }
        Path valid = Scratch.write("valid.safetensors", new byte[0]);
        SafeTensors.writeFloat32(valid, tensors);
        byte[] bytes = Files.readAllBytes(valid);
        Scratch.delete(valid);
        Path file = Scratch.write("model.safetensors", Mutation.applyAll(withHeaderEdits(bytes, headerEdits), byteEdits));
        try {
            Contract.check("safetensors", file, () -> SafeTensors.read(file), SafeTensorsFuzz::sane);
        } finally {
            Scratch.delete(file);
        }
    }

    /** The file with its JSON header edited and its header length rewritten to match. */
    static byte[] withHeaderEdits(byte[] file, List<Mutation> edits) {
        int headerLength = (int) ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        byte[] header = Mutation.applyAll(Arrays.copyOfRange(file, 8, 8 + headerLength), edits);
        ByteBuffer out = ByteBuffer.allocate(8 + header.length + file.length - 8 - headerLength).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(header.length).put(header).put(file, 8 + headerLength, file.length - 8 - headerLength);
        return out.array();
    }

    static String sane(Map<String, SafeTensors.Tensor> tensors) {
        for (SafeTensors.Tensor t : tensors.values()) {
            long n = 1;
            for (long d : t.shape()) {
                if (d < 0) return "accepted tensor " + t.name() + " with a negative side " + t.shapeString();
                n = Math.multiplyExact(n, d);
            }
            if (n != t.values().length) return "accepted tensor " + t.name() + " of shape " + t.shapeString() + " holding " + t.values().length + " values";
        }
        return null;
    }
}
