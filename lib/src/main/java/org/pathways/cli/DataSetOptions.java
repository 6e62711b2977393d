package org.pathways.cli;

import java.nio.file.Path;
import java.util.List;
import org.pathways.common.InvalidInputException;
import org.pathways.data.Cityscapes;
import org.pathways.data.CocoStuff;
import org.pathways.data.ImageFolder;
import org.pathways.data.LabelledImages;
import org.pathways.data.SampleCityscapes;
import org.pathways.data.SampleStuff;
import org.pathways.data.VocDataset;
import picocli.CommandLine.Option;

/** Which data set the data-set-level commands read ({@code run dataset}, {@code run semantic}). */
final class DataSetOptions {
    /** The generated sets' sizes. */
    static final int SAMPLE_STUFF_IMAGES = 24;
    static final int SAMPLE_CITYSCAPES_IMAGES = 12;

    @Option(names = "--dataset", defaultValue = "cocostuff27", description = "cocostuff27 (STEGO's curated COCO-Stuff-27 validation layout), cityscapes (Cityscapes val, "
            + "27 classes), sample-stuff or sample-cityscapes (small generated sets in those layouts, for trying things offline; their numbers mean nothing) "
            + "or images (any folder of .jpg/.png, unlabelled; run dataset only) (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--data", paramLabel = "DIR", description = "Data set folder (default: $PATHWAYS_DATA_DIR/<cocostuff|cityscapes|sample-stuff|sample-cityscapes> "
            + "or ~/.cache/pathways/data/...; images: required).")
    Path data;

    @Option(names = "--images", defaultValue = "0", description = "Only the first N images of the list (0: all).")
    int images;

    /** The paper's column for this set: "cocostuff27" or "cityscapes". */
    String paperColumn() {
        return dataset.contains("cityscapes") ? "cityscapes" : "cocostuff27";
    }

    boolean sample() {
        return dataset.startsWith("sample-");
    }

    LabelledImages open(boolean labelled) throws java.io.IOException {
        Path home = VocDataset.defaultRoot();
        return switch (dataset) {
            case "cocostuff27" -> CocoStuff.open(data != null ? data : home.resolveSibling("cocostuff"));
            case "cityscapes" -> Cityscapes.open(data != null ? data : home.resolveSibling("cityscapes"));
            case "sample-stuff" -> CocoStuff.open(SampleStuff.write(data != null ? data : home.resolveSibling("sample-stuff"), SAMPLE_STUFF_IMAGES, 0));
            case "sample-cityscapes" -> Cityscapes.open(SampleCityscapes.write(data != null ? data : home.resolveSibling("sample-cityscapes"), SAMPLE_CITYSCAPES_IMAGES, 0));
            case "images" -> {
                if (labelled) throw new InvalidInputException("--dataset images has no labels to evaluate against; expected cocostuff27, cityscapes, sample-stuff or sample-cityscapes");
                if (data == null) throw new InvalidInputException("--dataset images needs --data DIR, the folder of images");
                yield ImageFolder.open(data);
            }
            default -> throw new InvalidInputException("--dataset '" + dataset + "': expected cocostuff27, cityscapes, sample-stuff"
                    + (labelled ? " or sample-cityscapes" : ", sample-cityscapes or images"));
        };
    }

    /** The ids to use: the first --images of the set, or all. */
    List<String> ids(LabelledImages set) {
        if (images < 0) throw new InvalidInputException("--images must be >= 0, got " + images);
        return images > 0 && images < set.ids().size() ? set.ids().subList(0, images) : set.ids();
    }
}
