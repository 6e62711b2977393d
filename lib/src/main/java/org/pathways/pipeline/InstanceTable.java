package org.pathways.pipeline;

import com.google.gson.JsonArray;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.pathways.common.AtomicFiles;
import org.pathways.eval.PaperFigures;
import org.pathways.eval.coco.CocoDataset;
import org.pathways.eval.coco.CocoEval;
import org.pathways.eval.coco.CocoResults;
import org.pathways.eval.coco.CocoStats;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Table 7 from a run folder of {@code run instances}: per method, the COCO results file of the masks so far
 * ({@code results-<method>.json}, COCO's results format) and its class-agnostic evaluation against the annotation
 * file, restricted to the images the run has done (COCOeval's {@code params.imgIds}), both as boxes and as masks; the
 * columns of the paper's Table 7 (masks per image, box AP50 / AP75 / AR100, mask AP50 / AP75 / AR100, in percent),
 * the paper's rows beside ours, marked {@code paper}.
 */
public final class InstanceTable {
    public static final String TABLE_CSV = "table7.csv";
    public static final String TABLE_MD = "table7.md";
    private static final Map<String, String> NAMES = Map.of(InstanceSegmentation.OURS, "Ours", InstanceSegmentation.TOKENCUT, "TokenCut",
            InstanceSegmentation.MASKCUT, "MaskCut");

    private InstanceTable() {}

    /** The file of a method's detections in COCO's results format. */
    public static String resultsFile(String method) {
        return "results-" + method + ".json";
    }

    /**
     * Writes the results files, {@link #TABLE_CSV} and {@link #TABLE_MD} into {@code dir} from its detections and mask
     * counts, and returns the table. {@code note} says what the numbers are from (a bold warning for a generated set).
     */
    public static Table write(Path dir, Path annotations, List<String> methods, String note) throws IOException {
        return write(dir, CocoDataset.load(annotations), methods, note);
    }

    /** As above with the ground truth already loaded (a run rewrites the table every 25 images: it reads the file once). */
    public static Table write(Path dir, CocoDataset gt, List<String> methods, String note) throws IOException {
        Map<String, List<String[]>> byMethod = new LinkedHashMap<>();
        for (String m : methods) byMethod.put(m, new ArrayList<>());
        Set<Long> images = new LinkedHashSet<>();
        Map<String, double[]> counts = new HashMap<>(); // method -> {images, masks}
        for (String[] row : rows(dir.resolve(InstanceSegmentation.COUNTS.file()))) {
            images.add(Long.parseLong(row[0]));
            double[] c = counts.computeIfAbsent(row[1], k -> new double[2]);
            c[0]++;
            c[1] += Integer.parseInt(row[2]);
        }
        for (String[] row : rows(dir.resolve(InstanceSegmentation.DETECTIONS.file()))) {
            if (byMethod.containsKey(row[1])) byMethod.get(row[1]).add(row);
        }
        StringColumn method = StringColumn.create("method");
        StringColumn source = StringColumn.create("source");
        Map<String, DoubleColumn> columns = new LinkedHashMap<>();
        for (String c : PaperFigures.TABLE7_COLUMNS) columns.put(c, DoubleColumn.create(c));
        for (String m : methods) {
            JsonArray results = new JsonArray();
            for (String[] r : byMethod.get(m)) { // image_id,method,rank,score,height,width,counts
                results.add(InstanceMasks.result(Long.parseLong(r[0]), Double.parseDouble(r[3]), Integer.parseInt(r[4]), Integer.parseInt(r[5]), r[6]));
            }
            String text = results.toString();
            AtomicFiles.write(dir.resolve(resultsFile(m)), tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
            if (images.isEmpty()) continue;
            long[] ids = images.stream().mapToLong(Long::longValue).sorted().toArray();
            CocoEval.Params params = CocoEval.Params.defaults().classAgnostic().withImageIds(ids);
            CocoResults loaded = CocoResults.fromJson(results, dir.resolve(resultsFile(m)).toString(), gt);
            CocoStats box = CocoEval.evaluate(gt, loaded, CocoEval.IouType.BBOX, params);
            CocoStats mask = CocoEval.evaluate(gt, loaded, CocoEval.IouType.SEGM, params);
            double[] c = counts.getOrDefault(m, new double[] {1, 0});
            method.append(NAMES.getOrDefault(m, m));
            source.append("this run");
            columns.get("masks").append(c[1] / Math.max(1, c[0]));
            columns.get("box_ap50").append(percent(box.get("AP50")));
            columns.get("box_ap75").append(percent(box.get("AP75")));
            columns.get("box_ar100").append(percent(box.get("AR100")));
            columns.get("mask_ap50").append(percent(mask.get("AP50")));
            columns.get("mask_ap75").append(percent(mask.get("AP75")));
            columns.get("mask_ar100").append(percent(mask.get("AR100")));
        }
        for (PaperFigures.Row row : PaperFigures.TABLE7) {
            method.append(row.method());
            source.append("paper");
            for (String c : PaperFigures.TABLE7_COLUMNS) columns.get(c).append(row.values().get(c));
        }
        Table table = Table.create("table7", method, source);
        for (DoubleColumn c : columns.values()) table.addColumns(c);
        AtomicFiles.write(dir.resolve(TABLE_CSV), tmp -> table.write().csv(tmp.toFile()));
        String md = markdown(table, images.size(), note);
        AtomicFiles.write(dir.resolve(TABLE_MD), tmp -> Files.writeString(tmp, md, StandardCharsets.UTF_8));
        return table;
    }

    /** -1 (no ground truth in a range) stays -1; otherwise a fraction as percent. */
    private static double percent(double v) {
        return v < 0 ? v : 100 * v;
    }

    /** The rows of one of the run's tables (none before its first image). */
    private static List<String[]> rows(Path csv) throws IOException {
        return Files.isRegularFile(csv) ? ScoreRows.read(csv) : List.of();
    }

    /** The table as Markdown: ours first, then the paper's rows, marked. */
    public static String markdown(Table table, int images, String note) {
        StringBuilder md = new StringBuilder("# Table 7: class-agnostic instance segmentation (COCO val2017 protocol)\n\n");
        md.append(note).append("\n\n").append(images).append(" images evaluated. Box and mask AP50, AP75 and AR100 in percent; #masks per image. ")
                .append("MaskCut's scores are 1 - 0.01 x rank (our assumption); rows marked paper are the paper's figures.\n\n");
        md.append("| method | source | #masks | box AP50 | box AP75 | box AR100 | mask AP50 | mask AP75 | mask AR100 |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        for (int r = 0; r < table.rowCount(); r++) {
            md.append("| ").append(table.stringColumn("method").get(r)).append(" | ").append(table.stringColumn("source").get(r));
            for (String c : PaperFigures.TABLE7_COLUMNS) {
                md.append(" | ").append(String.format(Locale.ROOT, "%.1f", table.doubleColumn(c).get(r)));
            }
            md.append(" |\n");
        }
        return md.toString();
    }
}
