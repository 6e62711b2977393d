import java.nio.file.Path;
import org.pathways.model.SafeTensors;
import org.pathways.model.VisionTransformer;
/** Random DINO ViT-S/16 weights of the real sizes (timm key names), as bench --part vit writes them. */
public class MakeWeights {
    public static void main(String[] a) throws Exception {
        VisionTransformer.Config s16 = VisionTransformer.PRESETS.get("dino-vits16");
        SafeTensors.writeFloat32(Path.of(a[0]), VisionTransformer.randomWeights(s16, 14, 0));
    }
}
