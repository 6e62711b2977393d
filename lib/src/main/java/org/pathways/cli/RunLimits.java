package org.pathways.cli;

import java.util.List;
import org.pathways.common.InvalidInputException;
import picocli.CommandLine.Option;

/** How much of a data set a run takes and how many images it works on at once (every {@code run} over images). */
final class RunLimits {
    @Option(names = "--limit", defaultValue = "0", description = "Only the first N images (0: all). Raising it later continues the same run.")
    int limit;

    @Option(names = "--jobs", defaultValue = "1", description = "Images processed in parallel, each worker with its own model (default: ${DEFAULT-VALUE}: DJL already uses every core).")
    int jobs;

    /** Refuses a negative limit or fewer than one job, one line each. */
    void check() {
        if (limit < 0) throw new InvalidInputException("--limit must be >= 0, got " + limit);
        if (jobs < 1) throw new InvalidInputException("--jobs must be >= 1, got " + jobs);
    }

    /** The first {@code --limit} of the ids (all with 0). */
    List<String> first(List<String> ids) {
        check();
        return limit > 0 && limit < ids.size() ? ids.subList(0, limit) : ids;
    }
}
