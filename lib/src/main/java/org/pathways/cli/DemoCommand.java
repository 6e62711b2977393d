package org.pathways.cli;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pathways.data.Images;
import org.pathways.data.SampleScene;
import org.pathways.eval.OracleMiou;
import org.pathways.model.Backbone;
import org.pathways.pipeline.PerImage;
import org.pathways.viz.Pictures;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"The per-image method on a scene the program draws itself (nothing to download), with the "
                + "default backbone. Writes the segment files plus input.png and panel.png/.jpg to OUT and prints the oracle "
                + "mIoU against the scene's true regions."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--image", description = "Use this image instead of the drawn scene.")
    Path image;

    @Mixin
    BackboneOptions source;

    @Option(names = "--out", defaultValue = "results/demo", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--force", description = "Overwrite files in OUT that Pathways did not write.")
    boolean force;

    @Mixin
    MethodOptions method;

    @Override
    public Integer call() throws Exception {
        try (Backbone model = source.create(method.options().graphTopK())) {
            return run(model);
        }
    }

    private int run(Backbone model) throws Exception {
        BufferedImage input;
        int[] truth = null;
        if (image != null) {
            input = Images.read(image);
        } else {
            SampleScene.Labelled scene = SampleScene.landscape(320, 240, 6, 1);
            input = scene.image();
            truth = scene.labels();
        }
        List<String> files = new java.util.ArrayList<>(PerImage.SEGMENT_FILES);
        files.add("input.png");
        files.add("panel.png");
        files.add("panel.jpg");
        PerImage.checkWritable(out, files, force);
        PerImage.Options options = method.options();
        System.err.println("demo: " + (image == null ? "drawn landscape scene, 320x240, 7 regions" : image) + "; " + model.describe());
        PerImage.Outcome outcome = PerImage.segment(input, model, options, new Progress(System.err, "[demo]"));
        Map<String, Object> extra = new LinkedHashMap<>();
        if (truth != null) {
            double miou = OracleMiou.of(outcome.regions(), truth);
            extra.put("oracleMiouAgainstScene", miou);
            System.out.printf("oracle mIoU against the scene's 7 true regions: %.3f%n", miou);
        }
        PerImage.write(outcome, input, image == null ? "drawn landscape scene" : image.toString(), options, out, extra);
        Images.writePng(input, out.resolve("input.png"));
        var r = outcome.features().reorth();
        var run = outcome.features().run();
        BufferedImage panel = Pictures.panel(List.of(input,
                Pictures.eigenvectorsRgb(r.eigenvectors(), r.channels(), run.height(), run.width(), 1, input.getHeight(), input.getWidth()),
                Pictures.overlay(input, outcome.regions(), 0.55)),
                List.of("input", "eigenvectors 1-3 as RGB", "regions (k = " + outcome.chosenK() + ")"), 240);
        Images.writePng(panel, out.resolve("panel.png"));
        Images.writeJpeg(panel, out.resolve("panel.jpg")); // small copy, e.g. for a README
        System.out.printf("%d regions, final loss %.5f, %d passes (%d computed, %d updates), %.1f s; files in %s%n",
                outcome.chosenK(), run.finalLoss(), run.passes(), run.computedPasses(), run.updates(),
                outcome.seconds().values().stream().mapToDouble(Double::doubleValue).sum(), out);
        return 0;
    }
}
