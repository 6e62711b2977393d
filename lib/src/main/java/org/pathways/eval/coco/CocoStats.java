package org.pathways.eval.coco;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.pathways.common.AtomicFiles;

/**
 * The 12 numbers of {@code COCOeval.summarize()} (AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl;
 * -1 where a setting has no ground truth) and the 12 lines it prints.
 */
public record CocoStats(double[] values, List<String> lines) {
    /** The names, in the order of {@code COCOeval.stats}. */
    public static final List<String> NAMES = List.of("AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl");

    public CocoStats {
        if (values.length != NAMES.size() || lines.size() != NAMES.size()) throw new IllegalArgumentException("12 stats and 12 lines expected");
        values = values.clone();
        lines = List.copyOf(lines);
    }

    @Override
    public double[] values() {
        return values.clone();
    }

    /** A stat by name, e.g. {@code get("AP50")}. */
    public double get(String name) {
        int i = NAMES.indexOf(name);
        if (i < 0) throw new IllegalArgumentException("no stat '" + name + "'; one of " + NAMES);
        return values[i];
    }

    /** What {@code summarize()} prints: 12 lines, each ending in a newline. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        for (String l : lines) sb.append(l).append('\n');
        return sb.toString();
    }

    /** The numbers as a JSON object with the keys of {@link #NAMES}, full double precision. */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        for (int i = 0; i < values.length; i++) o.addProperty(NAMES.get(i), values[i]);
        return o;
    }

    /** Writes {@link #toJson()} to a file (atomically). */
    public void write(Path file) throws IOException {
        String text = new GsonBuilder().setPrettyPrinting().create().toJson(toJson()) + "\n";
        AtomicFiles.write(file, tmp -> java.nio.file.Files.writeString(tmp, text));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("CocoStats[");
        for (int i = 0; i < values.length; i++) sb.append(i == 0 ? "" : ", ").append(NAMES.get(i)).append('=').append(values[i]);
        return sb.append(']').toString();
    }
}
