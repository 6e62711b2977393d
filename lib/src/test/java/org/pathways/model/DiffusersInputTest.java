package org.pathways.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.common.InvalidInputException;
import org.pathways.testing.Golden;

/** Bad input to the Stable Diffusion models: one-line errors that name what is wrong and where. */
class DiffusersInputTest {
    @TempDir
    Path dir;

    static String oneLine(Executable call, String... mustContain) {
        String message = assertThrows(InvalidInputException.class, call).getMessage();
        assertFalse(message.contains("\n"), "one line: " + message);
        for (String s : mustContain) assertTrue(message.contains(s), "'" + s + "' in: " + message);
        return message;
    }

    @Test
    void checkpointsSwappedNameTheFirstMissingKeyAndTheFile() {
        Path unet = Golden.dir("sd/unet");
        Path vae = Golden.dir("sd/vae");
        try (NDManager m = NDManager.newBaseManager()) {
            Path vaeWeights = vae.resolve("diffusion_pytorch_model.safetensors");
            oneLine(() -> Unet.load(m, vaeWeights, unet.resolve("config.json")), "missing key conv_in.weight", vaeWeights.toString());
            Path unetWeights = unet.resolve("diffusion_pytorch_model.safetensors");
            oneLine(() -> VaeEncoder.load(m, unetWeights, vae.resolve("config.json")), "missing key encoder.conv_in.weight", unetWeights.toString());
        }
    }

    @Test
    void aMissingKeyIsNamed() throws Exception {
        Map<String, SafeTensors.Tensor> tensors = SafeTensors.read(Golden.dir("sd/vae").resolve("diffusion_pytorch_model.safetensors"));
        tensors.remove("encoder.mid_block.attentions.0.to_k.weight");
        Path file = dir.resolve("diffusion_pytorch_model.safetensors");
        SafeTensors.writeFloat32(file, tensors);
        Files.copy(Golden.dir("sd/vae").resolve("config.json"), dir.resolve("config.json"));
        try (NDManager m = NDManager.newBaseManager()) {
            oneLine(() -> VaeEncoder.load(m, dir, null), "missing key encoder.mid_block.attentions.0.to_k.weight", file.toString());
        }
    }

    @Test
    void aMissingConfigIsNamed() throws Exception {
        Path weights = dir.resolve("diffusion_pytorch_model.safetensors");
        Files.copy(Golden.dir("sd/unet").resolve("diffusion_pytorch_model.safetensors"), weights);
        try (NDManager m = NDManager.newBaseManager()) {
            oneLine(() -> Unet.load(m, dir, null), "missing config.json", dir.resolve("config.json").toString());
            oneLine(() -> Unet.load(m, weights, null), "missing config.json", dir.resolve("config.json").toString());
            oneLine(() -> VaeEncoder.load(m, weights, null), "missing config.json");
            oneLine(() -> Unet.load(m, dir.resolve("nothing"), null), "no such weights file or folder");
            oneLine(() -> Unet.load(m, weights, Golden.dir("sd/vae").resolve("config.json")), "not a UNet2DConditionModel config (_class_name AutoencoderKL)");
            oneLine(() -> VaeEncoder.load(m, weights, Golden.dir("sd/unet").resolve("config.json")), "not an AutoencoderKL config (_class_name UNet2DConditionModel)");
        }
    }

    @Test
    void encoderHiddenStatesOfTheWrongWidth() {
        try (NDManager m = NDManager.newBaseManager(); Unet unet = Unet.load(m, Golden.dir("sd/unet"), null)) {
            oneLine(() -> unet.forward(m.zeros(new Shape(1, 4, 16, 16)), 10, m.zeros(new Shape(1, 77, 48)), new Taps(m)),
                    "encoder_hidden_states", "(B, L, 32)", "got width 48");
            oneLine(() -> unet.forward(m.zeros(new Shape(1, 3, 16, 16)), 10, m.zeros(new Shape(1, 77, 32)), new Taps(m)), "UNet sample", "(B, 4, H, W)");
        }
    }
}
