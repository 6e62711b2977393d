package org.pathways.pipeline;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.ServiceLoader;
import org.pathways.common.InvalidInputException;

/**
 * An engine that processes a run's images on other JVMs (the spark module's, for {@code --spark MASTER}). The library
 * does not depend on it: the engine is found with {@link ServiceLoader} on the class path, which the launcher extends
 * with the module when a command asks for it. The run stays this JVM's: it opens the run folder, and records each
 * image's result through a {@link RunRecorder} as the engine hands it back; the engine only gets the images done.
 *
 * <p>Executors rebuild the run's work from {@code commandLine} (the same arguments, parsed where they run), so nothing
 * but strings crosses the wire and each executor builds its model once.
 */
public interface DistributedEngine {
    /** The engine's name, as in its option ({@code spark}). */
    String name();

    /**
     * Processes {@code recorder.todo()} on {@code master}, handing every image's result to the recorder exactly once
     * (a retried task's result counts once); when all are recorded, ends with {@link RunRecorder#finish()} (and may
     * then write the tables in its own formats). A failure that outlives the engine's retries is thrown.
     */
    DatasetRunner.Summary run(String master, List<String> commandLine, RunRecorder recorder, PrintStream progress) throws IOException, InterruptedException;

    /** The engine called {@code name}, or a one-line error saying how to get it. */
    static DistributedEngine named(String name) {
        for (DistributedEngine e : ServiceLoader.load(DistributedEngine.class)) {
            if (e.name().equals(name)) return e;
        }
        throw new InvalidInputException("--" + name + ": the " + name + " module is not on the class path; run through ./pathways, which builds spark/ on first use");
    }
}
