package org.pathways.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.pathways.common.InvalidInputException;

/**
 * Any folder of images without labels, as the authors' data-set code reads one ({@code dataloader.py}
 * {@code SimpleDataLoader}: every .jpg and .png, sorted by name). The id is the file name without its extension;
 * the labels are all {@link #IGNORE}, so an evaluation has nothing to score.
 */
public final class ImageFolder implements LabelledImages {
    public static final int IGNORE = 255;

    private final Path dir;
    private final List<Path> files;
    private final List<String> ids;

    private ImageFolder(Path dir, List<Path> files) {
        this.dir = dir;
        this.files = files;
        List<String> names = new ArrayList<>();
        for (Path f : files) {
            String n = f.getFileName().toString();
            names.add(n.substring(0, n.lastIndexOf('.')));
        }
        this.ids = List.copyOf(names);
    }

    /** The .jpg, .jpeg and .png files of {@code dir}, by name; refuses a folder without any, or two with one name. */
    public static ImageFolder open(Path dir) {
        if (!Files.isDirectory(dir)) throw new InvalidInputException(dir + ": no such folder of images");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().toLowerCase().matches(".*\\.(jpg|jpeg|png)$")).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(dir + ": cannot list the folder (" + e.getMessage() + ")", e);
        }
        if (files.isEmpty()) throw new InvalidInputException(dir + ": no .jpg or .png images in the folder");
        ImageFolder folder = new ImageFolder(dir, files);
        if (new java.util.HashSet<>(folder.ids).size() != folder.ids.size()) throw new InvalidInputException(dir + ": two images share a name (e.g. a.jpg and a.png)");
        return folder;
    }

    @Override
    public String name() {
        return "images:" + dir.getFileName();
    }

    @Override
    public String location() {
        return dir.toString();
    }

    @Override
    public List<String> ids() {
        return ids;
    }

    @Override
    public LabelledImage load(String id) {
        int i = ids.indexOf(id);
        if (i < 0) throw new InvalidInputException(dir + ": no image '" + id + "'");
        java.awt.image.BufferedImage image = Images.read(files.get(i));
        int[] labels = new int[image.getWidth() * image.getHeight()];
        java.util.Arrays.fill(labels, IGNORE);
        return new LabelledImage(id, image, labels);
    }

    @Override
    public List<String> labelNames() {
        return List.of();
    }
}
