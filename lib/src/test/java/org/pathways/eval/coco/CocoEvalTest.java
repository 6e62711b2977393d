package org.pathways.eval.coco;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.pathways.common.InvalidInputException;

/**
 * COCOeval on hand-built cases ({@link TwoCategoryCase}) whose answers are derived by hand in the comments (no golden data): per category
 * against all categories as one, the maxDets=100 quirk, numpy's pairwise mean and Python's rounding in the summary.
 */
class CocoEvalTest {
    static CocoStats evaluate(CocoEval.IouType type, CocoEval.Params params) {
        CocoDataset gt = CocoDataset.fromJson(JsonParser.parseString(TwoCategoryCase.GT), "gt");
        return CocoEval.evaluate(gt, CocoResults.fromJson(JsonParser.parseString(TwoCategoryCase.RESULTS), "res", gt), type, params);
    }

    /**
     * Per category: C is dropped (category 3 is not evaluated). Category 1 has GT 1 and no detection: precision 0 at
     * every recall threshold, recall 0. Category 2: A (IoU 0 with GT 2) is a false positive before B (IoU 1), so
     * tp = [0, 1], fp = [1, 1], recall [0, 1], precision [0, 1/2] whose envelope is [1/2, 1/2]: precision 1/2 at
     * every threshold, recall 1. AP = mean(0, 1/2) = .25 at every IoU, AR100 = .5; with maxDets 1 only A counts: AR1 = 0.
     * Both GT are small (25 and 16 < 32^2): APs = AP, ARs = AR100; no medium or large GT: -1.
     */
    @Test
    void perCategoryDerivedByHand() {
        double[] expected = {.25, .25, .25, .25, -1, -1, 0, .5, .5, .5, -1, -1};
        for (CocoEval.IouType type : CocoEval.IouType.values()) {
            assertArrayEquals(expected, evaluate(type, CocoEval.Params.defaults()).values(), 0, type.label());
        }
    }

    /**
     * All categories as one (useCats = 0): A matches GT 1 and B matches GT 2 (C still dropped, as pycocotools gathers
     * only the ground truth's categories). tp = [1, 2], fp = 0: recall [.5, 1], precision [1/(1+eps), 2/(2+eps)] =
     * [1 - eps, 1], envelope [1, 1]: AP = 1 everywhere, AR100 = 1; maxDets 1 keeps only A: AR1 = .5.
     */
    @Test
    void classAgnosticDerivedByHand() {
        double[] expected = {1, 1, 1, 1, -1, -1, .5, 1, 1, 1, -1, -1};
        for (CocoEval.IouType type : CocoEval.IouType.values()) {
            assertArrayEquals(expected, evaluate(type, CocoEval.Params.defaults().classAgnostic()).values(), 0, type.label());
        }
    }

    /**
     * A detection that matched a regular ground truth stops there, even when a crowd region (sorted last, ignored)
     * fits it better. GT 1: box (0,0,10,10), GT 2: crowd box (0,0,10,20); the detection (0,0,10,12) has IoU 100/120
     * with GT 1 and 120/120 (intersection over its own area) with the crowd. At IoU .50-.80 (7 thresholds) it matches
     * GT 1: precision 1/(1+eps), recall 1. At .85-.95 GT 1 is too far, the crowd takes it and it is ignored: precision
     * 0, recall 0. AP ~ 7/10, AP50 ~ 1, AR = 7/10.
     */
    @Test
    void aMatchedDetectionIsNotTakenByACrowdRegion() {
        String gtJson = """
                {"images": [{"id": 1, "height": 30, "width": 30}], "categories": [{"id": 1}],
                 "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 10, 10], "area": 100, "iscrowd": 0},
                                 {"id": 2, "image_id": 1, "category_id": 1, "bbox": [0, 0, 10, 20], "area": 200, "iscrowd": 1}]}
                """;
        CocoDataset gt = CocoDataset.fromJson(JsonParser.parseString(gtJson), "gt");
        CocoResults res = CocoResults.fromJson(JsonParser.parseString("[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 10, 12], \"score\": 0.5}]"), "res", gt);
        CocoEval e = CocoEval.run(gt, res, CocoEval.IouType.BBOX, CocoEval.Params.defaults());
        CocoEval.ImageEval all = e.evalImgs().get(0);
        for (int t = 0; t < 10; t++) {
            assertEquals(t < 7 ? 1 : 2, all.dtMatches()[t][0], "match at threshold " + t);
            assertEquals(t >= 7, all.dtIgnore()[t][0], "ignored at threshold " + t);
        }
        CocoStats s = e.stats();
        assertEquals(.7, s.get("AP"), 1e-12);
        assertEquals(1, s.get("AP50"), 1e-12);
        assertEquals(.7, s.get("AR100"), 0);
    }

    /** With maxDets 1, 10, 1000 the first stat looks for maxDets=100, which is not there: -1 (pycocotools' _summarize default). */
    @Test
    void firstStatIsReadAtMaxDets100() {
        CocoStats s = evaluate(CocoEval.IouType.BBOX, CocoEval.Params.defaults().withMaxDets(1000, 1, 10));
        assertEquals(-1, s.get("AP"), 0);
        assertEquals(.25, s.get("AP50"), 0);
        assertEquals(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = -1.000", s.lines().get(0));
        assertEquals(" Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=1000 ] = 0.250", s.lines().get(1));
        assertEquals(" Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ] = 0.000", s.lines().get(6));
        assertEquals(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=medium | maxDets=1000 ] = -1.000", s.lines().get(4));
    }

    @Test
    void thresholdsAsNumpyLinspaceMakesThem() {
        double[] iou = CocoEval.Params.defaults().iouThrs();
        assertEquals(10, iou.length);
        assertEquals(.5, iou[0], 0);
        assertEquals(.75, iou[5], 0); // exactly, or AP75 would find no threshold
        assertEquals(.95, iou[9], 0);
        assertEquals(5 * ((.95 - .5) / 9) + .5, iou[5], 0);
        double[] rec = CocoEval.Params.defaults().recThrs();
        assertEquals(101, rec.length);
        assertEquals(7 * (1.0 / 100), rec[7], 0);
    }

    /**
     * numpy's pairwise sum. 2^53 then fifteen 1s: in order, each 2^53 + 1 rounds back to 2^53 (ties to even); pairwise,
     * r0 = 2^53 + 1 -> 2^53 and r1..r7 = 1 + 1 = 2, then ((2^53 + 2) + 4) + 8 = 2^53 + 14, all exact.
     */
    @Test
    void pairwiseSumAsNumpyDoesIt() {
        double big = 0x1p53;
        double[] a = new double[16];
        a[0] = big;
        for (int i = 1; i < 16; i++) a[i] = 1;
        assertEquals(big + 14, CocoEval.pairwiseSum(a, 0, 16), 0);
        assertEquals(big, CocoEval.pairwiseSum(a, 0, 7), 0, "fewer than 8: in order");
        // above 128 the halves are summed separately: 2^53 then 199 ones; the first half (96) holds 2^53 and 95 ones:
        // r0 = 2^53 (each +1 rounds back), r1..r7 = 12, ((2^53 + 12) + 24) + 48 = 2^53 + 84; the second half: 104
        double[] b = new double[200];
        b[0] = big;
        for (int i = 1; i < 200; i++) b[i] = 1;
        assertEquals(big + 84 + 104, CocoEval.pairwiseSum(b, 0, 200), 0);
    }

    /** '{:0.3f}' rounds the binary value half-even: 0.1225 is 0.12249999... -> 0.122; 0.0625 is exact -> 0.062. */
    @Test
    void summaryNumbersRoundAsPythonDoes() {
        assertEquals("0.122", CocoEval.fixed(0.1225, 3));
        assertEquals("0.062", CocoEval.fixed(0.0625, 3));
        assertEquals("-1.000", CocoEval.fixed(-1, 3));
        assertEquals("0.95", CocoEval.fixed(0.95, 2));
    }

    @Test
    void badInputNamesTheFileAndThePlace() {
        CocoDataset gt = CocoDataset.fromJson(JsonParser.parseString(TwoCategoryCase.GT), "gt.json");
        InvalidInputException unknown = assertThrows(InvalidInputException.class, () -> CocoResults.fromJson(
                JsonParser.parseString("[{\"image_id\": 8, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"score\": 1}]"), "res.json", gt));
        assertTrue(unknown.getMessage().contains("res.json") && unknown.getMessage().contains("image_id 8"), unknown.getMessage());
        InvalidInputException size = assertThrows(InvalidInputException.class, () -> CocoResults.fromJson(JsonParser.parseString(
                "[{\"image_id\": 7, \"category_id\": 1, \"segmentation\": {\"size\": [20, 21], \"counts\": [420]}, \"score\": 1}]"), "res.json", gt));
        assertTrue(size.getMessage().contains("res.json: result 0") && size.getMessage().contains("20 x 21"), size.getMessage());
        InvalidInputException counts = assertThrows(InvalidInputException.class, () -> CocoResults.fromJson(JsonParser.parseString(
                "[{\"image_id\": 7, \"category_id\": 1, \"segmentation\": {\"size\": [20, 20], \"counts\": \"41\"}, \"score\": 1}]"), "res.json", gt));
        assertTrue(counts.getMessage().contains("res.json: result 0"), counts.getMessage());
    }

    /** loadRes' bbox branch: area = w * h even when IoU is on masks; without a bbox, area = the mask's. */
    @Test
    void resultAreasAsLoadResSetsThem() {
        CocoDataset gt = CocoDataset.fromJson(JsonParser.parseString(TwoCategoryCase.GT), "gt");
        String withBox = "[{\"image_id\": 7, \"category_id\": 1, \"segmentation\": [[2, 2, 7, 2, 7, 7, 2, 7]], \"bbox\": [0, 0, 10, 10], \"score\": 1}]";
        CocoResults a = CocoResults.fromJson(JsonParser.parseString(withBox), "res", gt);
        assertTrue(a.areaFromBoxes());
        assertEquals(100, a.detections().get(0).area(), 0);
        assertEquals(25, a.detections().get(0).mask().area());
        String maskOnly = "[{\"image_id\": 7, \"category_id\": 1, \"segmentation\": [[2, 2, 7, 2, 7, 7, 2, 7]], \"score\": 1}]";
        CocoResults b = CocoResults.fromJson(JsonParser.parseString(maskOnly), "res", gt);
        assertEquals(25, b.detections().get(0).area(), 0);
        assertArrayEquals(new double[] {2, 2, 5, 5}, b.detections().get(0).bbox(), 0);
        assertEquals(1, b.detections().get(0).id(), "result ids are 1-based list positions");
    }

    /**
     * {@code withImageIds}: a second image with one GT and no detection halves recall when it is evaluated (derived
     * by hand: class-agnostic, image 7 alone gives AP 1 and AR100 1 as above; with image 8's miss, A and B are both
     * true positives, recall [1/3, 2/3] at precision 1: the recall thresholds 0 .. 0.66 (67 of 101) read precision 1,
     * the rest none, so AP = 67/101 and AR100 = 2/3), and is left out entirely when only image 7 is asked for.
     */
    @Test
    void onlyTheImagesAskedForAreEvaluated() {
        String twoImages = TwoCategoryCase.GT.replace("\"images\": [{\"id\": 7, \"height\": 20, \"width\": 20}]",
                        "\"images\": [{\"id\": 7, \"height\": 20, \"width\": 20}, {\"id\": 8, \"height\": 20, \"width\": 20}]")
                .replace("\"iscrowd\": 0}]}", "\"iscrowd\": 0}, {\"id\": 3, \"image_id\": 8, \"category_id\": 1, \"bbox\": [1, 1, 5, 5], \"area\": 25, \"iscrowd\": 0}]}");
        CocoDataset gt = CocoDataset.fromJson(JsonParser.parseString(twoImages), "gt");
        CocoResults res = CocoResults.fromJson(JsonParser.parseString(TwoCategoryCase.RESULTS), "res", gt);
        CocoEval.Params agnostic = CocoEval.Params.defaults().classAgnostic();
        CocoStats both = CocoEval.evaluate(gt, res, CocoEval.IouType.BBOX, agnostic);
        assertEquals(2.0 / 3, both.get("AR100"), 1e-12);
        assertEquals(67.0 / 101, both.get("AP"), 1e-12);
        CocoStats seven = CocoEval.evaluate(gt, res, CocoEval.IouType.BBOX, agnostic.withImageIds(7));
        assertEquals(1, seven.get("AR100"), 1e-12);
        assertEquals(1, seven.get("AP"), 1e-12);
        assertThrows(InvalidInputException.class, () -> CocoEval.evaluate(gt, res, CocoEval.IouType.BBOX, agnostic.withImageIds(9)));
    }
}
