package org.pathways.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Scratch files for generated cases: one folder per JVM, one file per case, removed after the read. */
final class Scratch {
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("pathways-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Scratch() {}

    /** A fresh file holding {@code bytes}, named {@code name} (readers name it in their messages). */
    static Path write(String name, byte[] bytes) {
        try {
            Path dir = Files.createTempDirectory(DIR, "case");
            Path file = dir.resolve(name);
            Files.write(file, bytes);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void delete(Path file) {
        try (var walk = Files.walk(file.getParent())) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp folder left behind is harmless
        }
    }
}
