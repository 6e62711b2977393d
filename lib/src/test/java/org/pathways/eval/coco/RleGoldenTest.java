package org.pathways.eval.coco;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pathways.data.NdData;
import org.pathways.testing.Golden;

/**
 * The mask API against pycocotools 2.0.11 ({@code ../shared/golden/coco/rle_reference.json}): compressed and
 * uncompressed counts, decoded masks, areas and boxes of every ground truth and detection (main and truncation case),
 * and the 11 polygon rasterisation cases.
 */
class RleGoldenTest {
    static JsonObject json(Path file) throws Exception {
        return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    }

    static int[] ints(JsonElement e) {
        JsonArray a = e.getAsJsonArray();
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsInt();
        return out;
    }

    static double[] doubles(JsonElement e) {
        JsonArray a = e.getAsJsonArray();
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsDouble();
        return out;
    }

    static double[] toDoubles(int[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i];
        return out;
    }

    static double[] toDoubles(byte[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i];
        return out;
    }

    /** An exact comparison, recorded as a golden check (error 1 when it differs). */
    static void exact(String what, Object expected, Object actual) {
        Golden.record(what, expected.equals(actual) ? 0 : 1, 0);
        assertEquals(expected, actual, what);
    }

    @Test
    void everyMaskOfTheMainCase() throws Exception {
        checkCase("");
    }

    @Test
    void everyMaskOfTheTruncationCase() throws Exception {
        checkCase("truncation");
    }

    private void checkCase(String sub) throws Exception {
        String name = sub.isEmpty() ? "coco" : "coco/" + sub;
        Path dir = Golden.dir(name);
        JsonObject ref = json(dir.resolve("rle_reference.json"));
        CocoDataset gt = CocoDataset.load(dir.resolve("gt.json"));
        CocoResults dt = CocoResults.load(dir.resolve("preds_segm.json"), gt);
        Map<Long, CocoAnnotation> gtById = new HashMap<>();
        for (CocoAnnotation a : gt.annotations()) gtById.put(a.id(), a);
        Map<Long, CocoAnnotation> dtById = new HashMap<>();
        for (CocoAnnotation a : dt.detections()) dtById.put(a.id(), a);
        int checked = 0;
        for (String side : new String[] {"gt", "dt"}) {
            for (JsonElement e : ref.getAsJsonArray(side)) {
                JsonObject r = e.getAsJsonObject();
                long id = side.equals("gt") ? r.get("id").getAsLong() : r.get("result_id").getAsLong();
                String what = name + " " + side + " " + id;
                int h = r.get("height").getAsInt();
                int w = r.get("width").getAsInt();
                String compressed = r.get("counts_compressed").getAsString();
                int[] counts = ints(r.get("counts_uncompressed"));
                Rle fromString = Rle.fromString(compressed, h, w);
                Golden.assertCloseAbs(what + " rleFrString counts", toDoubles(counts), toDoubles(fromString.counts()), 0);
                Rle fromCounts = Rle.fromCounts(h, w, counts);
                exact(what + " rleToString", compressed, fromCounts.toCompressedString());
                Golden.assertClose(what + " area", r.get("area").getAsDouble(), fromCounts.area(), 0);
                Golden.assertCloseAbs(what + " toBbox", doubles(r.get("toBbox")), fromCounts.toBbox(), 0);
                NdData mask = Golden.npy(name, r.get("mask_file").getAsString().replace(".npy", ""));
                Golden.assertCloseAbs(what + " decode", mask.values(), toDoubles(fromCounts.decodeRowMajor()), 0);
                byte[] pixels = new byte[mask.size()];
                for (int i = 0; i < pixels.length; i++) pixels[i] = (byte) mask.values()[i];
                exact(what + " encode", fromCounts, Rle.encodeRowMajor(pixels, h, w));
                // what the loaders build from the JSON (polygons rasterised, RLEs parsed) is the same mask
                CocoAnnotation loaded = side.equals("gt") ? gtById.get(id) : dtById.get(id);
                exact(what + " annToRLE (" + (side.equals("gt") ? r.get("source_format").getAsString() : "result") + ")", compressed,
                        loaded.mask().toCompressedString());
                if (side.equals("dt")) Golden.assertClose(what + " loadRes area", r.get("area").getAsDouble(), loaded.area(), 0);
                checked++;
            }
        }
        assertEquals(ref.getAsJsonArray("gt").size() + ref.getAsJsonArray("dt").size(), checked);
    }

    @Test
    void polygonCasesAsRleFrPolyRasterisesThem() throws Exception {
        Path dir = Golden.dir("coco");
        JsonArray cases = json(dir.resolve("rle_reference.json")).getAsJsonArray("polygon_cases");
        NdData masks = Golden.npy("coco", "masks/polygon_cases");
        assertEquals(11, cases.size());
        for (JsonElement e : cases) {
            JsonObject c = e.getAsJsonObject();
            String what = "coco polygon " + c.get("name").getAsString();
            int h = c.get("height").getAsInt();
            int w = c.get("width").getAsInt();
            JsonArray polys = c.getAsJsonArray("polygons");
            JsonArray perPart = c.getAsJsonArray("counts_compressed_per_part");
            List<Rle> parts = new ArrayList<>();
            for (int p = 0; p < polys.size(); p++) {
                Rle part = PolygonRaster.rasterise(doubles(polys.get(p)), h, w);
                exact(what + " part " + p, perPart.get(p).getAsString(), part.toCompressedString());
                parts.add(part);
            }
            Rle merged = Rle.merge(parts, false);
            exact(what + " merged", c.get("counts_compressed_merged").getAsString(), merged.toCompressedString());
            Golden.assertCloseAbs(what + " merged counts", toDoubles(ints(c.get("counts_uncompressed_merged"))), toDoubles(merged.counts()), 0);
            Golden.assertClose(what + " area", c.get("area").getAsDouble(), merged.area(), 0);
            Golden.assertCloseAbs(what + " toBbox", doubles(c.get("toBbox")), merged.toBbox(), 0);
            int index = c.get("mask_index").getAsInt();
            double[] expected = Golden.slice(masks.values(), index * h * w, h * w);
            Golden.assertCloseAbs(what + " mask", expected, toDoubles(merged.decodeRowMajor()), 0);
        }
    }
}
