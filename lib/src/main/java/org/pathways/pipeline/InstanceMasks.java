package org.pathways.pipeline;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.pathways.common.AtomicFiles;
import org.pathways.data.Images;
import org.pathways.eval.instances.InstanceProposals;
import org.pathways.eval.coco.Rle;
import org.pathways.viz.Pictures;

/**
 * Instance masks of one image as COCO results: each mask on the feature grid (row-major booleans) nearest-resized to
 * the image, compressed RLE, {@code category_id} 1 (class-agnostic), with its score. Also the picture of them over
 * the image, as the authors' single-image program draws its instances.
 */
public final class InstanceMasks {

    /** One mask at image size, as a COCO result. */
    public record Detection(long imageId, double score, Rle mask) {
        /** {@code {"image_id", "category_id": 1, "segmentation": {"size": [h, w], "counts": "..."}, "score"}}: no bbox field, so
         * pycocotools takes the box and the area from the mask (the golden preds_segm.json's form). */
        public JsonObject toJson() {
            return result(imageId, score, mask.height(), mask.width(), mask.toCompressedString());
        }
    }

    /** One COCO result: {@code image_id}, {@code category_id} 1, the compressed RLE of an h x w mask, {@code score}. */
    public static JsonObject result(long imageId, double score, int height, int width, String counts) {
        JsonObject o = new JsonObject();
        o.addProperty("image_id", imageId);
        o.addProperty("category_id", 1);
        JsonObject segmentation = new JsonObject();
        JsonArray size = new JsonArray();
        size.add(height);
        size.add(width);
        segmentation.add("size", size);
        segmentation.addProperty("counts", counts);
        o.add("segmentation", segmentation);
        o.addProperty("score", score);
        return o;
    }

    private InstanceMasks() {}

    /** Grid masks (h x w, row-major) and their scores as detections at the image's size. */
    public static List<Detection> detections(long imageId, List<boolean[]> gridMasks, double[] scores, int gridHeight, int gridWidth,
                                             int imageHeight, int imageWidth) {
        List<Detection> out = new ArrayList<>();
        for (int i = 0; i < gridMasks.size(); i++) {
            out.add(new Detection(imageId, scores[i], atImage(gridMasks.get(i), gridHeight, gridWidth, imageHeight, imageWidth)));
        }
        return out;
    }

    /** A grid mask nearest-resized to the image ({@link Images#upsampleNearest}) and run-length encoded. */
    public static Rle atImage(boolean[] gridMask, int gridHeight, int gridWidth, int imageHeight, int imageWidth) {
        int[] labels = new int[gridMask.length];
        for (int p = 0; p < labels.length; p++) labels[p] = gridMask[p] ? 1 : 0;
        int[] big = Images.upsampleNearest(labels, gridHeight, gridWidth, imageHeight, imageWidth);
        byte[] rowMajor = new byte[big.length];
        for (int p = 0; p < big.length; p++) rowMajor[p] = (byte) big[p];
        return Rle.encodeRowMajor(rowMajor, imageHeight, imageWidth);
    }

    /**
     * The instance proposals of a segmentation's features ({@link InstanceProposals}), as {@code segment} writes them:
     * {@code instances.json} (COCO results: each proposal nearest-resized to the image, compressed RLE, category 1,
     * the numeric file stem as image_id, or the stem itself when it is not a number) and {@code instances.png} (the
     * proposals over the image with their scores, best on top). Returns how many there are.
     */
    public static int writeProposals(PerImage.Outcome outcome, BufferedImage image, String fileName, InstanceProposals.Options options, Path dir)
            throws IOException {
        var run = outcome.features().run();
        InstanceProposals.Proposals p = InstanceProposals.of(outcome.features().reorth().features(), run.channels(), run.height(), run.width(), options);
        long id = numericId(fileName);
        List<Detection> detections = detections(id, p.masks(), p.scores(), run.height(), run.width(), image.getHeight(), image.getWidth());
        JsonArray json = new JsonArray();
        for (Detection d : detections) {
            JsonObject o = d.toJson();
            if (id < 0) o.addProperty("image_id", stem(fileName));
            json.add(o);
        }
        Files.createDirectories(dir);
        String text = json.toString();
        AtomicFiles.write(dir.resolve("instances.json"), tmp -> Files.writeString(tmp, text));
        Images.writePng(picture(image, detections, 20), dir.resolve("instances.png"));
        return detections.size();
    }

    /** The image {@code id} of a file: its numeric stem (COCO's {@code 000000000139.jpg} is 139), or -1. */
    public static long numericId(String fileName) {
        String stem = stem(fileName);
        return stem.matches("\\d{1,18}") ? Long.parseLong(stem) : -1;
    }

    private static String stem(String fileName) {
        return fileName.replaceFirst("\\.[^.]*$", "");
    }

    /**
     * The masks over the image, best first: each tinted in its own colour with its outline, and its rank and score
     * written at its top-left corner (at most {@code limit} masks, so the picture stays readable).
     */
    public static BufferedImage picture(BufferedImage image, List<Detection> detections, int limit) {
        int w = image.getWidth();
        int h = image.getHeight();
        int scale = Math.max(1, 480 / Math.max(w, h));
        BufferedImage out = new BufferedImage(w * scale, h * scale, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.drawImage(image, 0, 0, w * scale, h * scale, null);
        int shown = Math.min(limit, detections.size());
        for (int i = shown - 1; i >= 0; i--) { // best drawn last, on top
            byte[] mask = detections.get(i).mask().decodeRowMajor();
            Color c = Pictures.PALETTE[i % Pictures.PALETTE.length];
            int tint = c.getRGB() & 0xffffff;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    if (mask[y * w + x] == 0) continue;
                    boolean edge = x == 0 || y == 0 || x == w - 1 || y == h - 1 || mask[y * w + x - 1] == 0 || mask[y * w + x + 1] == 0
                            || mask[(y - 1) * w + x] == 0 || mask[(y + 1) * w + x] == 0;
                    for (int dy = 0; dy < scale; dy++) {
                        for (int dx = 0; dx < scale; dx++) {
                            int px = x * scale + dx;
                            int py = y * scale + dy;
                            int rgb = out.getRGB(px, py) & 0xffffff;
                            out.setRGB(px, py, edge ? tint : blend(rgb, tint, 0.45));
                        }
                    }
                }
            }
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
        g.setStroke(new BasicStroke(1));
        for (int i = 0; i < shown; i++) {
            double[] box = detections.get(i).mask().toBbox();
            if (box[2] == 0) continue;
            String label = String.format(Locale.ROOT, "%d: %.2f", i + 1, detections.get(i).score());
            int x = (int) box[0] * scale + 2;
            int y = (int) box[1] * scale + 13;
            g.setColor(Color.BLACK);
            g.drawString(label, x + 1, y + 1);
            g.setColor(Color.WHITE);
            g.drawString(label, x, y);
        }
        g.dispose();
        return out;
    }

    private static int blend(int a, int b, double alpha) {
        int r = (int) Math.round(((a >> 16) & 0xff) * (1 - alpha) + ((b >> 16) & 0xff) * alpha);
        int gr = (int) Math.round(((a >> 8) & 0xff) * (1 - alpha) + ((b >> 8) & 0xff) * alpha);
        int bl = (int) Math.round((a & 0xff) * (1 - alpha) + (b & 0xff) * alpha);
        return (r << 16) | (gr << 8) | bl;
    }
}
