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
            long t = System.nanoTime();
            int masks = InstanceMasks.writeProposals(outcome, loaded.get(i), images.get(i).getFileName().toString(), instanceOptions, dir);
            extra.put("instanceMasks", masks);
            extra.put("instanceSeconds", (System.nanoTime() - t) / 1e9); // not in "seconds": the proposals are an extra on the method
            PerImage.write(outcome, loaded.get(i), images.get(i).toString(), options, dir, extra);
            System.out.printf("%s: %d regions, %d instance masks, final loss %.5f, %.1f s -> %s%n", images.get(i), outcome.chosenK(), masks,
                    outcome.features().run().finalLoss(), outcome.seconds().values().stream().mapToDouble(Double::doubleValue).sum(), dir);
        }
    }

    static String stem(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
