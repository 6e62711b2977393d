package org.pathways.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.pathways.data.NdData;
import org.pathways.data.Npy;

/**
 * Access to {@code ../shared/golden}, the outputs of the authors' code. Read in place, never copied into the repo.
 * Absent (a user's clone): golden tests are skipped. Absent under {@code CI=true}: they fail. Every comparison is
 * logged to {@code target/golden-checks.txt}, which {@code ./pathways test} counts.
 */
public final class Golden {
    private Golden() {}

    public static Path repo() {
        return Path.of(System.getProperty("pathways.repo", "..")).toAbsolutePath().normalize();
    }

    /** The golden folder, or skip (fail under CI=true) when it is absent. */
    public static Path dir(String sub) {
        String override = System.getenv("PATHWAYS_SHARED");
        Path shared = override != null ? Path.of(override) : repo().resolve("../shared").normalize();
        Path dir = shared.resolve("golden").resolve(sub);
        if (!Files.isDirectory(dir)) {
            if ("true".equals(System.getenv("CI"))) Assertions.fail("golden data missing under CI=true: " + dir);
            Assumptions.abort("golden data absent: " + dir);
        }
        return dir;
    }

    public static NdData npy(String sub, String name) {
        try {
            return Npy.read(dir(sub).resolve(name + ".npy"));
        } catch (IOException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    /** Asserts max|actual - expected| <= tol * max|expected| and records the check. */
    public static void assertClose(String what, double[] expected, double[] actual, double relTol) {
        Assertions.assertEquals(expected.length, actual.length, what + ": length");
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        double limit = relTol * Math.max(scale, 1e-300);
        record(what, worst, limit);
        Assertions.assertTrue(worst <= limit, what + ": max|diff| " + worst + " > " + limit);
    }

    /** Asserts max|actual - expected| <= absTol (absolute) and records the check. */
    public static void assertCloseAbs(String what, double[] expected, double[] actual, double absTol) {
        Assertions.assertEquals(expected.length, actual.length, what + ": length");
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs(expected[i] - actual[i]);
            if (!(d <= worst)) {
                worst = d;
                at = i;
            }
        }
        record(what, worst, absTol);
        if (!(worst <= absTol)) {
            Assertions.fail(what + ": max|diff| " + worst + " > " + absTol + " at flat index " + at + " (expected " + expected[at] + ", got " + actual[at] + ")");
        }
    }

    public static void assertClose(String what, double expected, double actual, double absTol) {
        double diff = Math.abs(expected - actual);
        record(what, diff, absTol);
        Assertions.assertTrue(diff <= absTol, what + ": expected " + expected + " got " + actual + " (diff " + diff + ")");
    }

    /** Records a check that is not a plain numeric comparison. */
    public static synchronized void record(String what, double error, double limit) {
        Path log = Path.of("target", "golden-checks.txt");
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, what + "\t" + error + "\t" + limit + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    public static double[] slice(double[] values, int from, int length) {
        double[] out = new double[length];
        System.arraycopy(values, from, out, 0, length);
        return out;
    }
}
