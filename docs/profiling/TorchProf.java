import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Path;
import org.pathways.data.Images;
import org.pathways.model.Backbone;
import org.pathways.model.Backbones;
import org.pathways.model.VitBackbone;
import org.pathways.pipeline.PerImage;

/**
 * libtorch's own profiler (DJL: JniUtils.startProfile / stopProfile, a Chrome trace) around the phases of segment:
 * args: backbone weights|- image schedule outPrefix. Writes outPrefix-graphs.json and outPrefix-optcluster.json.
 */
public class TorchProf {
    public static void main(String[] a) throws Exception {
        Path weights = a[1].equals("-") ? null : Path.of(a[1]);
        var image = Images.read(Path.of(a[2]));
        PerImage.Options options = PerImage.Options.defaults().withSchedule(PerImage.Schedule.named(a[3]));
        ai.djl.engine.Engine.getInstance(); // loads libtorch (pixels never touches it before the optimisation)
        try (Backbone backbone = Backbones.create(a[0], weights, VitBackbone.Resize.AUTHORS)) {
            backbone.graphs(image); // warm-up: weights loaded, libtorch initialised
            JniUtils.startProfile(false, true, false);
            long t = System.nanoTime();
            Backbone.Graphs graphs = backbone.graphs(image);
            System.out.printf("graphs %.2f s%n", (System.nanoTime() - t) / 1e9);
            JniUtils.stopProfile(a[4] + "-graphs.json");
            JniUtils.startProfile(false, true, false);
            t = System.nanoTime();
            PerImage.Outcome out = PerImage.segment(graphs, options, null);
            System.out.printf("optimise+cluster %.2f s %s%n", (System.nanoTime() - t) / 1e9, out.seconds());
            JniUtils.stopProfile(a[4] + "-optcluster.json");
        }
    }
}
