package org.pathways.data;

import org.pathways.common.AtomicFiles;
import org.pathways.common.InvalidInputException;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Reading and writing images, and colour conversion. */
public final class Images {
    private Images() {}

    /**
     * Pixels a file may declare per byte it holds (plus {@link #ALWAYS_ALLOWED_PIXELS}): deflate and JPEG cannot compress
     * more than about 1000 pixels into a byte, so a header that claims more is corrupt, and is refused before a
     * raster of that size is allocated.
     */
    static final long PIXELS_PER_FILE_BYTE = 4096;
    static final long ALWAYS_ALLOWED_PIXELS = 1L << 22;

    private static volatile boolean allowPartial;

    /**
     * Whether an image that decodes with errors (a truncated JPEG or PNG) is kept, with a warning line, instead of
     * refused; set once per command from {@code --allow-partial-images}.
     */
    public static void allowPartialImages(boolean allow) {
        allowPartial = allow;
    }

    /**
     * Reads a PNG, JPEG, BMP or GIF as 8-bit RGB. An image that decodes with errors or warnings (a JPEG cut short is
     * filled in grey by the decoder) is refused, unless {@link #allowPartialImages} is on: then it is kept and one
     * warning line says so.
     *
     * @throws InvalidInputException one line for a missing file or content that is not an image (bad data)
     * @throws java.io.UncheckedIOException when the file cannot be read at all (a disk or permission error: not bad data)
     */
    public static BufferedImage read(Path file) {
        if (!Files.exists(file)) throw new InvalidInputException(file + ": no such image file");
        if (!Files.isRegularFile(file)) throw new InvalidInputException(file + ": not a file");
        byte[] bytes = bytes(file);
        BufferedImage raw = null;
        String damage = null;
        try (javax.imageio.stream.ImageInputStream in = ImageIO.createImageInputStream(new java.io.ByteArrayInputStream(bytes))) {
            java.util.Iterator<javax.imageio.ImageReader> readers = in == null ? java.util.Collections.emptyIterator() : ImageIO.getImageReaders(in);
            if (!readers.hasNext()) throw new InvalidInputException(file + ": not an image in a format Java can read (PNG, JPEG, BMP, GIF)");
            javax.imageio.ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                checkDeclaredSize(file, reader, bytes.length);
                java.util.List<String> warnings = new java.util.ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                // decoded into a raster of our own, so that what was decoded before an error is still there
                javax.imageio.ImageReadParam param = reader.getDefaultReadParam();
                param.setDestination(reader.getImageTypes(0).next().createBufferedImage(reader.getWidth(0), reader.getHeight(0)));
                try {
                    raw = reader.read(0, param);
                } catch (IOException | RuntimeException e) {
                    raw = param.getDestination();
                    damage = oneLine(e);
                }
                if (damage == null) damage = warnings.stream().filter(Images::lostData).findFirst().orElse(null);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidInputException bad) throw bad;
            throw new InvalidInputException(file + ": unreadable image (" + oneLine(e) + ")", e);
        }
        if (damage != null) {
            if (!allowPartial) throw new InvalidInputException(file + ": damaged or truncated image (" + damage + "); pass --allow-partial-images to use what decodes");
            org.pathways.common.Warnings.print(file + ": damaged or truncated image (" + damage + "), used as decoded (--allow-partial-images)");
        }
        return toRgb(raw);
    }

    /** Refuses a header that declares more pixels than the file could hold, before a raster of that size is made. */
    static void checkDeclaredSize(Path file, javax.imageio.ImageReader reader, int fileBytes) throws IOException {
        long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
        if (pixels <= 0 || pixels > ALWAYS_ALLOWED_PIXELS + PIXELS_PER_FILE_BYTE * fileBytes) {
            throw new InvalidInputException(file + ": declares " + reader.getWidth(0) + "x" + reader.getHeight(0) + " pixels, which a "
                    + fileBytes + "-byte " + reader.getFormatName() + " file cannot hold (corrupt header)");
        }
    }

    /**
     * A decoder warning that means pixels are missing or made up (data cut short, a bad entropy code), not one about
     * a harmless oddity such as stray bytes between JPEG markers or an unusual colour profile.
     */
    private static boolean lostData(String warning) {
        String w = warning.toLowerCase(java.util.Locale.ROOT);
        return !w.contains("extraneous bytes") && (w.contains("premature") || w.contains("truncat") || w.contains("eoi") || w.contains("end of")
                || w.contains("huffman") || w.contains("corrupt"));
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        if (e.getCause() != null && e.getCause().getMessage() != null && !m.contains(e.getCause().getMessage())) m += ": " + e.getCause().getMessage();
        return InvalidInputException.printable(m.replaceAll("\\s+", " ").strip());
    }

    /**
     * A file's bytes. Reading is where a disk or permission error shows, and such an error is not the file's content
     * being bad: it comes out as an {@link java.io.UncheckedIOException}, which stops a data-set run instead of
     * skipping the image.
     */
    static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(file + ": cannot read the file (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
    }

    public static BufferedImage toRgb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB) return image;
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        g.drawImage(image, 0, 0, null);
        g.dispose();
        return rgb;
    }

    /** Resizes an image (RGB), bilinear or nearest. */
    public static BufferedImage resize(BufferedImage in, int width, int height, boolean smooth) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION, smooth
                ? java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR : java.awt.RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        g.drawImage(in, 0, 0, width, height, null);
        g.dispose();
        return out;
    }

    /** Writes a PNG atomically (a temporary file moved into place), creating folders as needed. */
    public static void writePng(BufferedImage image, Path file) throws IOException {
        AtomicFiles.write(file, tmp -> {
            if (!ImageIO.write(image, "png", tmp.toFile())) throw new IOException("no PNG writer");
        });
    }

    /** The bytes of a PNG of the image (what {@link #writePng} writes). */
    public static byte[] encodePng(BufferedImage image) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", out)) throw new IOException("no PNG writer");
        return out.toByteArray();
    }

    /** Writes a JPEG (quality 0.9) atomically: for pictures meant to be small, such as the README's. */
    public static void writeJpeg(BufferedImage image, Path file) throws IOException {
        AtomicFiles.write(file, tmp -> writeJpegTo(image, tmp));
    }

    private static void writeJpegTo(BufferedImage image, Path tmp) throws IOException {
        javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        javax.imageio.ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.9f);
        try (javax.imageio.stream.ImageOutputStream out = ImageIO.createImageOutputStream(tmp.toFile())) {
            writer.setOutput(out);
            writer.write(null, new javax.imageio.IIOImage(toRgb(image), null, null), param);
        } finally {
            writer.dispose();
        }
    }

    /** CIELAB (D65) of every pixel: [L, a, b][y * width + x]. */
    public static double[][] lab(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] rgb = image.getRGB(0, 0, w, h, null, 0, w);
        double[][] out = new double[3][rgb.length];
        double[] lut = new double[256];
        for (int i = 0; i < 256; i++) {
            double c = i / 255.0;
            lut[i] = c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
        }
        for (int i = 0; i < rgb.length; i++) {
            double r = lut[(rgb[i] >> 16) & 0xff];
            double g = lut[(rgb[i] >> 8) & 0xff];
            double b = lut[rgb[i] & 0xff];
            double x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047;
            double y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b;
            double z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883;
            double fx = labF(x);
            double fy = labF(y);
            double fz = labF(z);
            out[0][i] = 116 * fy - 16;
            out[1][i] = 500 * (fx - fy);
            out[2][i] = 200 * (fy - fz);
        }
        return out;
    }

    private static double labF(double t) {
        return t > 216.0 / 24389 ? Math.cbrt(t) : (24389.0 / 27 * t + 16) / 116;
    }

    /** Nearest-neighbour upsampling of a label grid to an image size (the authors' legacy nearest: floor). */
    public static int[] upsampleNearest(int[] labels, int gridHeight, int gridWidth, int height, int width) {
        int[] out = new int[height * width];
        for (int y = 0; y < height; y++) {
            int gy = Math.min(gridHeight - 1, (int) ((long) y * gridHeight / height));
            for (int x = 0; x < width; x++) {
                int gx = Math.min(gridWidth - 1, (int) ((long) x * gridWidth / width));
                out[y * width + x] = labels[gy * gridWidth + gx];
            }
        }
        return out;
    }

    /**
     * The data-set preprocessing (paper App. C.1, after STEGO and PiCIE: short side 320; the authors' main_cls.py: 256):
     * the short side resized to {@code side} (bilinear; the long side as torchvision's Resize(int) makes it,
     * int(side * long / short)), then the centre {@code side} x {@code side} square (torchvision's CenterCrop).
     */
    public static BufferedImage squareCrop(BufferedImage image, int side) {
        int[] g = squareCropGeometry(image.getHeight(), image.getWidth(), side);
        BufferedImage resized = resize(image, g[1], g[0], true);
        return toRgb(resized.getSubimage(g[3], g[2], side, side));
    }

    /** The same crop of a label map (nearest neighbour), so that labels stay on their pixels. */
    public static int[] squareCropLabels(int[] labels, int height, int width, int side) {
        int[] g = squareCropGeometry(height, width, side);
        int[] out = new int[side * side];
        for (int y = 0; y < side; y++) {
            int sy = Math.min(height - 1, (int) ((long) (y + g[2]) * height / g[0]));
            for (int x = 0; x < side; x++) {
                int sx = Math.min(width - 1, (int) ((long) (x + g[3]) * width / g[1]));
                out[y * side + x] = labels[sy * width + sx];
            }
        }
        return out;
    }

    /** Resized height and width, then the crop's top and left. */
    private static int[] squareCropGeometry(int height, int width, int side) {
        if (side < 1) throw new IllegalArgumentException("crop side must be >= 1, got " + side);
        int h;
        int w;
        if (height <= width) {
            h = side;
            w = (int) ((long) side * width / height);
        } else {
            w = side;
            h = (int) ((long) side * height / width);
        }
        int top = (int) Math.round((h - side) / 2.0);
        int left = (int) Math.round((w - side) / 2.0);
        return new int[] {h, w, top, left};
    }
}
