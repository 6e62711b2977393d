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
import org.pathways.data.InvalidInputException;
import org.pathways.data.LabelledImages;

/**
 * Runs an experiment over a data set image by image into a {@link ResultLog}: images already done are passed over,
 * an image whose files are bad is reported on one line and recorded as skipped, progress shows the pace and the ETA.
 * With {@code jobs > 1} each worker has its own {@link ImageJob} (its own model), since models cache per image.
 */
public final class DatasetRunner {
    /** What one image produced: rows per table, and a few words for the progress line. */
    public record Outcome(Map<String, List<String>> rows, String note) {}

    /** The experiment's work on one image. */
    public interface ImageJob extends AutoCloseable {
        Outcome process(LabelledImages.LabelledImage sample) throws Exception;

        @Override
        default void close() {}
    }

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
        List<ImageJob> created = java.util.Collections.synchronizedList(new ArrayList<>());
        ThreadLocal<ImageJob> perThread = ThreadLocal.withInitial(() -> {
            ImageJob job = newJob.get();
            created.add(job);
            return job;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (String id : todo) {
                futures.add(pool.submit(() -> {
                    ImageJob job = perThread.get();
                    long t0 = System.nanoTime();
                    String note = null;
                    LabelledImages.LabelledImage sample = null;
                    try {
                        sample = data.load(id);
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
                    double elapsed = (System.nanoTime() - start) / 1e9;
                    double eta = elapsed / n * (todo.size() - n);
                    if (every > 0 && interim != null && n % every == 0 && n < todo.size()) log.whileQuiet(interim);
                    synchronized (progress) {
                        progress.printf("[%d/%d] %s %.1fs  %s  | RSS %s  ETA %s%n", already + n, ids.size(), id, (System.nanoTime() - t0) / 1e9, note, memory(), duration(eta));
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
            pool.shutdownNow();
            pool.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES); // a worker may still be in a forward pass: close models after
            for (ImageJob j : created) j.close();
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
