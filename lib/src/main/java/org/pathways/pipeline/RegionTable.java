package org.pathways.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.pathways.baseline.Baselines;
import org.pathways.common.AtomicFiles;
import org.pathways.data.Images;
import org.pathways.eval.IouCounts;
import org.pathways.eval.PaperFigures;
import org.pathways.viz.Pictures;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Table 1 and Figure 4 from a {@link RegionQuality} run folder: per method, the data-set oracle mIoU at the k the
 * method selects (intersections and unions summed over images), the mean of the per-image values, and the paper's
 * figure for the same backbone and method; and mIoU against k for every method.
 */
public final class RegionTable {
    public static final String TABLE_CSV = "table1.csv";
    public static final String TABLE_MD = "table1.md";
    public static final String FIGURE = "figure4.png";

    private RegionTable() {}

    /**
     * How the paper's Table 1 names a method's affinity source and decoding; {@code features} says which final-layer
     * features the feature baselines used ("keys" or "final", from run.json), and an Ncut row shows its E.
     */
    static String[] describe(String method, String features) {
        String finalFeatures = "Final Features (" + switch (features) {
            case "final" -> "final tokens";
            case "cells" -> "cell colour and position";
            default -> "last-block keys";
        } + ")";
        String base = Baselines.baseName(method);
        String e = method.equals(base) ? "" : " (E = " + method.substring(base.length() + 1) + ")";
        return switch (base) {
            case RegionQuality.OURS -> new String[] {"All Attentions", "Ours + K-Means"};
            case Baselines.KMEANS_FEATURES -> new String[] {finalFeatures, "K-Means"};
            case Baselines.NCUT_FEATURES -> new String[] {finalFeatures, "Ncut + K-Means" + e};
            case Baselines.NCUT_ATTENTION -> new String[] {"Final Attentions (head mean)", "Ncut + K-Means" + e};
            case Baselines.TOKENCUT_FEATURES -> new String[] {finalFeatures, "TokenCut"};
            case Baselines.MASKCUT_FEATURES -> new String[] {finalFeatures, "MaskCut"};
            default -> new String[] {"?", method};
        };
    }

    /** The table of a run folder, methods in the order they first appear. */
    static Table table1(List<String[]> perImage, List<String[]> counts, String backbone, String features) {
        Set<String> selectedKeys = new HashSet<>();
        Map<String, double[]> sums = new LinkedHashMap<>(); // method -> images, sum miou, sum k, sum seconds, images with a miou
        for (String[] r : perImage) {
            if (!Boolean.parseBoolean(r[3])) continue;
            selectedKeys.add(r[0] + "," + r[1] + "," + r[2]);
            double[] s = sums.computeIfAbsent(r[1], m -> new double[5]);
            s[0]++;
            if (!r[4].equals("NaN")) { // an image whose pixels are all ignored has no mIoU
                s[1] += Double.parseDouble(r[4]);
                s[4]++;
            }
            s[2] += Integer.parseInt(r[2]);
            s[3] += Double.parseDouble(r[5]);
        }
        Map<String, IouCounts> selectedCounts = ScoreRows.sum(counts, r -> selectedKeys.contains(r[0] + "," + r[1] + "," + r[2]) ? r[1] : null);
        StringColumn model = StringColumn.create("Model");
        StringColumn source = StringColumn.create("Affinity source");
        StringColumn mask = StringColumn.create("Mask");
        StringColumn method = StringColumn.create("method");
        IntColumn images = IntColumn.create("images");
        DoubleColumn miou = DoubleColumn.create("mIoU (data set)");
        DoubleColumn meanImage = DoubleColumn.create("mIoU (mean per image)");
        DoubleColumn meanK = DoubleColumn.create("mean k");
        DoubleColumn seconds = DoubleColumn.create("s per image");
        DoubleColumn paper = DoubleColumn.create("paper mIoU");
        for (Map.Entry<String, double[]> e : sums.entrySet()) {
            double[] s = e.getValue();
            String[] d = describe(e.getKey(), features);
            model.append(backbone);
            source.append(d[0]);
            mask.append(d[1]);
            method.append(e.getKey());
            images.append((int) s[0]);
            IouCounts c = selectedCounts.get(e.getKey());
            miou.append(round4(c == null ? Double.NaN : c.miou()));
            meanImage.append(round4(s[1] / s[4]));
            meanK.append(round4(s[2] / s[0]));
            seconds.append(round4(s[3] / s[0]));
            Double p = PaperFigures.table1(backbone, e.getKey()); // the paper's rows are at its own E: only the default name matches
            if (p == null) paper.appendMissing();
            else paper.append(p);
        }
        return Table.create("Table 1: oracle mIoU, " + backbone, model, source, mask, method, images, miou, meanImage, meanK, seconds, paper);
    }

    /** Data-set oracle mIoU at every k, per method: method -> {ks, mious} (paper Fig. 4). */
    static Map<String, double[][]> miouByK(List<String[]> counts) {
        Map<String, TreeMap<Integer, IouCounts>> byMethod = new LinkedHashMap<>();
        ScoreRows.sum(counts, r -> r[1] + "," + r[2]).forEach((key, c) -> {
            int comma = key.lastIndexOf(',');
            byMethod.computeIfAbsent(key.substring(0, comma), m -> new TreeMap<>()).put(Integer.parseInt(key.substring(comma + 1)), c);
        });
        Map<String, double[][]> out = new LinkedHashMap<>();
        for (Map.Entry<String, TreeMap<Integer, IouCounts>> e : byMethod.entrySet()) {
            double[] ks = e.getValue().keySet().stream().mapToDouble(Integer::doubleValue).toArray();
            double[] mious = e.getValue().values().stream().mapToDouble(IouCounts::miou).toArray();
            out.put(e.getKey(), new double[][] {ks, mious});
        }
        return out;
    }

    /**
     * Writes table1.csv, table1.md and figure4.png into the run folder. Fixed-k methods (TokenCut, MaskCut) appear in
     * the figure at each k their masks produced.
     */
    public static Table write(Path runDir, String backbone, String datasetDescription) throws IOException {
        List<String[]> counts = ScoreRows.read(runDir.resolve(RegionQuality.COUNTS.file())); // read once for the table and the figure
        String features = backbone.equals("pixels") ? "cells" : baselineFeatures(runDir); // pixels has no keys
        Table table = table1(ScoreRows.read(runDir.resolve(RegionQuality.PER_IMAGE.file())), counts, backbone, features);
        AtomicFiles.write(runDir.resolve(TABLE_CSV), tmp -> table.write().csv(tmp.toFile()));
        String md = "# " + table.name() + "\n\n" + datasetDescription + "\n\n" + markdown(table)
                + "\n`paper mIoU`: the paper's Table 1 (PASCAL VOC 2012 val, 1449 images), typed in from the paper; every other number was measured by this run.\n";
        AtomicFiles.write(runDir.resolve(TABLE_MD), tmp -> Files.writeString(tmp, md, StandardCharsets.UTF_8));
        Map<String, double[][]> byK = miouByK(counts);
        Map<String, double[][]> labelled = new LinkedHashMap<>();
        byK.forEach((m, v) -> labelled.put(describe(m, features)[1] + " (" + describe(m, features)[0].toLowerCase() + ")", v));
        Images.writePng(Pictures.lineChart("Oracle mIoU against k, " + backbone, "k (clusters)", "oracle mIoU (data set)", labelled), runDir.resolve(FIGURE));
        writeSensitivity(runDir, table, backbone);
        return table;
    }

    /** The figure of an Ncut eigenvector sweep: data-set mIoU against E per Ncut method. */
    public static final String SENSITIVITY = "ncut-eigenvectors.png";

    /** Draws {@link #SENSITIVITY} when the run scored an Ncut method at two or more E. */
    private static void writeSensitivity(Path runDir, Table table, String backbone) throws IOException {
        Map<String, TreeMap<Integer, Double>> byMethod = new LinkedHashMap<>();
        for (int r = 0; r < table.rowCount(); r++) {
            String method = table.stringColumn("method").get(r);
            int colon = method.indexOf(':');
            if (colon < 0) continue;
            byMethod.computeIfAbsent(method.substring(0, colon), m -> new TreeMap<>())
                    .put(Integer.parseInt(method.substring(colon + 1)), table.doubleColumn("mIoU (data set)").getDouble(r));
        }
        Map<String, double[][]> series = new LinkedHashMap<>();
        byMethod.forEach((m, v) -> {
            if (v.size() >= 2) series.put(m, new double[][] {v.keySet().stream().mapToDouble(Integer::doubleValue).toArray(), v.values().stream().mapToDouble(Double::doubleValue).toArray()});
        });
        if (series.isEmpty()) return;
        Images.writePng(Pictures.lineChart("Ncut + K-Means against its eigenvector count E, " + backbone, "E (eigenvectors)", "oracle mIoU (data set)", series),
                runDir.resolve(SENSITIVITY));
    }

    /** The feature baselines' features recorded in a run folder's run.json ("keys" when absent). */
    static String baselineFeatures(Path runDir) throws IOException {
        Path config = runDir.resolve(ResultLog.CONFIG);
        if (!Files.isRegularFile(config)) return "keys";
        var json = org.pathways.common.JsonFiles.readObject(config);
        return json.has("baselineFeatures") ? json.get("baselineFeatures").getAsString() : "keys";
    }

    /** A Tablesaw table as a GitHub Markdown table (numbers to 3 decimals, missing as "-"). */
    public static String markdown(Table table) {
        StringBuilder s = new StringBuilder("|");
        for (String name : table.columnNames()) s.append(' ').append(name).append(" |");
        s.append("\n|");
        for (int i = 0; i < table.columnCount(); i++) s.append(table.column(i) instanceof StringColumn ? "---|" : "---:|");
        s.append('\n');
        for (int r = 0; r < table.rowCount(); r++) {
            s.append('|');
            for (int c = 0; c < table.columnCount(); c++) {
                var col = table.column(c);
                String cell;
                if (col.isMissing(r)) cell = "-";
                else if (col instanceof DoubleColumn dc) cell = String.format(java.util.Locale.ROOT, "%.3f", dc.getDouble(r));
                else cell = col.getString(r);
                s.append(' ').append(cell).append(" |");
            }
            s.append('\n');
        }
        return s.toString();
    }

    /** Four decimals are all a table needs (the raw per-image values stay in the CSV files). */
    static double round4(double v) {
        return Double.isFinite(v) ? Math.round(v * 1e4) / 1e4 : v;
    }
}
