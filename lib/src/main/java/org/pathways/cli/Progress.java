package org.pathways.cli;

import java.io.PrintStream;
import org.pathways.spectral.SpectralEngine;

/**
 * Progress of an optimisation on stderr: pass, optimiser update, loss and ETA. On a terminal the line is redrawn in
 * place; otherwise (logs, CI) a line is printed about every 10 %.
 */
final class Progress implements SpectralEngine.Listener {
    private final PrintStream out;
    private final String label;
    private final boolean terminal = System.console() != null;
    private int lastDecile = -1;

    Progress(PrintStream out, String label) {
        this.out = out;
        this.label = label;
    }

    @Override
    public void onProgress(int pass, int passes, int update, double loss, double elapsed) {
        double fraction = passes == 0 ? 1 : Math.min(1, (double) pass / passes);
        double eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : Double.NaN;
        String line = String.format(java.util.Locale.ROOT, "%s pass %d/%d  update %d  loss %.5f  %.1fs elapsed  ETA %s", label, pass, passes, update, loss, elapsed,
                Double.isFinite(eta) ? String.format(java.util.Locale.ROOT, "%.1fs", eta) : "?"); // no pass done yet: no pace to go by
        if (terminal) {
            out.print("\r" + line + (fraction >= 1 ? "\n" : ""));
            out.flush();
        } else {
            int decile = (int) Math.floor(fraction * 10);
            if (decile != lastDecile) {
                lastDecile = decile;
                out.println(line);
            }
        }
    }
}
