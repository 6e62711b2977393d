package org.pathways.spectral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The native-memory rule of {@link AutogradCode}, enforced on the compiled classes: no class marked with it (its
 * nested classes and lambdas included) calls an NDArray method that takes a {@code java.lang.Number} whose backward
 * keeps that operand. Only ops whose gradient does not read the scalar are allowed (add, sub and their reverse and
 * in-place forms, pad, comparisons).
 */
class AutogradScalarsTest {
    private static final String MARK = "L" + AutogradCode.class.getName().replace('.', '/') + ";";
    /** NDArray methods with a Number operand whose backward does not save it (or that have no backward). */
    private static final Set<String> SAFE = Set.of("add", "addi", "sub", "subi", "rsub", "rsubi", "pad",
            "eq", "neq", "gt", "gte", "lt", "lte");

    /** What the scan found in one class file. */
    private record Scan(String className, boolean marked, List<String> scalarCalls) {}

    private static Scan scan(InputStream classFile) throws IOException {
        ClassReader reader = new ClassReader(classFile);
        boolean[] marked = {false};
        List<String> calls = new ArrayList<>();
        reader.accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
                if (descriptor.equals(MARK)) marked[0] = true;
                return null;
            }

            @Override
            public MethodVisitor visitMethod(int access, String method, String descriptor, String signature, String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String name, String desc, boolean isInterface) {
                        if (isNdArray(owner) && desc.contains("Ljava/lang/Number;") && !SAFE.contains(name)) {
                            calls.add(reader.getClassName() + "." + method + " calls " + owner.substring(owner.lastIndexOf('/') + 1) + "." + name + desc);
                        }
                    }
                };
            }
        }, ClassReader.SKIP_FRAMES);
        return new Scan(reader.getClassName(), marked[0], calls);
    }

    private static boolean isNdArray(String owner) {
        return owner.equals("ai/djl/ndarray/NDArray") || owner.equals("ai/djl/pytorch/engine/PtNDArray") || owner.equals("ai/djl/ndarray/NDArrayAdapter");
    }

    /** Every class file of the library, scanned; nested classes of a marked class count as marked. */
    private static List<Scan> scanLibrary() throws Exception {
        Path root = Path.of(AutogradCode.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Scan> scans = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                try (InputStream in = Files.newInputStream(f)) {
                    scans.add(scan(in));
                }
            }
        }
        Set<String> markedNames = new TreeSet<>();
        for (Scan s : scans) if (s.marked()) markedNames.add(s.className());
        List<Scan> out = new ArrayList<>();
        for (Scan s : scans) {
            boolean nested = markedNames.stream().anyMatch(m -> s.className().startsWith(m + "$"));
            out.add(new Scan(s.className(), s.marked() || nested, s.scalarCalls()));
        }
        return out;
    }

    @Test
    void markedClassesUseNoScalarOpWhoseBackwardKeepsTheScalar() throws Exception {
        List<Scan> scans = scanLibrary();
        Set<String> marked = new TreeSet<>();
        List<String> violations = new ArrayList<>();
        for (Scan s : scans) {
            if (!s.marked()) continue;
            marked.add(s.className());
            violations.addAll(s.scalarCalls());
        }
        for (String expected : List.of("org/pathways/spectral/SpectralObjective", "org/pathways/spectral/ToyCnn", "org/pathways/spectral/DirectLogits")) {
            assertTrue(marked.contains(expected), expected + " runs under autograd and must be marked @AutogradCode; marked: " + marked);
        }
        assertEquals(List.of(), violations, "scalar NDArray ops in autograd code (use Constants)");
    }

    /** A fixture that breaks the rule, to show the scan sees such a call (and a lambda's). */
    @AutogradCode
    static final class Offender {
        NDArray twice(NDArray x) {
            return x.mul(2);
        }

        java.util.function.UnaryOperator<NDArray> halve() {
            return x -> x.div(2.0).add(1);
        }
    }

    @Test
    void theScanFindsAScalarMultiplicationAndADivisionInALambda() throws Exception {
        try (InputStream in = Offender.class.getResourceAsStream("AutogradScalarsTest$Offender.class")) {
            Scan s = scan(in);
            assertTrue(s.marked());
            assertEquals(2, s.scalarCalls().size(), s.scalarCalls().toString());
            assertTrue(s.scalarCalls().get(0).contains("NDArray.mul(Ljava/lang/Number;)"), s.scalarCalls().toString());
            assertTrue(s.scalarCalls().get(1).contains("lambda$halve") && s.scalarCalls().get(1).contains("NDArray.div"), s.scalarCalls().toString());
        }
    }
}
