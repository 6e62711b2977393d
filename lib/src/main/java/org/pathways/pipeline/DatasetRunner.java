package org.pathways.pipeline;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;
import org.pathways.common.InvalidInputException;
import org.pathways.data.LabelledImages;

/**
 * Runs an experiment over a data set image by image into a {@link ResultLog}: images already done are passed over,
 * an image whose files are bad (an {@link InvalidInputException} from the data set) is reported on one line and
 * recorded as skipped, and tried again by the next run on the folder; any other failure (a disk error, a bug, an
 * option the model refuses) stops the run. Progress shows the pace and the ETA. With {@code jobs > 1} each worker
 * has its own {@link ImageJob} (its own model). Jobs are closed only after every worker has finished its image, so a
 * model is never freed under a running native call.
 *
 * <p>The work on one image is {@link #processOne}, and what it returns is recorded by {@link RunRecorder}: a
 * distributed engine (the spark module) calls the first on its executors and the second on its driver.
 */
public final class DatasetRunner {
    /**
     * What one image produced: rows per table, a few words for the progress line, and pictures by path relative to
     * the run folder (written by whoever records the image, so that workers on other machines need no access to it).
     */
    public record Outcome(Map<String, List<String>> rows, String note, Map<String, byte[]> files) implements Serializable {
        public Outcome(Map<String, List<String>> rows, String note) {
            this(rows, note, Map.of());
        }
    }

    /** One image's result: its outcome, or why its files were bad ({@code skipReason}); seconds it took. */
    public record ImageResult(String id, Outcome outcome, String skipReason, double seconds) implements Serializable {}

    /** The experiment's work on one item (an image with whatever its data set gives with it). */
    public interface Job<T> extends AutoCloseable {
        Outcome process(T item) throws Exception;

        @Override
        default void close() {}
    }

    /** A job on the images of a {@link LabelledImages} set. */
    public interface ImageJob extends Job<LabelledImages.LabelledImage> {}

    /** A run's work: how to read the item of an id (an {@link InvalidInputException} skips it), and a new job (its own model). */
    public record Work<T>(Function<String, T> load, Supplier<? extends Job<T>> newJob) {}

    /** How the run went. */
    public record Summary(int processed, int skipped, int alreadyDone, double seconds) {}

    private DatasetRunner() {}

    public static Summary run(LabelledImages data, List<String> ids, ResultLog log, int jobs, Supplier<ImageJob> newJob, PrintStream progress)
            throws IOException, InterruptedException {
        return run(data, ids, log, jobs, newJob, progress, 0, null);
    }

    /**
     * As above, and every {@code every} images (0: never) hands the log to {@code interim} while no image is being
     * recorded, e.g. to rewrite the tables so far during a run of hours.
     */
    public static Summary run(LabelledImages data, List<String> ids, ResultLog log, int jobs, Supplier<ImageJob> newJob, PrintStream progress,
                              int every, ResultLog.Reader interim) throws IOException, InterruptedException {
        return runItems(data::load, ids, log, jobs, newJob, progress, every, interim);
    }

    /**
     * The runner for any data set: {@code load} reads the item of an id (an {@link InvalidInputException} skips it),
     * the rest as above.
     */
    public static <T> Summary runItems(Function<String, T> load, List<String> ids, ResultLog log, int jobs,
                                       Supplier<? extends Job<T>> newJob, PrintStream progress, int every, ResultLog.Reader interim)
            throws IOException, InterruptedException {
        RunRecorder recorder = new RunRecorder(log, ids, progress, every, interim);
        List<String> todo = recorder.todo();
        int workers = Math.max(1, Math.min(jobs, todo.size()));
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "pathways-image");
            t.setDaemon(true);
            return t;
        });
        List<Job<T>> created = java.util.Collections.synchronizedList(new ArrayList<>());
        ThreadLocal<Job<T>> perThread = ThreadLocal.withInitial(() -> {
            Job<T> job = newJob.get();
            created.add(job);
            return job;
        });
        List<Future<?>> futures = new ArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
        try {
            for (String id : todo) {
                futures.add(pool.submit(() -> {
                    if (failed.get()) return null; // another image failed: the run is stopping
                    try {
                        recorder.accept(processOne(load, perThread.get(), id));
                    } catch (Exception | Error e) {
                        failed.set(true);
                        throw e;
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException re) throw re;
                    if (cause instanceof IOException io) throw io;
                    throw new IllegalStateException(cause);
                }
            }
        } finally {
            for (Future<?> f : futures) f.cancel(false); // images not started yet are dropped; running ones finish
            pool.shutdown();
            while (!pool.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES)) {
                progress.println("waiting for the images in progress to finish before the models are closed...");
            }
            for (Job<T> j : created) j.close();
        }
        return recorder.finish();
    }

    /**
     * The work on one image, wherever it runs: reads its item (bad files: an {@link ImageResult} that says why, not an
     * exception) and processes it. Any other failure is thrown: it stops a local run, and a distributed engine retries it.
     */
    public static <T> ImageResult processOne(Function<String, T> load, Job<T> job, String id) throws Exception {
        long t0 = System.nanoTime();
        T item;
        try {
            item = load.apply(id);
        } catch (InvalidInputException e) {
            return new ImageResult(id, null, e.getMessage(), (System.nanoTime() - t0) / 1e9);
        }
        Outcome outcome = job.process(item);
        return new ImageResult(id, outcome, null, (System.nanoTime() - t0) / 1e9);
    }

    static String duration(double seconds) {
        if (!Double.isFinite(seconds)) return "?";
        long s = Math.round(seconds);
        if (s < 60) return s + "s";
        if (s < 3600) return (s / 60) + "m" + String.format("%02d", s % 60) + "s";
        return (s / 3600) + "h" + String.format("%02d", (s / 60) % 60) + "m";
    }
}
