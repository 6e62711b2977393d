package org.pathways.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pathways.common.AtomicFiles;
import org.pathways.data.Images;
import org.pathways.eval.IouCounts;
import org.pathways.eval.PaperFigures;
import org.pathways.viz.Pictures;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Table 6 and the per-class IoU chart (paper Fig. 12) from an {@link OpenVocabSegmentation} run folder. */
public final class OpenVocabTable {
    public static final String TABLE_CSV = "table6.csv";
    public static final String TABLE_MD = "table6.md";
    public static final String FIGURE = "figure12-per-class-iou.png";

    private OpenVocabTable() {}

    /** Summed per-class counts of each method. */
    public static Map<String, IouCounts> counts(Path runDir) throws IOException {
        return ScoreRows.sum(ScoreRows.read(runDir.resolve(OpenVocabSegmentation.COUNTS.file())), r -> r[1]);
    }

    /** What a measured row is, in the table. */
    static String label(String method) {
        return switch (method) {
            case OpenVocabSegmentation.OURS -> "ours: CLIP regions + MaskCLIP's dense features";
            case OpenVocabSegmentation.OURS_VALUE_ONLY -> "ours: CLIP regions + value-only dense features";
            case OpenVocabSegmentation.PATCHES -> "MaskCLIP's dense features, every patch alone (our run; no key smoothing or prompt denoising)";
            case OpenVocabSegmentation.VALUE_ONLY_PATCHES -> "value-only dense features, every patch alone (our run)";
            default -> method;
        };
    }

    /** Our rows (measured) and the paper's rows (labelled paper). */
    static Table table6(Path runDir, Map<String, IouCounts> counts, int classes) throws IOException {
        StringColumn method = StringColumn.create("method");
        StringColumn source = StringColumn.create("source");
        IntColumn images = IntColumn.create("images");
        DoubleColumn all = DoubleColumn.create("mIoU (" + classes + " classes)");
        DoubleColumn present = DoubleColumn.create("mIoU (classes present)");
        Map<String, Integer> imageCount = new LinkedHashMap<>();
        for (String[] r : ScoreRows.read(runDir.resolve(OpenVocabSegmentation.PER_IMAGE.file()))) imageCount.merge(r[1], 1, Integer::sum);
        for (Map.Entry<String, IouCounts> e : counts.entrySet()) {
            method.append(label(e.getKey()));
            source.append("measured");
            images.append(imageCount.getOrDefault(e.getKey(), 0));
            all.append(RegionTable.round4(e.getValue().miouOver(classes)));
            present.append(RegionTable.round4(e.getValue().miou()));
        }
        for (Map.Entry<String, Double> e : new java.util.TreeMap<>(PaperFigures.TABLE6).entrySet()) {
            method.append(e.getKey());
            source.append("paper (Table 6)");
            images.append(1449);
            all.append(e.getValue());
            present.appendMissing();
        }
        return Table.create("Table 6: open-vocabulary segmentation", method, source, images, all, present);
    }

    public static Table write(Path runDir, List<String> labelNames, String description) throws IOException {
        Map<String, IouCounts> counts = counts(runDir); // read once for the table and the chart
        Table table = table6(runDir, counts, labelNames.size());
        AtomicFiles.write(runDir.resolve(TABLE_CSV), tmp -> table.write().csv(tmp.toFile()));
        String md = "# " + table.name() + "\n\n" + description + "\n\n" + RegionTable.markdown(table)
                + "\nRows marked `paper` are the paper's Table 6 (PASCAL VOC 2012 val), typed in from the paper; the others were measured by this run.\n";
        AtomicFiles.write(runDir.resolve(TABLE_MD), tmp -> Files.writeString(tmp, md, StandardCharsets.UTF_8));
        IouCounts ours = counts.get(OpenVocabSegmentation.OURS);
        if (ours != null) {
            double[] iou = new double[labelNames.size()];
            for (int c = 0; c < iou.length; c++) iou[c] = Double.isNaN(ours.iou(c)) ? 0 : ours.iou(c);
            Images.writePng(Pictures.barChart("Per-class IoU, ours with MaskCLIP's dense features (cf. paper Fig. 12)", "IoU", labelNames, iou), runDir.resolve(FIGURE));
        }
        return table;
    }
}
