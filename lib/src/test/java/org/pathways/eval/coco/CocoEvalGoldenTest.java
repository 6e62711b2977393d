package org.pathways.eval.coco;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.pathways.eval.coco.RleGoldenTest.doubles;
import static org.pathways.eval.coco.RleGoldenTest.exact;
import static org.pathways.eval.coco.RleGoldenTest.json;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pathways.data.NdData;
import org.pathways.testing.Golden;

/**
 * COCOeval against pycocotools 2.0.11 on the golden cases ({@code ../shared/golden/coco}): IoU matrices and per-image
 * matches exactly, precision / recall / scores arrays, the 12 stats to 1e-12 and the printed summary exactly, for
 * segm, bbox, segm results that carry a bbox field, the maxDets truncation case and its maxDets 1,10,1000 control.
 */
class CocoEvalGoldenTest {
    private static CocoEval run(String sub, String preds, CocoEval.IouType type, CocoEval.Params params) {
        Path dir = Golden.dir(sub);
        CocoDataset gt = CocoDataset.load(dir.resolve("gt.json"));
        return CocoEval.run(gt, CocoResults.load(dir.resolve(preds), gt), type, params);
    }

    private static long[] longs(JsonElement e) {
        return Arrays.stream(doubles(e)).mapToLong(v -> (long) v).toArray();
    }

    private static double[] flat(JsonElement e) {
        JsonArray rows = e.getAsJsonArray();
        if (rows.isEmpty()) return new double[0];
        return rows.asList().stream().flatMapToDouble(r -> Arrays.stream(doubles(r))).toArray();
    }

    private static double[] flat(long[][] m) {
        return Arrays.stream(m).flatMapToDouble(r -> Arrays.stream(r).asDoubleStream()).toArray();
    }

    private static double[] flat(boolean[][] m) {
        return Arrays.stream(m).flatMapToDouble(r -> {
            double[] d = new double[r.length];
            for (int i = 0; i < r.length; i++) d[i] = r[i] ? 1 : 0;
            return Arrays.stream(d);
        }).toArray();
    }

    private static double[] ones(boolean[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i] ? 1 : 0;
        return d;
    }

    private static double[] asDoubles(long[] v) {
        return Arrays.stream(v).asDoubleStream().toArray();
    }

    // ---------------------------------------------------------------- IoUs

    @Test
    void iousOfTheMainCaseAreExact() throws Exception {
        checkIous("coco", "segm", run("coco", "preds_segm.json", CocoEval.IouType.SEGM, CocoEval.Params.defaults()));
        checkIous("coco", "bbox", run("coco", "preds_bbox.json", CocoEval.IouType.BBOX, CocoEval.Params.defaults()));
    }

    @Test
    void iousOfTheTruncationCaseAreExact() throws Exception {
        checkIous("coco/truncation", "segm", run("coco/truncation", "preds_segm.json", CocoEval.IouType.SEGM, CocoEval.Params.defaults()));
        checkIous("coco/truncation", "bbox", run("coco/truncation", "preds_bbox.json", CocoEval.IouType.BBOX, CocoEval.Params.defaults()));
    }

    private void checkIous(String sub, String type, CocoEval e) throws Exception {
        JsonObject all = json(Golden.dir(sub).resolve("ious.json")).getAsJsonObject(type);
        assertEquals(e.imageIds().length, all.size());
        for (String image : all.keySet()) {
            JsonObject x = all.getAsJsonObject(image);
            String what = sub + " ious " + type + " image " + image;
            CocoEval.IouMatrix m = e.iou(Long.parseLong(image), 1);
            assertNotNull(m, what);
            Golden.assertCloseAbs(what + " rows (dt ids by score)", asDoubles(longs(x.get("rows_dtIds_sorted_by_score"))), asDoubles(m.dtIds()), 0);
            Golden.assertCloseAbs(what + " row scores", doubles(x.get("rows_scores")), m.dtScores(), 0);
            Golden.assertCloseAbs(what + " columns (gt ids)", asDoubles(longs(x.get("cols_gtIds"))), asDoubles(m.gtIds()), 0);
            Golden.assertCloseAbs(what + " iscrowd", doubles(x.get("cols_iscrowd")), ones(m.gtCrowd()), 0);
            double[] expected = flat(x.get("iou"));
            double[] actual = Arrays.stream(m.iou()).flatMapToDouble(Arrays::stream).toArray();
            Golden.assertCloseAbs(what + " iou", expected, actual, 0);
        }
    }

    // ---------------------------------------------------------------- evaluateImg

    @Test
    void perImageMatchesOfTheMainCaseAreExact() throws Exception {
        checkEvalImgs("coco", "segm", run("coco", "preds_segm.json", CocoEval.IouType.SEGM, CocoEval.Params.defaults()));
        checkEvalImgs("coco", "bbox", run("coco", "preds_bbox.json", CocoEval.IouType.BBOX, CocoEval.Params.defaults()));
    }

    @Test
    void perImageMatchesOfTheTruncationCaseAreExact() throws Exception {
        checkEvalImgs("coco/truncation", "segm", run("coco/truncation", "preds_segm.json", CocoEval.IouType.SEGM, CocoEval.Params.defaults()));
        checkEvalImgs("coco/truncation", "bbox", run("coco/truncation", "preds_bbox.json", CocoEval.IouType.BBOX, CocoEval.Params.defaults()));
    }

    private void checkEvalImgs(String sub, String type, CocoEval e) throws Exception {
        JsonArray expected = json(Golden.dir(sub).resolve("eval_imgs.json")).getAsJsonArray(type);
        List<CocoEval.ImageEval> actual = e.evalImgs();
        exact(sub + " evalImgs " + type + " count", expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            String what = sub + " evalImgs " + type + " [" + i + "]";
            if (expected.get(i).isJsonNull()) {
                assertNull(actual.get(i), what);
                Golden.record(what + " null", 0, 0);
                continue;
            }
            JsonObject x = expected.get(i).getAsJsonObject();
            CocoEval.ImageEval a = actual.get(i);
            assertNotNull(a, what);
            exact(what + " image_id", x.get("image_id").getAsLong(), a.imageId());
            Golden.assertCloseAbs(what + " aRng", doubles(x.get("aRng")), a.areaRange(), 0);
            exact(what + " maxDet", x.get("maxDet").getAsInt(), a.maxDet());
            Golden.assertCloseAbs(what + " dtIds", asDoubles(longs(x.get("dtIds"))), asDoubles(a.dtIds()), 0);
            Golden.assertCloseAbs(what + " gtIds", asDoubles(longs(x.get("gtIds"))), asDoubles(a.gtIds()), 0);
            Golden.assertCloseAbs(what + " dtScores", doubles(x.get("dtScores")), a.dtScores(), 0);
            Golden.assertCloseAbs(what + " gtIgnore", doubles(x.get("gtIgnore")), ones(a.gtIgnore()), 0);
            Golden.assertCloseAbs(what + " dtMatches", flat(x.get("dtMatches")), flat(a.dtMatches()), 0);
            Golden.assertCloseAbs(what + " gtMatches", flat(x.get("gtMatches")), flat(a.gtMatches()), 0);
            Golden.assertCloseAbs(what + " dtIgnore", flat(x.get("dtIgnore")), flat(a.dtIgnore()), 0);
        }
    }

    // ---------------------------------------------------------------- accumulate

    @Test
    void precisionRecallAndScoresArrays() {
        for (String sub : new String[] {"coco", "coco/truncation"}) {
            for (String type : new String[] {"segm", "bbox"}) {
                CocoEval e = run(sub, "preds_" + type + ".json", CocoEval.IouType.parse(type), CocoEval.Params.defaults());
                NdData precision = Golden.npy(sub, "precision_" + type);
                assertArrayEquals(precision.shape(), e.precisionShape(), sub + " precision shape");
                Golden.assertCloseAbs(sub + " precision " + type, precision.values(), e.precision(), 1e-12);
                Golden.assertCloseAbs(sub + " recall " + type, Golden.npy(sub, "recall_" + type).values(), e.recall(), 1e-12);
                if (sub.equals("coco")) Golden.assertCloseAbs(sub + " scores " + type, Golden.npy(sub, "scores_" + type).values(), e.scores(), 1e-12);
            }
        }
    }

    // ---------------------------------------------------------------- summarize

    static void checkStats(String what, JsonObject expected, CocoStats actual) {
        Golden.assertCloseAbs(what + " stats", doubles(expected.get("stats")), actual.values(), 1e-12);
        // and to the bit: the means sum as numpy does (pairwise), not in order nor compensated
        Golden.assertCloseAbs(what + " stats bit-exact", doubles(expected.get("stats")), actual.values(), 0);
        JsonObject named = expected.getAsJsonObject("named");
        for (String name : CocoStats.NAMES) Golden.assertClose(what + " " + name, named.get(name).getAsDouble(), actual.get(name), 1e-12);
        List<String> lines = expected.getAsJsonArray("summarize_stdout").asList().stream().map(JsonElement::getAsString).toList();
        exact(what + " summarize stdout", lines, actual.lines());
    }

    @Test
    void statsAndSummaryOfTheMainCase() throws Exception {
        JsonObject main = json(Golden.dir("coco").resolve("values.json")).getAsJsonObject("main");
        checkStats("coco main segm", main.getAsJsonObject("segm"),
                CocoEval.evaluate(load("coco"), results("coco", "preds_segm.json"), CocoEval.IouType.SEGM, CocoEval.Params.defaults()));
        checkStats("coco main bbox", main.getAsJsonObject("bbox"),
                CocoEval.evaluate(load("coco"), results("coco", "preds_bbox.json"), CocoEval.IouType.BBOX, CocoEval.Params.defaults()));
        // loadRes' bbox branch: area = box w*h for the area ranges, IoU still on the masks
        checkStats("coco main segm_results_with_bbox_field", main.getAsJsonObject("segm_results_with_bbox_field"),
                CocoEval.evaluate(load("coco"), results("coco", "preds_segm_with_bbox_field.json"), CocoEval.IouType.SEGM, CocoEval.Params.defaults()));
    }

    @Test
    void statsAndSummaryOfTheTruncationCaseAndItsControl() throws Exception {
        JsonObject trunc = json(Golden.dir("coco").resolve("values.json")).getAsJsonObject("truncation");
        for (String type : new String[] {"segm", "bbox"}) {
            CocoEval.IouType t = CocoEval.IouType.parse(type);
            checkStats("coco truncation " + type, trunc.getAsJsonObject(type),
                    CocoEval.evaluate(load("coco/truncation"), results("coco/truncation", "preds_" + type + ".json"), t, CocoEval.Params.defaults()));
            checkStats("coco truncation " + type + " maxDets 1,10,1000", trunc.getAsJsonObject(type + "_control_maxDets_1_10_1000"),
                    CocoEval.evaluate(load("coco/truncation"), results("coco/truncation", "preds_" + type + ".json"), t,
                            CocoEval.Params.defaults().withMaxDets(1, 10, 1000)));
        }
    }

    /** With one category, ignoring categories changes nothing. */
    @Test
    void classAgnosticEqualsPerCategoryWithOneCategory() throws Exception {
        JsonObject segm = json(Golden.dir("coco").resolve("values.json")).getAsJsonObject("main").getAsJsonObject("segm");
        checkStats("coco main segm useCats=0", segm,
                CocoEval.evaluate(load("coco"), results("coco", "preds_segm.json"), CocoEval.IouType.SEGM, CocoEval.Params.defaults().classAgnostic()));
    }

    private static CocoDataset load(String sub) {
        return CocoDataset.load(Golden.dir(sub).resolve("gt.json"));
    }

    private static CocoResults results(String sub, String file) {
        return CocoResults.load(Golden.dir(sub).resolve(file), load(sub));
    }
}
