package org.pathways.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.pathways.eval.IouCounts;

/**
 * The two tables every scored experiment writes, and reading them back: one row per image, method and k
 * ({@link #PER_IMAGE}), and per-label intersections and unions ({@link #counts}), from which data-set mIoU is summed.
 */
public final class ScoreRows {
    public static final ResultLog.Table PER_IMAGE = new ResultLog.Table("per-image.csv", "image_id,method,k,selected,miou,seconds");

    private ScoreRows() {}

    /** A counts table under its own file name. */
    public static ResultLog.Table counts(String file) {
        return new ResultLog.Table(file, "image_id,method,k,label,intersection,union");
    }

    /** One {@link #PER_IMAGE} row. */
    static String perImage(String id, String method, int k, boolean selected, double miou, double seconds) {
        return String.format(Locale.ROOT, "%s,%s,%d,%s,%.6f,%.3f", id, method, k, selected, miou, seconds);
    }

    /** The counts rows of one image, method and k: one per label with a non-empty union. */
    static void addCounts(List<String> rows, String id, String method, int k, IouCounts iou) {
        for (int label = 0; label < 256; label++) {
            if (iou.union(label) > 0) rows.add(String.format(Locale.ROOT, "%s,%s,%d,%d,%d,%d", id, method, k, label, iou.intersection(label), iou.union(label)));
        }
    }

    /** A table's rows split into cells, header left out; a row with the wrong number of cells is skipped. */
    static List<String[]> read(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        int columns = lines.isEmpty() ? 0 : lines.get(0).split(",", -1).length;
        return lines.subList(Math.min(1, lines.size()), lines.size()).stream().map(l -> l.split(",", -1)).filter(c -> c.length == columns).toList();
    }

    /** Counts rows summed per key (rows whose key is null are left out), in the order keys first appear. */
    static Map<String, IouCounts> sum(List<String[]> countRows, Function<String[], String> key) {
        Map<String, IouCounts> out = new LinkedHashMap<>();
        for (String[] r : countRows) {
            String k = key.apply(r);
            if (k != null) out.computeIfAbsent(k, x -> new IouCounts()).add(Integer.parseInt(r[3]), Long.parseLong(r[4]), Long.parseLong(r[5]));
        }
        return out;
    }
}
