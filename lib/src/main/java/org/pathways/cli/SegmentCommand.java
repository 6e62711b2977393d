package org.pathways.cli;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pathways.data.Images;
import org.pathways.model.Backbone;
import org.pathways.eval.instances.InstanceProposals;
import org.pathways.pipeline.InstanceMasks;
import org.pathways.pipeline.PerImage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "segment", mixinStandardHelpOptions = true,
        description = {"Per-image region extraction (paper Sec. 3.2): graphs from a backbone, learned spectral features, "
                + "k-means regions with k chosen by silhouette.",
            "Writes OUT/<image name>/: regions.png, overlay.png, eigenvectors.png, eigenvector-grid.png, features.npy, "
                + "silhouette.png, loss.png, summary.json, and the instance proposals of the features (paper App. D.2): instances.png and "
                + "instances.json (COCO results format, image_id = the numeric file stem)."})
final class SegmentCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Images (PNG, JPEG, BMP, GIF).")
    List<Path> images;

    @Mixin
    BackboneOptions source;

    @Option(names = "--out", defaultValue = "results/segment", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--force", description = "Overwrite files in OUT that Pathways did not write.")
    boolean force;

    @Mixin
    MethodOptions method;

    @Mixin
    ProposalOptions proposals;

    @Override
    public Integer call() throws Exception {
        PerImage.Options options = method.options(); // refuse bad options, then bad files, before any long work
        InstanceProposals.Options instanceOptions = proposals.options(InstanceProposals.Options.paper().kMax(), options.seed(), InstanceProposals.Options.paper().restarts());
        List<BufferedImage> loaded = new ArrayList<>();
        for (Path p : images) loaded.add(Images.read(p));
        java.util.Map<String, Path> byStem = new java.util.HashMap<>();
        for (Path p : images) {
            Path other = byStem.put(stem(p), p);
            if (other != null) throw new org.pathways.common.InvalidInputException(p + ": same name as " + other + ", both would write " + out.resolve(stem(p)));
            PerImage.checkWritable(out.resolve(stem(p)), PerImage.SEGMENT_FILES, force); // every folder, before any long work
        }
        try (Backbone model = source.create(options.graphTopK())) {
            run(model, loaded, options, instanceOptions);
        }
        return 0;
    }

    private void run(Backbone model, List<BufferedImage> loaded, PerImage.Options options, InstanceProposals.Options instanceOptions) throws java.io.IOException {
        for (int i = 0; i < images.size(); i++) {
            String name = stem(images.get(i));
            Path dir = out.resolve(name);
            System.err.println("segment " + images.get(i) + " with " + model.describe());
            PerImage.Outcome outcome = PerImage.segment(loaded.get(i), model, options, new Progress(System.err, "[" + name + "]"));
            Map<String, Object> extra = new LinkedHashMap<>();
            int masks = writeInstances(outcome, loaded.get(i), images.get(i), instanceOptions, dir);
            extra.put("instanceMasks", masks);
            PerImage.write(outcome, loaded.get(i), images.get(i).toString(), options, dir, extra);
            System.out.printf("%s: %d regions, %d instance masks, final loss %.5f, %.1f s -> %s%n", images.get(i), outcome.chosenK(), masks,
                    outcome.features().run().finalLoss(), outcome.seconds().values().stream().mapToDouble(Double::doubleValue).sum(), dir);
        }
    }

    /**
     * instances.json (COCO results: each proposal nearest-resized to the image, compressed RLE, category 1, the image's
     * numeric file stem as image_id, or the stem itself when it is not a number) and instances.png (the proposals over
     * the image with their scores, best on top).
     */
    static int writeInstances(PerImage.Outcome outcome, BufferedImage image, Path file, InstanceProposals.Options options, Path dir) throws java.io.IOException {
        var run = outcome.features().run();
        InstanceProposals.Proposals p = InstanceProposals.of(outcome.features().reorth().features(), run.channels(), run.height(), run.width(), options);
        long id = InstanceMasks.numericId(file.getFileName().toString());
        List<InstanceMasks.Detection> detections = InstanceMasks.detections(id, p.masks(), p.scores(), run.height(), run.width(), image.getHeight(), image.getWidth());
        com.google.gson.JsonArray json = new com.google.gson.JsonArray();
        for (InstanceMasks.Detection d : detections) {
            com.google.gson.JsonObject o = d.toJson();
            if (id < 0) o.addProperty("image_id", stem(file));
            json.add(o);
        }
        java.nio.file.Files.createDirectories(dir);
        String text = json.toString();
        org.pathways.common.AtomicFiles.write(dir.resolve("instances.json"), tmp -> java.nio.file.Files.writeString(tmp, text));
        Images.writePng(InstanceMasks.picture(image, detections, 20), dir.resolve("instances.png"));
        return detections.size();
    }

    static String stem(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
