package org.pathways.pipeline;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The run's side of a data-set run, whoever processes the images (this JVM's workers in {@link DatasetRunner}, or the
 * executors of a distributed engine): which images are left to do, then each {@link DatasetRunner.ImageResult} as it
 * arrives recorded into the {@link ResultLog} (rows and pictures of a finished image, or the reason a bad one was
 * skipped), the tables so far rewritten every {@code every} images, and the progress line with pace and ETA. Both
 * runners write the run folder through this one class, so their files cannot drift apart.
 */
public final class RunRecorder {
    /**
     * For tests of the resume guarantee ({@code -Dpathways.testing.pauseAfter=N}): after recording its N-th image the
     * run waits until it is killed, so a test can kill it part-way at a known point instead of racing it.
     */
    private static final int PAUSE_AFTER = Integer.getInteger("pathways.testing.pauseAfter", 0);

    private final ResultLog log;
    private final List<String> todo;
    private final int total;
    private final int already;
    private final PrintStream progress;
    private final int every;
    private final ResultLog.Reader interim;
    private final long start = System.nanoTime();
    private final AtomicInteger finished = new AtomicInteger();
    private final AtomicInteger skipped = new AtomicInteger();

    /**
     * Starts recording a run over {@code ids}; images already done in the log are left out of {@link #todo()} (and
     * said so on one line). Every {@code every} images (0: never) {@code interim} reads the log while no image is being
     * recorded.
     */
    public RunRecorder(ResultLog log, List<String> ids, PrintStream progress, int every, ResultLog.Reader interim) {
        this.log = log;
        List<String> left = new ArrayList<>();
        for (String id : ids) if (!log.isDone(id)) left.add(id);
        this.todo = List.copyOf(left);
        this.total = ids.size();
        this.already = ids.size() - left.size();
        this.progress = progress;
        this.every = every;
        this.interim = interim;
        if (already > 0) progress.printf("%s: %d of %d images already done, resuming%n", log.dir(), already, ids.size());
    }

    /** The images still to do, in the run's order. */
    public List<String> todo() {
        return todo;
    }

    public ResultLog log() {
        return log;
    }

    /** Records one image's result (safe to call from several threads) and prints its progress line. */
    public void accept(DatasetRunner.ImageResult result) throws IOException, InterruptedException {
        String note;
        if (result.skipReason() != null) { // a bad file is this image's problem: recorded, tried again by the next run
            log.skip(result.id(), result.skipReason());
            skipped.incrementAndGet();
            note = "skipped: " + result.skipReason();
        } else {
            log.record(result.id(), result.outcome().rows(), result.outcome().files());
            note = result.outcome().note();
        }
        int n = finished.incrementAndGet();
        if (PAUSE_AFTER > 0 && n >= PAUSE_AFTER) {
            while (true) Thread.sleep(60_000); // until killed (see PAUSE_AFTER)
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        double eta = elapsed / n * (todo.size() - n);
        if (every > 0 && interim != null && n % every == 0 && n < todo.size()) log.whileQuiet(interim);
        synchronized (progress) {
            progress.printf("[%d/%d] %s %.1fs  %s  | RSS %s  ETA %s%n", already + n, total, result.id(), result.seconds(), note, memory(), DatasetRunner.duration(eta));
        }
    }

    /** Sorts the tables by image id (finished runs compare equal whatever order images finished in) and sums up. */
    public DatasetRunner.Summary finish() throws IOException {
        log.sortTables();
        return new DatasetRunner.Summary(finished.get() - skipped.get(), skipped.get(), already, (System.nanoTime() - start) / 1e9);
    }

    /** Resident memory for the progress line, so that a long run shows whether it grows. */
    private static String memory() {
        long mib = ProcessStatus.residentMiB();
        if (mib >= 0) return mib + " MiB";
        Runtime r = Runtime.getRuntime();
        return ((r.totalMemory() - r.freeMemory()) >> 20) + " MiB heap";
    }
}
