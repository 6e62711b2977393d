package org.pathways.fuzz;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import org.pathways.common.InvalidInputException;

/**
 * The readers' contract under corruption: a result that passes the reader's own sanity check, or an
 * {@link InvalidInputException} whose message is one line naming the file; never another exception, and never an
 * allocation far beyond what the file's size can justify (a declared size trusted before it was checked).
 */
public final class Contract {
    /** What a read came to. */
    public enum Outcome { ACCEPTED, REFUSED }

    /** A read of {@code file}; returns its result for {@code sane} to judge. */
    @FunctionalInterface
    public interface Read<T> {
        T read() throws Exception;
    }

    /** Bytes a read may allocate: generous for decoding (a PNG compresses ~1000:1), far below a trusted 2 GiB size. */
    static long allocationBudget(String reader, long fileBytes) {
        // an image may decode to 4 Mi pixels whatever its size, and to 4096 pixels per byte beyond (Images' limit)
        if (reader.startsWith("image") || reader.startsWith("voc-mask")) return (128L << 20) + 16L * 4096 * fileBytes;
        return (64L << 20) + 400L * fileBytes;
    }

    private static final Map<String, AtomicLongArray> COUNTS = new ConcurrentHashMap<>();
    private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Contract() {}

    /**
     * Reads {@code file} and checks the contract; counts the outcome under {@code reader}. A failing case is copied to
     * {@code target/fuzz-failures/<reader>/} for the corpus.
     */
    public static <T> Outcome check(String reader, Path file, Read<T> read, java.util.function.Function<T, String> sane) {
        long fileBytes = size(file);
        long before = THREADS.getCurrentThreadAllocatedBytes();
        Outcome outcome;
        String broken = null;
        try {
            T result = read.read();
            broken = sane.apply(result);
            outcome = Outcome.ACCEPTED;
        } catch (InvalidInputException e) {
            String m = e.getMessage();
            if (m == null || m.isBlank() || m.contains("\n") || m.contains("\r")) broken = "message is not one line: " + m;
            else if (!m.contains(file.toString())) broken = "message does not name the file " + file + ": " + m;
            outcome = Outcome.REFUSED;
        } catch (Throwable t) { // OutOfMemoryError and StackOverflowError included: the contract forbids them
            broken = "threw " + t.getClass().getName() + ": " + t.getMessage();
            outcome = null;
        }
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        if (broken == null && allocated > allocationBudget(reader, fileBytes)) {
            broken = "allocated " + allocated + " bytes reading a " + fileBytes + "-byte file (a declared size trusted before it was checked)";
        }
        AtomicLongArray c = COUNTS.computeIfAbsent(reader, k -> new AtomicLongArray(3));
        c.incrementAndGet(broken != null ? 2 : outcome.ordinal());
        if (broken != null) {
            keepFailure(reader, file);
            throw new AssertionError(reader + ": " + broken);
        }
        return outcome;
    }

    /** Accepted, refused, broken counts of one reader since the JVM started. */
    public static long[] counts(String reader) {
        AtomicLongArray c = COUNTS.getOrDefault(reader, new AtomicLongArray(3));
        return new long[] {c.get(0), c.get(1), c.get(2)};
    }

    /** Every reader's counts, copied. */
    static Map<String, long[]> snapshot() {
        Map<String, long[]> out = new java.util.TreeMap<>();
        COUNTS.keySet().forEach(r -> out.put(r, counts(r)));
        return out;
    }

    private static long size(Path file) {
        try {
            if (Files.isDirectory(file)) {
                try (var s = Files.walk(file)) {
                    return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
                }
            }
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    private static void keepFailure(String reader, Path file) {
        try {
            Path dir = Path.of("target", "fuzz-failures", reader);
            Files.createDirectories(dir);
            if (Files.isRegularFile(file)) {
                byte[] bytes = Files.readAllBytes(file);
                String name = String.format("%06d-%08x-%s", bytes.length, java.util.Arrays.hashCode(bytes), file.getFileName());
                Files.write(dir.resolve(name), bytes);
            }
        } catch (IOException ignored) {
            // keeping the case is a help, not part of the verdict
        }
    }
}
