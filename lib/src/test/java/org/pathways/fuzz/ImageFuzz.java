package org.pathways.fuzz;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.pathways.common.InvalidInputException;
import org.pathways.data.Images;
import org.pathways.data.VocMasks;

/** Images (PNG, JPEG) and VOC palette masks under corruption: headers with huge sizes, cut-off data, flipped bits. */
@AddLifecycleHook(FuzzBudget.class)
class ImageFuzz {
    @Provide
    Arbitrary<List<Mutation>> byteEdits() {
        // PNG: IHDR's width and height at 16..24; JPEG: SOF near the start; then anywhere in the data
        return Mutation.bytes(0, 8, 16, 20, 24, 33, 100, 160, 300, 600).list().ofMaxSize(3);
    }

    static BufferedImage picture(int width, int height, long seed) {
        Random r = new Random(seed);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int a = r.nextInt(1 << 24);
        int b = r.nextInt(1 << 24);
        for (int y = 0; y < height; y++) for (int x = 0; x < width; x++) image.setRGB(x, y, (x + y) % 7 < 3 ? a : b ^ r.nextInt(16));
        return image;
    }

    static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, format, out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Property
    void imageIsReadOrRefusedInOneLine(@ForAll @IntRange(min = 1, max = 40) int width, @ForAll @IntRange(min = 1, max = 40) int height, @ForAll long seed,
                                       @ForAll boolean jpeg, @ForAll("byteEdits") List<Mutation> byteEdits) {
        byte[] bytes = Mutation.applyAll(encode(picture(width, height, seed), jpeg ? "jpeg" : "png"), byteEdits);
        Path file = Scratch.write(jpeg ? "photo.jpg" : "photo.png", bytes);
        try {
            Contract.check("image", file, () -> Images.read(file), i -> i.getWidth() > 0 && i.getHeight() > 0 ? null : "accepted an empty image");
        } finally {
            Scratch.delete(file);
        }
    }

    /** An image cut anywhere before its end is refused (not decoded as if whole), and kept with a warning when allowed. */
    @Property
    void cutImageIsRefusedUnlessPartialImagesAreAllowed(@ForAll @IntRange(min = 8, max = 40) int side, @ForAll long seed, @ForAll boolean jpeg,
                                                        @ForAll @IntRange(min = 0, max = 99) int percentKept) {
        byte[] whole = encode(picture(side, side, seed), jpeg ? "jpeg" : "png");
        // from past the header (the SOF or IHDR) into the pixel data, where decoders fill in what is missing: before the
        // JPEG's EOI marker, or before the zlib checksum that ends the last IDAT chunk (a PNG cut in its checksums or its
        // IEND trailer still has every pixel)
        int headerEnd = jpeg ? 700 : 40;
        int dataEnd = jpeg ? whole.length - 2 : indexOf(whole, "IEND") - 8 - 4;
        int cut = Math.min(dataEnd - 1, headerEnd + (dataEnd - 1 - headerEnd) * percentKept / 100);
        Path file = Scratch.write(jpeg ? "cut.jpg" : "cut.png", Arrays.copyOf(whole, cut));
        try {
            Contract.check("image-cut", file, () -> {
                try {
                    Images.read(file);
                } catch (InvalidInputException refused) {
                    // the same file now decodes, with one warning line (kept off the test log)
                    java.io.PrintStream saved = System.err;
                    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
                    System.setErr(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
                    Images.allowPartialImages(true);
                    try {
                        Images.read(file);
                    } finally {
                        Images.allowPartialImages(false);
                        System.setErr(saved);
                    }
                    List<String> lines = printed.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
                    if (lines.size() != 1 || !lines.get(0).startsWith("pathways: warning: " + file)) return "allowed, it printed " + lines + ", not one warning line";
                    throw refused;
                }
                return "accepted " + cut + " of " + whole.length + " bytes as a whole image";
            }, verdict -> verdict);
        } finally {
            Scratch.delete(file);
        }
    }

    private static int indexOf(byte[] bytes, String text) {
        return new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).lastIndexOf(text);
    }

    @Property
    void maskIsReadOrRefusedInOneLine(@ForAll @IntRange(min = 1, max = 40) int width, @ForAll @IntRange(min = 1, max = 40) int height, @ForAll long seed,
                                      @ForAll("byteEdits") List<Mutation> byteEdits) throws Exception {
        Random r = new Random(seed);
        int[] labels = new int[width * height];
        for (int i = 0; i < labels.length; i++) labels[i] = i % width < width / 2 ? 0 : r.nextBoolean() ? 15 : 255;
        Path valid = Scratch.write("valid.png", new byte[0]);
        VocMasks.write(valid, labels, width, height);
        byte[] bytes = Mutation.applyAll(java.nio.file.Files.readAllBytes(valid), byteEdits);
        Scratch.delete(valid);
        Path file = Scratch.write("mask.png", bytes);
        try {
            Contract.check("voc-mask", file, () -> VocMasks.read(file), m -> m.labels().length == (long) m.width() * m.height()
                    && Arrays.stream(m.labels()).allMatch(v -> v >= 0 && v <= 255) ? null : "accepted a mask whose labels do not fit it");
        } finally {
            Scratch.delete(file);
        }
    }
}
