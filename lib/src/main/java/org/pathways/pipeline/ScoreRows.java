package org.pathways.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.pathways.common.InvalidInputException;
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

    /** Columns that hold integers, and columns that hold numbers, in every table a run writes. */
    private static final Set<String> INTEGER_COLUMNS = Set.of("k", "label", "intersection", "union", "rank", "height", "width", "masks");
    private static final Set<String> NUMBER_COLUMNS = Set.of("miou", "seconds", "score");

    /**
     * A table's rows split into cells, header left out; a row with the wrong number of cells is skipped (a line torn
     * by a kill), a row whose number does not parse is refused in one line naming the file and line.
     */
    static List<String[]> read(Path csv) throws IOException {
        List<String> lines = ResultLog.text(csv).lines().toList();
        if (lines.isEmpty()) return List.of();
        String[] header = lines.get(0).split(",", -1);
        List<String[]> rows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",", -1);
            if (cells.length != header.length) continue;
            for (int c = 0; c < cells.length; c++) {
                boolean integer = INTEGER_COLUMNS.contains(header[c]);
                if (!integer && !NUMBER_COLUMNS.contains(header[c])) continue;
                // pixel counts are longs, the other integers ints
                String digits = header[c].equals("intersection") || header[c].equals("union") ? "\\d{1,18}" : "\\d{1,9}";
                if (!(integer ? cells[c].matches(digits) : parses(cells[c]))) {
                    throw new InvalidInputException(csv + ":" + (i + 1) + ": column " + header[c] + " holds '" + InvalidInputException.printable(cells[c])
                            + "', not " + (integer ? "a non-negative integer" : "a number") + " (a damaged results table; remove the run folder to compute it again)");
                }
            }
            int label = java.util.Arrays.asList(header).indexOf("label");
            if (label >= 0 && Integer.parseInt(cells[label]) > 255) {
                throw new InvalidInputException(csv + ":" + (i + 1) + ": label " + cells[label] + " is not a class id 0..255");
            }
            rows.add(cells);
        }
        return rows;
    }

    private static boolean parses(String number) {
        try {
            Double.parseDouble(number);
            return !number.isBlank();
        } catch (NumberFormatException e) {
            return false;
        }
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
