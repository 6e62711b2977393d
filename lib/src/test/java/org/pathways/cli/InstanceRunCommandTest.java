package org.pathways.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.data.SampleCoco;
import org.pathways.eval.coco.CocoDataset;
import org.pathways.eval.coco.CocoResults;
import org.pathways.eval.coco.Rle;

/** {@code run instances} end to end on the generated COCO layout, its resume, and {@code segment}'s instance files. */
class InstanceRunCommandTest {
    @TempDir
    Path dir;

    private static List<String> rows(Path csv) throws Exception {
        return Files.readAllLines(csv).stream().skip(1).filter(l -> !l.isBlank()).toList();
    }

    @Test
    void runsEveryMethodWritesCocoResultsAndTable7AndResumes() throws Exception {
        Path data = SampleCoco.write(dir.resolve("coco"), 4, 0);
        Path out = dir.resolve("run");
        String[] common = {"run", "instances", "--dataset", "sample-coco", "--data", data.toString(), "--steps", "20", "--k-max", "4",
            "--instance-k-max", "5", "--out", out.toString()};
        CliTest.Run r = CliTest.run(concat(common, "--eigs", "6", "--limit", "2"));
        assertEquals(0, r.code(), r.err());
        List<String> counts = rows(out.resolve("mask-counts.csv"));
        assertEquals(6, counts.size(), "2 images x 3 methods: " + counts);
        for (String row : counts) {
            String[] f = row.split(",");
            int masks = Integer.parseInt(f[2]);
            switch (f[1]) {
                case "tokencut" -> assertTrue(masks <= 1, row);
                case "maskcut" -> assertTrue(masks <= 3, row);
                default -> assertTrue(masks >= 0 && masks <= 100, row); // 20 passes of pixels: the scores may all be <= 0, no masks
            }
        }
        CocoDataset gt = CocoDataset.load(data.resolve("annotations").resolve(SampleCoco.ANNOTATIONS));
        for (String m : List.of("ours", "tokencut", "maskcut")) {
            JsonArray results = JsonParser.parseString(Files.readString(out.resolve("results-" + m + ".json"))).getAsJsonArray();
            CocoResults.load(out.resolve("results-" + m + ".json"), gt); // loads as pycocotools' loadRes would, sizes checked
            for (var e : results) {
                JsonObject o = e.getAsJsonObject();
                assertEquals(1, o.get("category_id").getAsInt());
                long id = o.get("image_id").getAsLong();
                var image = gt.image(id);
                JsonArray size = o.getAsJsonObject("segmentation").getAsJsonArray("size");
                assertEquals(image.height(), size.get(0).getAsInt());
                assertEquals(image.width(), size.get(1).getAsInt());
            }
        }
        String table = Files.readString(out.resolve("table7.md"));
        assertTrue(table.contains("Generated set") && table.contains("2 images evaluated") && table.contains("| paper |"), table);
        List<String> csv = Files.readAllLines(out.resolve("table7.csv"));
        assertEquals("method,source,masks,box_ap50,box_ap75,box_ar100,mask_ap50,mask_ap75,mask_ar100", csv.get(0));
        assertEquals(1 + 3 + 4, csv.size(), "our three rows and the paper's four");
        assertTrue(Files.isRegularFile(out.resolve("pictures/1.png")));

        // raising the limit continues the run: only the new images are done, nothing is counted twice
        CliTest.Run more = CliTest.run(concat(common, "--eigs", "6", "--limit", "3"));
        assertEquals(0, more.code(), more.err());
        List<String> after = rows(out.resolve("mask-counts.csv"));
        assertEquals(9, after.size());
        Set<String> keys = new HashSet<>();
        for (String row : after) assertTrue(keys.add(row.split(",")[0] + "," + row.split(",")[1]), "counted twice: " + row);
        assertTrue(Files.readString(out.resolve("table7.md")).contains("3 images evaluated"));

        CliTest.assertBadInput(CliTest.run(concat(common, "--eigs", "5")), "run.json");
        CliTest.assertBadInput(CliTest.run("run", "instances", "--dataset", "coco-2014", "--out", dir.resolve("x").toString()), "--dataset 'coco-2014'");
        CliTest.assertBadInput(CliTest.run("run", "instances", "--dataset", "sample-coco", "--data", data.toString(), "--methods", "ours,sam"), "sam");
        CliTest.assertBadInput(CliTest.run("run", "instances", "--dataset", "coco", "--data", dir.resolve("nowhere").toString()),
                "coco_cls_agnostic_instances_val2017.json", "fetch-coco.sh");
    }

    /** segment also writes the proposals: instances.json in COCO's results format (image_id from the file name) and a picture. */
    @Test
    void segmentWritesItsInstanceProposals() throws Exception {
        SampleCoco.Scene scene = SampleCoco.scene(0, 5);
        Path img = dir.resolve("000000000139.png");
        ImageIO.write(scene.image(), "png", img.toFile());
        CliTest.Run r = CliTest.run("segment", img.toString(), "--steps", "20", "--eigs", "6", "--k-max", "4", "--out", dir.resolve("seg").toString());
        assertEquals(0, r.code(), r.err());
        Path folder = dir.resolve("seg/000000000139");
        JsonArray json = JsonParser.parseString(Files.readString(folder.resolve("instances.json"))).getAsJsonArray();
        double previous = Double.POSITIVE_INFINITY;
        for (var e : json) {
            JsonObject o = e.getAsJsonObject();
            assertEquals(139, o.get("image_id").getAsLong());
            double score = o.get("score").getAsDouble();
            assertTrue(score > 0 && score <= previous, "positive scores, best first");
            previous = score;
            Rle rle = Rle.fromString(o.getAsJsonObject("segmentation").get("counts").getAsString(), scene.image().getHeight(), scene.image().getWidth());
            assertTrue(rle.area() > 0);
        }
        assertTrue(Files.isRegularFile(folder.resolve("instances.png")));
        JsonObject summary = JsonParser.parseString(Files.readString(folder.resolve("summary.json"))).getAsJsonObject();
        assertEquals(json.size(), summary.get("instanceMasks").getAsInt());
        assertTrue(summary.get("instanceSeconds").getAsDouble() > 0);
        CliTest.assertBadInput(CliTest.run("segment", img.toString(), "--max-masks", "0", "--out", dir.resolve("seg2").toString()), "--max-masks 0");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
