package org.pathways.spectral;

import java.awt.image.BufferedImage;
import java.util.List;
import org.pathways.data.SampleScene;
import org.pathways.eval.OracleMiou;
import org.pathways.model.Backbone;
import org.pathways.model.PixelsBackbone;
import org.pathways.pipeline.PerImage;

/**
 * The README's table "An exact solver (ours, not the paper's)": exact vs learned on three planted scenes and the demo's
 * drawn landscape. Not a test (it takes minutes and asserts nothing): a program in the test sources, run after
 * {@code mvn -o -q test-compile} with
 * {@code java -cp lib/target/test-classes:lib/target/classes:$(cat lib/target/classpath.txt) org.pathways.spectral.ExactSolverMeasurement}
 * ({@code -Dpathways.measureExact.skipLandscape=true} leaves out the landscape's 14 minutes).
 */
public final class ExactSolverMeasurement {
    record Scene(String name, SampleScene.Labelled scene, Backbone backbone) {}

    public static void main(String[] args) {
        PixelsBackbone small = new PixelsBackbone(PixelsBackbone.Config.defaults().withShortSides(8, 16, 32));
        List<Scene> scenes = new java.util.ArrayList<>(List.of(
                new Scene("planted 5 regions (seed 3)", SampleScene.planted(5, 128, 96, 20, 3), small),
                new Scene("planted 4 regions (seed 7)", SampleScene.planted(4, 128, 96, 20, 7), small),
                new Scene("planted 6 regions (seed 11)", SampleScene.planted(6, 128, 96, 20, 11), small)));
        if (!Boolean.getBoolean("pathways.measureExact.skipLandscape")) {
            scenes.add(new Scene("drawn landscape (demo)", SampleScene.landscape(320, 240, 6, 1), new PixelsBackbone(PixelsBackbone.Config.defaults())));
        }
        StringBuilder table = new StringBuilder();
        for (Scene s : scenes) {
            BufferedImage image = s.scene().image();
            int[] truth = s.scene().labels();
            PerImage.Options options = PerImage.Options.defaults();
            PerImage.Outcome learned = PerImage.segment(image, s.backbone(), options, null);
            PerImage.Outcome exact = PerImage.segment(image, s.backbone(), options.withSolver("exact"), null);
            PerImage.Options direct = options.withParametrisation("direct");
            PerImage.Outcome directRandom = PerImage.segment(image, s.backbone(), direct, null);
            PerImage.Outcome directExact = PerImage.segment(image, s.backbone(), direct.withInit("exact"), null);
            double target = learned.features().run().finalLoss();
            String line = String.format("| %s | %d | learned toycnn: %.3f k=%d loss %.4f %.1fs | exact: %.3f k=%d loss-at-eigvecs %.4f %s | direct random: %.3f k=%d loss %.4f reach %s | direct init exact: %.3f k=%d loss %.4f reach %s first %.4f %s |",
                    s.name(), s.scene().regions(),
                    OracleMiou.of(learned.regions(), truth), learned.chosenK(), target, total(learned),
                    OracleMiou.of(exact.regions(), truth), exact.chosenK(), exact.features().run().finalLoss(), exact.seconds(),
                    OracleMiou.of(directRandom.regions(), truth), directRandom.chosenK(), directRandom.features().run().finalLoss(), reach(directRandom, target),
                    OracleMiou.of(directExact.regions(), truth), directExact.chosenK(), directExact.features().run().finalLoss(), reach(directExact, target),
                    directExact.features().run().lossPerUpdate()[0], directExact.seconds());
            System.out.println("MEASURE " + line);
            System.out.println("MEASURE eigenvalues " + java.util.Arrays.toString(exact.features().exact().values()));
            table.append(line).append('\n');
        }
        System.out.println("MEASURE TABLE\n" + table);
    }

    private static double total(PerImage.Outcome o) {
        return o.seconds().values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** The first optimiser update (1-based) whose loss is at or below the target, or "never (n updates)". */
    private static String reach(PerImage.Outcome o, double target) {
        double[] l = o.features().run().lossPerUpdate();
        for (int i = 0; i < l.length; i++) if (l[i] <= target) return Integer.toString(i + 1);
        return l.length > 0 && o.features().run().finalLoss() <= target ? "final" : "never (" + l.length + ")";
    }
}
