package org.pathways.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.eval.coco.CocoStats;
import org.pathways.testing.Golden;

/** {@code coco-eval}: its stdout and --out against pycocotools, and one-line errors with exit status 2. */
class CocoEvalCommandTest {
    @TempDir
    Path dir;

    private static JsonObject values(String run, String kind) throws Exception {
        JsonObject v = JsonParser.parseString(Files.readString(Golden.dir("coco").resolve("values.json"))).getAsJsonObject();
        return v.getAsJsonObject(run).getAsJsonObject(kind);
    }

    private static String expectedStdout(JsonObject values) {
        StringBuilder sb = new StringBuilder();
        for (JsonElement l : values.getAsJsonArray("summarize_stdout")) sb.append(l.getAsString()).append('\n');
        return sb.toString();
    }

    private void checkGolden(String run, String kind, String sub, String preds, String... extra) throws Exception {
        Path g = Golden.dir(sub);
        Path out = dir.resolve(run + "-" + kind + ".json");
        List<String> args = new java.util.ArrayList<>(List.of("coco-eval", "--gt", g.resolve("gt.json").toString(), "--results",
                g.resolve(preds).toString(), "--out", out.toString()));
        args.addAll(List.of(extra));
        CliTest.Run[] r = new CliTest.Run[1];
        String stdout = CliTest.stdout(r, args.toArray(new String[0]));
        assertEquals(0, r[0].code(), r[0].err());
        JsonObject expected = values(run, kind);
        String what = "cli coco-eval " + run + " " + kind;
        Golden.record(what + " stdout", stdout.equals(expectedStdout(expected)) ? 0 : 1, 0);
        assertEquals(expectedStdout(expected), stdout, what + " stdout");
        JsonObject written = JsonParser.parseString(Files.readString(out)).getAsJsonObject();
        assertEquals(CocoStats.NAMES, List.copyOf(written.keySet()), "keys in order");
        JsonObject named = expected.getAsJsonObject("named");
        for (String name : CocoStats.NAMES) Golden.assertClose(what + " --out " + name, named.get(name).getAsDouble(), written.get(name).getAsDouble(), 1e-12);
    }

    @Test
    void printsWhatPycocotoolsPrintsAndWritesTheNumbers() throws Exception {
        checkGolden("main", "segm", "coco", "preds_segm.json");
        checkGolden("main", "bbox", "coco", "preds_bbox.json", "--iou-type", "bbox");
        checkGolden("main", "segm_results_with_bbox_field", "coco", "preds_segm_with_bbox_field.json", "--iou-type", "segm");
        checkGolden("truncation", "segm_control_maxDets_1_10_1000", "coco/truncation", "preds_segm.json", "--max-dets", "1,10,1000");
        checkGolden("truncation", "bbox", "coco/truncation", "preds_bbox.json", "--iou-type", "bbox", "--class-agnostic");
    }

    // ---------------------------------------------------------------- no golden data below

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    private Path gt() throws Exception {
        return write("gt.json", org.pathways.eval.coco.TwoCategoryCase.GT);
    }

    /** The two-category case (TwoCategoryCase): AP .25 per category, 1 with --class-agnostic (derived there by hand). */
    @Test
    void classAgnosticFlag() throws Exception {
        Path res = write("res.json", org.pathways.eval.coco.TwoCategoryCase.RESULTS);
        CliTest.Run[] r = new CliTest.Run[1];
        String per = CliTest.stdout(r, "coco-eval", "--gt", gt().toString(), "--results", res.toString(), "--iou-type", "bbox", "--out", dir.resolve("a.json").toString());
        assertEquals(0, r[0].code(), r[0].err());
        assertEquals(12, per.lines().count());
        assertTrue(per.startsWith(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.250\n"), per);
        String agnostic = CliTest.stdout(r, "coco-eval", "--gt", gt().toString(), "--results", res.toString(), "--class-agnostic", "--out", dir.resolve("b.json").toString());
        assertEquals(0, r[0].code(), r[0].err());
        assertTrue(agnostic.startsWith(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 1.000\n"), agnostic);
        JsonObject a = JsonParser.parseString(Files.readString(dir.resolve("a.json"))).getAsJsonObject();
        JsonObject b = JsonParser.parseString(Files.readString(dir.resolve("b.json"))).getAsJsonObject();
        assertEquals(0.25, a.get("AP").getAsDouble(), 0);
        assertEquals(1.0, b.get("AP").getAsDouble(), 0);
        assertEquals(-1.0, b.get("APm").getAsDouble(), 0);
        assertEquals(0.5, b.get("AR1").getAsDouble(), 0);
        // its own stats file is rewritten; a foreign file is not
        CliTest.stdout(r, "coco-eval", "--gt", gt().toString(), "--results", res.toString(), "--out", dir.resolve("b.json").toString());
        assertEquals(0, r[0].code(), r[0].err());
        Path foreign = write("notes.json", "{\"mine\": 1}");
        CliTest.assertBadInput(CliTest.run("coco-eval", "--gt", gt().toString(), "--results", res.toString(), "--out", foreign.toString()), "notes.json", "--force");
        assertEquals("{\"mine\": 1}", Files.readString(foreign));
    }

    @Test
    void badJsonIsOneLineNamingTheFile() throws Exception {
        Path res = write("res.json", org.pathways.eval.coco.TwoCategoryCase.RESULTS);
        Path broken = write("broken.json", "{\"images\": [{\"id\": 1,");
        CliTest.assertBadInput(CliTest.run("coco-eval", "--gt", broken.toString(), "--results", res.toString()), "broken.json", "not valid JSON");
        Path brokenRes = write("broken-res.json", "[{\"image_id\": 7 \"score\": 1}]");
        CliTest.assertBadInput(CliTest.run("coco-eval", "--gt", gt().toString(), "--results", brokenRes.toString()), "broken-res.json", "not valid JSON");
        Path lenient = write("lenient.json", "{images: []}"); // a key without quotes: Python's json refuses it, and so do we
        CliTest.assertBadInput(CliTest.run("coco-eval", "--gt", lenient.toString(), "--results", res.toString()), "lenient.json", "not valid JSON", "line 1");
        Path notAList = write("object.json", "{\"image_id\": 7}");
        CliTest.assertBadInput(CliTest.run("coco-eval", "--gt", gt().toString(), "--results", notAList.toString()), "object.json", "not a list");
        CliTest.assertBadInput(CliTest.run("coco-eval", "--gt", dir.resolve("missing.json").toString(), "--results", res.toString()), "missing.json");
    }

    @Test
    void resultForAnUnknownImage() throws Exception {
        Path res = write("res.json", "[{\"image_id\": 7, \"category_id\": 1, \"bbox\": [0, 0, 2, 2], \"score\": 0.5},"
                + " {\"image_id\": 99, \"category_id\": 1, \"bbox\": [0, 0, 2, 2], \"score\": 0.5}]");
        CliTest.assertBadInput(CliTest.run("coco-eval", "--gt", gt().toString(), "--results", res.toString()), "res.json", "result 1", "image_id 99");
    }

    @Test
    void maskOfTheWrongSize() throws Exception {
        Path res = write("res.json", "[{\"image_id\": 7, \"category_id\": 1, \"segmentation\": {\"size\": [10, 20], \"counts\": \"0`6\"}, \"score\": 0.5}]");
        CliTest.assertBadInput(CliTest.run("coco-eval", "--gt", gt().toString(), "--results", res.toString()), "res.json", "result 0", "10 x 20", "20 x 20");
        // counts that do not cover the image
        Path short_ = write("short.json", "[{\"image_id\": 7, \"category_id\": 1, \"segmentation\": {\"size\": [20, 20], \"counts\": [10, 5]}, \"score\": 0.5}]");
        CliTest.assertBadInput(CliTest.run("coco-eval", "--gt", gt().toString(), "--results", short_.toString()), "short.json", "result 0", "15 pixels");
        // in the ground truth too
        Path badGt = write("bad-gt.json", org.pathways.eval.coco.TwoCategoryCase.GT.replace("[[2, 2, 7, 2, 7, 7, 2, 7]]", "{\"size\": [20, 30], \"counts\": [600]}"));
        Path ok = write("ok.json", org.pathways.eval.coco.TwoCategoryCase.RESULTS);
        CliTest.assertBadInput(CliTest.run("coco-eval", "--gt", badGt.toString(), "--results", ok.toString()), "bad-gt.json", "annotations[0]", "20 x 30");
    }

    @Test
    void badOptions() throws Exception {
        Path res = write("res.json", org.pathways.eval.coco.TwoCategoryCase.RESULTS);
        String g = gt().toString();
        CliTest.assertBadInput(CliTest.run("coco-eval", "--gt", g, "--results", res.toString(), "--iou-type", "keypoints"), "--iou-type", "keypoints");
        CliTest.assertBadInput(CliTest.run("coco-eval", "--gt", g, "--results", res.toString(), "--max-dets", "1,10"), "--max-dets", "three");
        CliTest.assertBadInput(CliTest.run("coco-eval", "--gt", g, "--results", res.toString(), "--max-dets", "1,x,100"), "--max-dets", "'x'");
        CliTest.assertBadInput(CliTest.run("coco-eval", "--gt", g), "--results");
    }
}
