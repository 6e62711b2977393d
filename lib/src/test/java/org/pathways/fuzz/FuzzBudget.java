package org.pathways.fuzz;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * How much each fuzz property explores. In every test run: {@link #CI_TRIES} cases from a seed fixed per property, so
 * a CI failure is the same on every machine. With {@code -Dpathways.fuzz=N} ({@code ./pathways test --fuzz}): N cases
 * from a fresh seed (or {@code -Dpathways.fuzz.seed}). Either way one line per property says what was tried, also
 * appended to {@code target/fuzz-summary.txt}.
 */
public final class FuzzBudget implements AroundPropertyHook {
    static final int CI_TRIES = 1000;

    /** Registered on a test class, it reaches the class's properties. */
    @Override
    public net.jqwik.api.lifecycle.PropagationMode propagateTo() {
        return net.jqwik.api.lifecycle.PropagationMode.ALL_DESCENDANTS;
    }

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        String name = context.targetMethod().getDeclaringClass().getSimpleName() + "." + context.targetMethod().getName();
        String longRun = System.getProperty("pathways.fuzz", "");
        if (longRun.isBlank()) {
            context.attributes().setTries(CI_TRIES);
            context.attributes().setSeed(Long.toString(name.hashCode() * 0x9E3779B97F4A7C15L));
            context.attributes().setAfterFailure(AfterFailureMode.PREVIOUS_SEED); // the same fixed seed: the same cases in every run
        } else {
            context.attributes().setTries(Integer.parseInt(longRun.strip()));
            String seed = System.getProperty("pathways.fuzz.seed", "");
            context.attributes().setSeed(seed.isBlank() ? Long.toString(new java.security.SecureRandom().nextLong()) : seed);
            context.attributes().setAfterFailure(AfterFailureMode.RANDOM_SEED);
        }
        java.util.Map<String, long[]> before = Contract.snapshot();
        long start = System.nanoTime();
        PropertyExecutionResult result = property.execute();
        StringBuilder line = new StringBuilder(String.format(java.util.Locale.ROOT, "fuzz %s: %d cases, seed %s, %.1f s, %s", name,
                result.countTries(), result.seed().orElse("?"), (System.nanoTime() - start) / 1e9, result.status()));
        Contract.snapshot().forEach((reader, after) -> {
            long[] was = before.getOrDefault(reader, new long[3]);
            if (after[0] + after[1] + after[2] == was[0] + was[1] + was[2]) return;
            line.append(String.format("; %s: %d accepted, %d refused in one line, %d broke the contract",
                    reader, after[0] - was[0], after[1] - was[1], after[2] - was[2]));
        });
        System.out.println(line);
        try {
            Path summary = Path.of("target", "fuzz-summary.txt");
            Files.createDirectories(summary.getParent());
            Files.writeString(summary, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // the line is on stdout too
        }
        return result;
    }
}
