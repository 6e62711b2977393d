package org.pathways.pipeline;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
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
 */
public final class DatasetRunner {
    /** What one image produced: rows per table, and a few words for the progress line. */
    public record Outcome(Map<String, List<String>> rows, String note) {}

    /** The experiment's work on one item (an image with whatever its data set gives with it). */
    public interface Job<T> extends AutoCloseable {
        Outcome process(T item) throws Exception;

        @Override
        default void close() {}
    }

    /** A job on the images of a {@link LabelledImages} set. */
    public interface ImageJob extends Job<LabelledImages.LabelledImage> {}

    /** How the run went. */
    public record Summary(int processed, int skipped, int alreadyDone, double seconds) {}

    /**
     * For tests of the resume guarantee ({@code -Dpathways.testing.pauseAfter=N}): after recording its N-th image the
     * run waits until it is killed, so a test can kill it part-way at a known point instead of racing it.
     */
    private static final int PAUSE_AFTER = Integer.getInteger("pathways.testing.pauseAfter", 0);

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
    public static <T> Summary runItems(java.util.function.Function<String, T> load, List<String> ids, ResultLog log, int jobs,
                                       Supplier<? extends Job<T>> newJob, PrintStream progress, int every, ResultLog.Reader interim)
            throws IOException, InterruptedException {
        List<String> todo = new ArrayList<>();
        for (String id : ids) if (!log.isDone(id)) todo.add(id);
        int already = ids.size() - todo.size();
        if (already > 0) progress.printf("%s: %d of %d images already done, resuming%n", log.dir(), already, ids.size());
        long start = System.nanoTime();
        AtomicInteger finished = new AtomicInteger();
        AtomicInteger skipped = new AtomicInteger();
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
                        Job<T> job = perThread.get();
                        long t0 = System.nanoTime();
                        String note;
                        T sample = null;
                        try {
                            sample = load.apply(id);
                            note = null;
                        } catch (InvalidInputException e) { // a bad file is this image's problem; anything else stops the run
                            log.skip(id, e.getMessage());
                            skipped.incrementAndGet();
                            note = "skipped: " + e.getMessage();
                        }
                        if (sample != null) {
                            Outcome outcome = job.process(sample);
                            log.record(id, outcome.rows());
                            note = outcome.note();
                        }
                        int n = finished.incrementAndGet();
                        if (PAUSE_AFTER > 0 && n >= PAUSE_AFTER) {
                            while (true) Thread.sleep(60_000); // until killed (see PAUSE_AFTER)
                        }
                        double elapsed = (System.nanoTime() - start) / 1e9;
                        double eta = elapsed / n * (todo.size() - n);
                        if (every > 0 && interim != null && n % every == 0 && n < todo.size()) log.whileQuiet(interim);
                        synchronized (progress) {
                            progress.printf("[%d/%d] %s %.1fs  %s  | RSS %s  ETA %s%n", already + n, ids.size(), id, (System.nanoTime() - t0) / 1e9, note, memory(), duration(eta));
                        }
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
        log.sortTables();
        return new Summary(finished.get() - skipped.get(), skipped.get(), already, (System.nanoTime() - start) / 1e9);
    }

    /** Resident memory for the progress line, so that a long run shows whether it grows. */
    private static String memory() {
        long mib = ProcessStatus.residentMiB();
        if (mib >= 0) return mib + " MiB";
        Runtime r = Runtime.getRuntime();
        return ((r.totalMemory() - r.freeMemory()) >> 20) + " MiB heap";
    }

    static String duration(double seconds) {
        if (!Double.isFinite(seconds)) return "?";
        long s = Math.round(seconds);
        if (s < 60) return s + "s";
        if (s < 3600) return (s / 60) + "m" + String.format("%02d", s % 60) + "s";
        return (s / 3600) + "h" + String.format("%02d", (s / 60) % 60) + "m";
    }
}
