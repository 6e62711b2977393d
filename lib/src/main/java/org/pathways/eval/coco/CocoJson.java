package org.pathways.eval.coco;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.pathways.common.InvalidInputException;

/** Reading COCO JSON with one-line messages that name the file and the place; shared by the loaders. */
final class CocoJson {
    private CocoJson() {}

    /** Strict, unlike JsonParser.parseString: what Python's json.load would refuse is refused here too. */
    static JsonElement read(Path file) {
        return org.pathways.common.JsonFiles.readStrict(file);
    }

    static JsonObject object(JsonElement e, String where) {
        if (e == null || !e.isJsonObject()) throw new InvalidInputException(where + " is not a JSON object");
        return e.getAsJsonObject();
    }

    static JsonArray array(JsonObject o, String key, String where) {
        JsonElement e = o.get(key);
        if (e == null) throw new InvalidInputException(where + " has no '" + key + "'");
        if (!e.isJsonArray()) throw new InvalidInputException(where + ": '" + key + "' is not a list");
        return e.getAsJsonArray();
    }

    static double number(JsonObject o, String key, String where) {
        JsonElement e = o.get(key);
        if (e == null) throw new InvalidInputException(where + " has no '" + key + "'");
        return number(e, where + ": '" + key + "'");
    }

    static double number(JsonElement e, String what) {
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new InvalidInputException(what + " is not a number" + (e == null ? "" : " (" + brief(e) + ")"));
        }
        double v = e.getAsDouble();
        if (!Double.isFinite(v)) throw new InvalidInputException(what + " is not finite");
        return v;
    }

    static long integer(JsonObject o, String key, String where) {
        JsonElement e = o.get(key);
        if (e == null) throw new InvalidInputException(where + " has no '" + key + "'");
        return integer(e, where + ": '" + key + "'");
    }

    static long integer(JsonElement e, String what) {
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new InvalidInputException(what + " is not an integer" + (e == null ? "" : " (" + brief(e) + ")"));
        }
        java.math.BigDecimal d = e.getAsBigDecimal();
        try {
            return d.longValueExact();
        } catch (ArithmeticException ex) {
            try {
                return d.stripTrailingZeros().longValueExact();
            } catch (ArithmeticException ex2) {
                throw new InvalidInputException(what + " is not an integer (" + brief(e) + ")");
            }
        }
    }

    /** {@code iscrowd}: 0/1 or false/true; absent = 0. */
    static boolean flag(JsonObject o, String key, String where) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) return false;
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean()) return e.getAsBoolean();
        return integer(e, where + ": '" + key + "'") != 0;
    }

    static double[] numbers(JsonElement e, String what) {
        if (e == null || !e.isJsonArray()) throw new InvalidInputException(what + " is not a list of numbers");
        JsonArray a = e.getAsJsonArray();
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = number(a.get(i), what + "[" + i + "]");
        return out;
    }

    static double[] box(JsonElement e, String what) {
        double[] b = numbers(e, what);
        if (b.length != 4) throw new InvalidInputException(what + " has " + b.length + " numbers, not 4 (x, y, w, h)");
        return b;
    }

    /**
     * A segmentation as pycocotools' {@code annToRLE} turns it into an RLE at the image's size h x w: a list of polygons
     * (each rasterised by rleFrPoly, the parts merged), an uncompressed RLE ({@code counts} a list) or a compressed
     * one ({@code counts} a string). An RLE whose {@code size} is not the image's is refused.
     */
    static Rle segmentation(JsonElement seg, int h, int w, String where) {
        String what = where + ": segmentation";
        try {
            if (seg.isJsonArray()) return polygons(seg.getAsJsonArray(), h, w, what);
            if (!seg.isJsonObject()) throw new InvalidInputException(what + " is neither a polygon list nor an RLE object");
            JsonObject o = seg.getAsJsonObject();
            double[] size = numbers(o.get("size"), what + " size");
            if (size.length != 2) throw new InvalidInputException(what + " size has " + size.length + " numbers, not 2 (h, w)");
            if (size[0] != h || size[1] != w) {
                throw new InvalidInputException(what + " is a " + fmt(size[0]) + " x " + fmt(size[1]) + " mask, but the image is " + h + " x " + w + " (h x w)");
            }
            JsonElement counts = o.get("counts");
            if (counts == null) throw new InvalidInputException(what + " has no 'counts'");
            if (counts.isJsonArray()) {
                JsonArray a = counts.getAsJsonArray();
                int[] c = new int[a.size()];
                for (int i = 0; i < c.length; i++) {
                    long v = integer(a.get(i), what + " counts[" + i + "]");
                    if (v < 0 || v > (long) h * w) throw new InvalidInputException(what + " counts[" + i + "] = " + v + " is out of range");
                    c[i] = (int) v;
                }
                return Rle.fromCounts(h, w, c);
            }
            if (counts.isJsonPrimitive() && counts.getAsJsonPrimitive().isString()) return Rle.fromString(counts.getAsString(), h, w);
            throw new InvalidInputException(what + " counts is neither a list nor a string");
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(what + ": " + e.getMessage());
        }
    }

    /**
     * Polygons as pycocotools' {@code frPyObjects} takes them: a first part of exactly 4 numbers makes it read every
     * part as a box [x, y, w, h] (rleFrBbox); fewer than 4 is refused, as there.
     */
    private static Rle polygons(JsonArray parts, int h, int w, String what) {
        if (parts.isEmpty()) throw new InvalidInputException(what + " is an empty polygon list");
        List<double[]> polys = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            double[] p = numbers(parts.get(i), what + " polygon " + i);
            for (int j = 0; j < p.length; j++) {
                if (Math.abs(p[j]) > 1e6) throw new InvalidInputException(what + " polygon " + i + " coordinate " + j + " = " + p[j] + " is out of range");
            }
            polys.add(p);
        }
        int first = polys.get(0).length;
        if (first < 4) throw new InvalidInputException(what + " polygon 0 has " + first + " numbers; a polygon needs at least 3 points (6 numbers)");
        List<Rle> rles = new ArrayList<>();
        for (int i = 0; i < polys.size(); i++) {
            double[] p = polys.get(i);
            if (first == 4) {
                if (p.length != 4) throw new InvalidInputException(what + " part " + i + " has " + p.length + " numbers, but part 0 has 4 (read as boxes)");
                rles.add(Rle.fromBbox(p, h, w));
            } else {
                if (p.length < 2) throw new InvalidInputException(what + " polygon " + i + " has " + p.length + " numbers");
                rles.add(PolygonRaster.rasterise(p, h, w));
            }
        }
        return Rle.merge(rles, false);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static String brief(JsonElement e) {
        String s = e instanceof JsonPrimitive ? e.toString() : e.isJsonArray() ? "a list" : e.isJsonObject() ? "an object" : e.toString();
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
