package org.pathways.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fields of Linux's /proc/self/status (resident memory, its peak, threads), -1 elsewhere. */
public final class ProcessStatus {
    private ProcessStatus() {}

    /** A field's number, e.g. {@code VmRSS:} in KiB or {@code Threads:}; -1 where there is no /proc. */
    public static long field(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux: report -1
        }
        return -1;
    }

    /** Resident memory in MiB, -1 where unknown. */
    public static long residentMiB() {
        long kib = field("VmRSS:");
        return kib < 0 ? -1 : kib / 1024;
    }
}
