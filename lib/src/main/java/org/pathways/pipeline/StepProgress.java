package org.pathways.pipeline;

import java.io.PrintStream;
import java.util.Locale;

/**
 * "label i/n, elapsed, ETA" on a stream: redrawn in place on a terminal, otherwise a line about every 10 % (logs, CI,
 * notebooks), and always the last step.
 */
public final class StepProgress {
    private final PrintStream out;
    private final String label;
    private final int total;
    private final long start = System.nanoTime();
    private final boolean terminal = System.console() != null;
    private int lastDecile = -1;

    public StepProgress(PrintStream out, String label, int total) {
        this.out = out;
        this.label = label;
        this.total = total;
    }

    /** {@code done} steps of {@code total} are finished. */
    public synchronized void step(int done) {
        if (out == null) return;
        double elapsed = (System.nanoTime() - start) / 1e9;
        double fraction = total == 0 ? 1 : Math.min(1, (double) done / total);
        double eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : Double.NaN;
        String line = String.format(Locale.ROOT, "%s %d/%d  %.1fs elapsed  ETA %.1fs", label, done, total, elapsed, eta);
        if (terminal) {
            out.print("\r" + line + (done >= total ? "\n" : ""));
            out.flush();
            return;
        }
        int decile = (int) Math.floor(fraction * 10);
        if (decile != lastDecile || done >= total) {
            if (decile == lastDecile && done < total) return;
            lastDecile = decile;
            out.println(line);
        }
    }
}
