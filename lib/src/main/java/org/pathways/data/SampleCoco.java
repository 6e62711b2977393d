package org.pathways.data;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.pathways.common.AtomicFiles;

/**
 * A tiny stand-in for COCO val2017 with class-agnostic instances ({@code sample-coco}), written in the layout that
 * data-scripts/fetch-coco.sh extracts: {@code val2017/<12-digit id>.jpg} and
 * {@code annotations/coco_cls_agnostic_instances_val2017.json} (one category, "fg"). Each image is a two-tone
 * background (sky over ground, with noise) holding one to three flat-coloured objects (ellipses and rectangles) that
 * touch no border and do not overlap; each object is one instance, stored as an uncompressed RLE (COCO's
 * column-major run lengths) with its area and box. Generated, so its tables mean nothing; marked by {@link #MARKER}.
 */
public final class SampleCoco {
    /** The file that marks a folder as generated. */
    public static final String MARKER = "PATHWAYS-SAMPLE.txt";
    /** The annotation file's name, as CutLER publishes it. */
    public static final String ANNOTATIONS = "coco_cls_agnostic_instances_val2017.json";

    /** Small, so that the `pixels` backbone's grid (about one cell per pixel here) keeps the proposals quick. */
    private static final int[][] SIZES = {{48, 36}, {40, 48}, {44, 44}, {50, 38}};
    private static final Color[] OBJECTS = {new Color(220, 40, 40), new Color(40, 170, 60), new Color(240, 200, 30),
        new Color(150, 50, 200), new Color(20, 20, 20), new Color(250, 250, 250)};

    private SampleCoco() {}

    /** One generated image and its instance masks (row-major, 1 inside). */
    public record Scene(BufferedImage image, List<boolean[]> instances) {}

    /** Draws image {@code index} of a set made with {@code seed}. */
    public static Scene scene(int index, long seed) {
        Random random = new Random(seed * 1_000_003L + index);
        int[] size = SIZES[random.nextInt(SIZES.length)];
        int width = size[0];
        int height = size[1];
        BufferedImage labels = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = labels.createGraphics();
        int count = 1 + random.nextInt(3);
        List<int[]> boxes = new ArrayList<>();
        for (int attempt = 0; attempt < 200 && boxes.size() < count; attempt++) {
            int w = width / 5 + random.nextInt(width / 4);
            int h = height / 5 + random.nextInt(height / 4);
            int x = 2 + random.nextInt(width - w - 4);
            int y = 2 + random.nextInt(height - h - 4);
            int[] box = {x, y, w, h};
            if (boxes.stream().anyMatch(b -> apart(b, box) < 2)) continue;
            boxes.add(box);
            g.setColor(new Color(boxes.size(), boxes.size(), boxes.size()));
            if (random.nextBoolean()) g.fillOval(x, y, w, h);
            else g.fillRect(x, y, w, h);
        }
        g.dispose();
        int[] label = labels.getRaster().getPixels(0, 0, width, height, (int[]) null);
        List<boolean[]> instances = new ArrayList<>();
        for (int i = 1; i <= boxes.size(); i++) {
            boolean[] mask = new boolean[width * height];
            for (int p = 0; p < mask.length; p++) mask[p] = label[p] == i;
            instances.add(mask);
        }
        List<Color> palette = new ArrayList<>(List.of(OBJECTS));
        java.util.Collections.shuffle(palette, random);
        Color sky = new Color(110 + random.nextInt(40), 160 + random.nextInt(40), 220);
        Color ground = new Color(120 + random.nextInt(30), 100 + random.nextInt(20), 70);
        int horizon = height / 2 + random.nextInt(height / 4) - height / 8;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int l = label[y * width + x];
                Color c = l > 0 ? palette.get(l - 1) : y < horizon ? sky : ground;
                image.setRGB(x, y, (noisy(c.getRed(), random) << 16) | (noisy(c.getGreen(), random) << 8) | noisy(c.getBlue(), random));
            }
        }
        return new Scene(image, instances);
    }

    /** Gap between two boxes (negative when they overlap). */
    private static int apart(int[] a, int[] b) {
        int gx = Math.max(b[0] - (a[0] + a[2]), a[0] - (b[0] + b[2]));
        int gy = Math.max(b[1] - (a[1] + a[3]), a[1] - (b[1] + b[3]));
        return Math.max(gx, gy);
    }

    private static int noisy(int v, Random random) {
        return (int) Math.max(0, Math.min(255, Math.round(v + 6 * random.nextGaussian())));
    }

    /**
     * Writes {@code images} images (ids 1, 2, ...) and their annotations under {@code root}, which then stands in for
     * the folder fetch-coco.sh fills. Deterministic in {@code seed}; files are written atomically. Returns root.
     */
    public static Path write(Path root, int images, long seed) throws IOException {
        if (images < 1) throw new IllegalArgumentException("at least one image");
        JsonObject json = new JsonObject();
        JsonObject info = new JsonObject();
        info.addProperty("description", "Pathways sample-coco (seed " + seed + "): generated, not COCO");
        json.add("info", info);
        JsonArray imageList = new JsonArray();
        JsonArray annotations = new JsonArray();
        int annotationId = 1;
        for (int i = 0; i < images; i++) {
            int id = i + 1;
            Scene scene = scene(i, seed);
            String file = String.format("%012d.jpg", id);
            Images.writeJpeg(scene.image(), root.resolve("val2017").resolve(file));
            int w = scene.image().getWidth();
            int h = scene.image().getHeight();
            JsonObject image = new JsonObject();
            image.addProperty("id", id);
            image.addProperty("file_name", file);
            image.addProperty("width", w);
            image.addProperty("height", h);
            imageList.add(image);
            for (boolean[] mask : scene.instances()) {
                annotations.add(annotation(annotationId++, id, mask, w, h));
            }
        }
        json.add("images", imageList);
        json.add("annotations", annotations);
        JsonArray categories = new JsonArray();
        JsonObject fg = new JsonObject();
        fg.addProperty("id", 1);
        fg.addProperty("name", "fg");
        fg.addProperty("supercategory", "fg");
        categories.add(fg);
        json.add("categories", categories);
        String text = new GsonBuilder().create().toJson(json);
        AtomicFiles.write(root.resolve("annotations").resolve(ANNOTATIONS), tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
        AtomicFiles.write(root.resolve(MARKER), tmp -> Files.writeString(tmp, "Drawn by Pathways' SampleCoco (seed " + seed + "): not COCO.\n"));
        return root;
    }

    /** One instance: uncompressed RLE (runs over the column-major pixels, starting with a run of 0s), area, box. */
    private static JsonObject annotation(int id, int imageId, boolean[] mask, int width, int height) {
        JsonArray counts = new JsonArray();
        boolean value = false;
        int run = 0;
        int area = 0;
        int x0 = width, y0 = height, x1 = -1, y1 = -1;
        for (int x = 0; x < width; x++) {
            for (int y = 0; y < height; y++) {
                boolean v = mask[y * width + x];
                if (v != value) {
                    counts.add(run);
                    run = 0;
                    value = v;
                }
                run++;
                if (v) {
                    area++;
                    x0 = Math.min(x0, x);
                    y0 = Math.min(y0, y);
                    x1 = Math.max(x1, x);
                    y1 = Math.max(y1, y);
                }
            }
        }
        counts.add(run);
        JsonObject segmentation = new JsonObject();
        JsonArray size = new JsonArray();
        size.add(height);
        size.add(width);
        segmentation.add("size", size);
        segmentation.add("counts", counts);
        JsonObject a = new JsonObject();
        a.addProperty("id", id);
        a.addProperty("image_id", imageId);
        a.addProperty("category_id", 1);
        a.add("segmentation", segmentation);
        a.addProperty("area", area);
        JsonArray box = new JsonArray();
        box.add(x0);
        box.add(y0);
        box.add(x1 - x0 + 1);
        box.add(y1 - y0 + 1);
        a.add("bbox", box);
        a.addProperty("iscrowd", 0);
        return a;
    }
}
