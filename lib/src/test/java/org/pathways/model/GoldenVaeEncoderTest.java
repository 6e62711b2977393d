package org.pathways.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pathways.data.NdData;
import org.pathways.testing.Golden;
import org.pathways.testing.TapAssert;

/**
 * The VAE encoder against diffusers' AutoencoderKL on the tiny random checkpoint of golden/sd, with the current
 * attention key names (vae/) and the pre-0.14 ones (vae_legacy/): every encoder intermediate, the mid-block
 * attention's x, q, k, v, probs, out, the posterior's mean, log-variance and std, the scaled mean and a sample.
 *
 * <p>Measured max |diff| (CPU, float32; both layouts identical): encoder.conv_in 0, down_blocks.0 7.2e-7,
 * down_blocks.1 1.4e-6, mid_block 5.0e-6, conv_norm_out 8.5e-6, conv_out 2.7e-6, quant_conv 1.4e-6; attention x
 * 2.1e-6, q 7.3e-6, k 8.0e-6, v 2.7e-6, probs 3.2e-6, out 3.4e-6; posterior mean 1.2e-6, logvar 1.5e-6, std 9.5e-7,
 * scaled mean 2.1e-7, sample 1.3e-6. Tolerances: 2e-5 on intermediates and attention tensors, 1e-5 on probs, 5e-6 on
 * the posterior.
 */
class GoldenVaeEncoderTest {
    static final String IO = "sd/vae_io";

    @ParameterizedTest
    @ValueSource(strings = {"sd/vae", "sd/vae_legacy"})
    void encoderMatchesDiffusers(String weights) {
        NdData image = Golden.npy(IO, "image");
        try (NDManager m = NDManager.newBaseManager(); VaeEncoder vae = VaeEncoder.load(m, Golden.dir(weights), null)) {
            Taps taps = new Taps(m, "**");
            VaeEncoder.Posterior posterior = vae.encode(m.create(image.asFloats(), TapAssert.shape(image)), taps);
            Map<String, NDArray> got = taps.captured();
            String[] steps = {"encoder.conv_in", "encoder.down_blocks.0", "encoder.down_blocks.1", "encoder.mid_block",
                    "encoder.conv_norm_out", "encoder.conv_out", "quant_conv"};
            for (int i = 0; i < steps.length; i++) GoldenUnetTest.compare(got, steps[i], IO + "/intermediates", String.format("%02d_%s", i, steps[i]), 2e-5);
            for (String field : new String[] {"x", "q", "k", "v", "probs", "out"}) {
                GoldenUnetTest.compare(got, "encoder.mid_block.attentions.0." + field, IO + "/attn", "00_" + field, field.equals("probs") ? 1e-5 : 2e-5);
            }
            GoldenUnetTest.compare(got, "posterior_mean", IO, "posterior_mean", 5e-6);
            GoldenUnetTest.compare(got, "posterior_logvar", IO, "posterior_logvar", 5e-6);
            assertTrue(posterior.mean() == got.get("posterior_mean"), "encode returns the tapped mean");
            GoldenUnetTest.compare(Map.of("std", posterior.std()), "std", IO, "posterior_std", 5e-6);
            GoldenUnetTest.compare(Map.of("scaled", vae.scale(posterior.mean())), "scaled", IO, "latent_mean_scaled", 5e-6);
            NdData eps = Golden.npy(IO, "sample_eps");
            GoldenUnetTest.compare(Map.of("sample", posterior.sample(m.create(eps.asFloats(), TapAssert.shape(eps)))), "sample", IO, "posterior_sample", 5e-6);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"32x32", "24x40", "23x17"})
    void seededLatentsOfAnySize(String size) {
        int h = Integer.parseInt(size.split("x")[0]);
        int w = Integer.parseInt(size.split("x")[1]);
        try (NDManager m = NDManager.newBaseManager(); VaeEncoder vae = VaeEncoder.load(m, Golden.dir("sd/vae"), null)) {
            NDArray image = m.randomUniform(-1, 1, new ai.djl.ndarray.types.Shape(1, 3, h, w));
            NDArray a = vae.latents(image, 7);
            NDArray b = vae.latents(image, 7);
            NDArray c = vae.latents(image, 8);
            assertArrayEquals(new long[] {1, 4, h / 2, w / 2}, a.getShape().getShape()); // diffusers pads right/bottom, then a 3x3 conv of stride 2
            assertEquals(0f, a.sub(b).abs().max().getFloat(), "same seed, same latents");
            assertTrue(a.sub(c).abs().max().getFloat() > 1e-3, "another seed, other latents");
        }
    }
}
