package org.pathways.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.pathways.common.InvalidInputException;
import org.pathways.eval.coco.CocoDataset;
import org.pathways.eval.coco.CocoEval;
import org.pathways.eval.coco.CocoResults;
import org.pathways.eval.coco.CocoStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code coco-eval}: COCO evaluation of a results file against a ground-truth file, as pycocotools' COCOeval computes
 * it; prints the 12 lines of {@code summarize()}.
 */
@Command(name = "coco-eval", mixinStandardHelpOptions = true,
        description = {"COCO-style evaluation matching pycocotools 2.0 (COCO.loadRes, COCOeval evaluate / accumulate / summarize): polygon and RLE "
                + "masks (compressed and uncompressed), crowd regions, the area ranges all / small / medium / large, AP at IoU .50:.05:.95, "
                + ".50 and .75, and AR at each maxDets.",
            "Prints the 12 lines summarize() prints (' Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.123', "
                + "%%0.3f); --out writes the 12 numbers (AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl; -1 where a setting "
                + "has no ground truth) as JSON at full precision.",
            "Results: a list of {image_id, category_id, score, segmentation and / or bbox}; result ids are list positions + 1. As in loadRes, "
                + "when the first result has a bbox every area is the box's w * h, even for --iou-type segm."})
final class CocoEvalCommand implements Callable<Integer> {
    @Option(names = "--gt", required = true, paramLabel = "GT.json", description = "Ground truth in COCO instances format (images, annotations, categories).")
    Path gt;

    @Option(names = "--results", required = true, paramLabel = "RES.json", description = "Detections: a JSON list of results.")
    Path results;

    @Option(names = "--iou-type", defaultValue = "segm", paramLabel = "segm|bbox", description = "IoU on masks or on boxes (default: ${DEFAULT-VALUE}).")
    String iouType;

    @Option(names = "--class-agnostic", description = "All categories as one (pycocotools' useCats = 0), as in proposal scoring.")
    boolean classAgnostic;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the 12 numbers as JSON here.")
    Path out;

    @Option(names = "--max-dets", defaultValue = "1,10,100", paramLabel = "M1,M2,M3", description = "Detections kept per image, at least three "
            + "values (default: ${DEFAULT-VALUE}). As in pycocotools, AP (the first number) is read at maxDets=100 whatever they are (-1 when 100 is not among them).")
    String maxDets;

    @Option(names = "--force", description = "Overwrite an --out file that is not a coco-eval stats file.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        CocoEval.IouType type = CocoEval.IouType.parse(iouType);
        int[] dets = parseMaxDets(maxDets);
        if (out != null) checkWritable(out, force);
        CocoEval.Params params = CocoEval.Params.defaults().withMaxDets(dets).withUseCats(!classAgnostic);
        CocoDataset g = CocoDataset.load(gt);
        CocoResults r = CocoResults.load(results, g);
        CocoStats stats = CocoEval.evaluate(g, r, type, params);
        System.out.print(stats.summary());
        System.out.flush();
        if (out != null) stats.write(out);
        return 0;
    }

    static int[] parseMaxDets(String text) {
        String[] parts = text.split(",", -1);
        int[] dets = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                dets[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new InvalidInputException("--max-dets '" + text + "': '" + parts[i] + "' is not a whole number");
            }
            if (dets[i] < 1) throw new InvalidInputException("--max-dets '" + text + "': " + dets[i] + " is not >= 1");
        }
        if (dets.length < 3) throw new InvalidInputException("--max-dets '" + text + "': give at least three values (summarize() reads three)");
        if (Arrays.stream(dets).distinct().count() != dets.length) throw new InvalidInputException("--max-dets '" + text + "': a value appears twice");
        return dets;
    }

    /** An existing --out file is replaced only when it is a stats file of ours (the 12 keys), or with --force. */
    private static void checkWritable(Path file, boolean force) {
        if (force || !Files.exists(file)) return;
        if (Files.isDirectory(file)) throw new InvalidInputException(file + ": --out is a folder, not a file");
        try {
            JsonElement e = JsonParser.parseString(Files.readString(file));
            if (e.isJsonObject()) {
                JsonObject o = e.getAsJsonObject();
                if (o.keySet().equals(new java.util.HashSet<>(CocoStats.NAMES))) return;
            }
        } catch (Exception ignored) {
            // not ours
        }
        throw new InvalidInputException(file + ": exists and is not a coco-eval stats file; choose another --out or pass --force");
    }
}
