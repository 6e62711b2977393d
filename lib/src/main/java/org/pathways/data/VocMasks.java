package org.pathways.data;

import org.pathways.common.AtomicFiles;
import org.pathways.common.InvalidInputException;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * PASCAL VOC label masks: 8-bit palette PNGs whose palette index is the class id (255 = ignore). The colours are
 * only for people looking at the file, so reading takes the raster's index and never converts colours: two
 * classes may even share a colour in a re-saved file and still be told apart.
 */
public final class VocMasks {
    /** A mask's class id per pixel (y * width + x). */
    public record Mask(int[] labels, int width, int height) {}

    private static final IndexColorModel PALETTE = buildPalette();

    private VocMasks() {}

    /** The standard VOC colour map (class c's colour from the bits of c, interleaved); index 255 is (224, 224, 192). */
    public static IndexColorModel palette() {
        return PALETTE;
    }

    /** The VOC colour of a class id 0..255, as 0xRRGGBB. */
    public static int colour(int index) {
        return PALETTE.getRGB(index) & 0xffffff;
    }

    private static IndexColorModel buildPalette() {
        byte[] r = new byte[256];
        byte[] g = new byte[256];
        byte[] b = new byte[256];
        for (int i = 0; i < 256; i++) {
            int red = 0;
            int green = 0;
            int blue = 0;
            int c = i;
            for (int j = 0; j < 8; j++) {
                red |= (c & 1) << (7 - j);
                green |= ((c >> 1) & 1) << (7 - j);
                blue |= ((c >> 2) & 1) << (7 - j);
                c >>= 3;
            }
            r[i] = (byte) red;
            g[i] = (byte) green;
            b[i] = (byte) blue;
        }
        return new IndexColorModel(8, 256, r, g, b);
    }

    /**
     * Reads the palette index (or, for a greyscale PNG, the grey level) of every pixel. RGB and other multi-channel
     * PNGs are refused rather than mapped back through the colour map: a colour that is off by one (a JPEG
     * round-trip, a resize) would silently become the wrong class.
     *
     * @throws InvalidInputException one line naming the file: missing, not a PNG, unreadable, or not indexed
     * @throws java.io.UncheckedIOException when the file cannot be read at all (a disk or permission error)
     */
    public static Mask read(Path file) {
        if (!Files.isRegularFile(file)) throw new InvalidInputException(file + ": no such mask file");
        byte[] bytes = Images.bytes(file); // a disk error is not a bad mask: it stops the run (UncheckedIOException)
        BufferedImage image;
        try (ImageInputStream in = ImageIO.createImageInputStream(new java.io.ByteArrayInputStream(bytes))) {
            if (in == null) throw new InvalidInputException(file + ": unreadable PNG (cannot open the file)");
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) throw new InvalidInputException(file + ": unreadable PNG (not an image file)");
            ImageReader reader = readers.next();
            try {
                if (!"png".equalsIgnoreCase(reader.getFormatName())) {
                    throw new InvalidInputException(file + ": unreadable PNG (it is a " + reader.getFormatName() + " file; masks must be PNG)");
                }
                reader.setInput(in, true, true);
                Images.checkDeclaredSize(file, reader, bytes.length);
                image = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidInputException bad) throw bad;
            throw new InvalidInputException(file + ": unreadable PNG (" + oneLine(e) + ")", e);
        }
        Raster raster = image.getRaster();
        int bands = raster.getNumBands();
        boolean indexed = image.getColorModel() instanceof IndexColorModel;
        boolean grey = image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY;
        if (bands != 1 || !(indexed || grey)) {
            String kind = bands == 3 ? "an RGB" : bands == 4 ? "an RGBA" : bands == 2 ? "a grey+alpha" : "a " + bands + "-channel";
            throw new InvalidInputException(file + ": mask is " + kind + " PNG, not palette-indexed or greyscale"
                    + " (VOC class ids are palette indices; save it as an 8-bit indexed PNG)");
        }
        int w = image.getWidth();
        int h = image.getHeight();
        return new Mask(raster.getSamples(0, 0, w, h, 0, new int[w * h]), w, h);
    }

    /** Writes labels (0..255 each) as an 8-bit palette PNG with the VOC colour map, atomically. */
    public static void write(Path file, int[] labels, int width, int height) throws IOException {
        byte[] png = encode(labels, width, height);
        AtomicFiles.write(file, tmp -> java.nio.file.Files.write(tmp, png));
    }

    /** The bytes of {@link #write}'s PNG, for a result that is written elsewhere (e.g. by a Spark driver). */
    public static byte[] encode(int[] labels, int width, int height) throws IOException {
        if (labels.length != width * height) throw new IllegalArgumentException(labels.length + " labels for " + width + "x" + height);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_INDEXED, PALETTE);
        for (int v : labels) {
            if (v < 0 || v > 255) throw new IllegalArgumentException("label " + v + " does not fit a palette index");
        }
        image.getRaster().setSamples(0, 0, width, height, 0, labels);
        return Images.encodePng(image);
    }

    /**
     * Writes labels (0..255 each) as an 8-bit greyscale PNG, atomically: the form of COCO-Stuff's stuffthingmaps and
     * Cityscapes' labelIds images. The raster is set directly, so no colour conversion touches the values.
     */
    public static void writeGrey(Path file, int[] labels, int width, int height) throws IOException {
        if (labels.length != width * height) throw new IllegalArgumentException(labels.length + " labels for " + width + "x" + height);
        for (int v : labels) {
            if (v < 0 || v > 255) throw new IllegalArgumentException("label " + v + " does not fit 8 bits");
        }
        BufferedImage grey = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSamples(0, 0, width, height, 0, labels);
        AtomicFiles.write(file, tmp -> {
            if (!ImageIO.write(grey, "png", tmp.toFile())) throw new IOException("no PNG writer");
        });
    }

    private static String oneLine(Exception e) {
        String m = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !m.contains(cause.getMessage())) m += ": " + cause.getMessage();
        return m.replaceAll("\\s+", " ").trim();
    }
}
