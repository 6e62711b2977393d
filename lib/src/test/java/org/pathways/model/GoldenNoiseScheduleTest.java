package org.pathways.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.common.InvalidInputException;
import org.pathways.data.NdData;
import org.pathways.testing.Golden;
import org.pathways.testing.TapAssert;

/**
 * The noise schedule against diffusers 0.40 / torch 2.13 float32 (golden/sd/scheduler). Measured: betas,
 * alphas_cumprod and add_noise at t = 0, 137, 250 are bit-identical (max |diff| 0), so the tolerance is 0.
 */
class GoldenNoiseScheduleTest {
    private static final String DIR = "sd/scheduler";

    @TempDir
    Path tmp;

    private static double[] widen(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) out[i] = values[i];
        return out;
    }

    @Test
    void scheduleMatchesDiffusersBitForBit() {
        NoiseSchedule schedule = NoiseSchedule.load(Golden.dir(DIR).resolve("scheduler_config.json"));
        assertEquals(NoiseSchedule.SD14, schedule.config());
        Golden.assertCloseAbs("sd/scheduler betas", Golden.npy(DIR, "betas").values(), widen(schedule.betas()), 0);
        Golden.assertCloseAbs("sd/scheduler alphas_cumprod", Golden.npy(DIR, "alphas_cumprod").values(), widen(schedule.alphasCumprod()), 0);
    }

    @Test
    void addNoiseMatchesDiffusersBitForBit() {
        NoiseSchedule schedule = new NoiseSchedule(NoiseSchedule.SD14);
        NdData x0 = Golden.npy(DIR, "add_noise_x0");
        NdData noise = Golden.npy(DIR, "add_noise_noise");
        int[] timesteps = Golden.npy(DIR, "add_noise_timesteps").asInts();
        double[] expected = Golden.npy(DIR, "add_noise_out").values();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray sample = m.create(x0.asFloats(), TapAssert.shape(x0));
            NDArray eps = m.create(noise.asFloats(), TapAssert.shape(noise));
            int size = x0.size();
            for (int i = 0; i < timesteps.length; i++) {
                float[] got = schedule.addNoise(sample, eps, timesteps[i]).toFloatArray();
                Golden.assertCloseAbs("sd/scheduler add_noise t=" + timesteps[i], Golden.slice(expected, i * size, size), widen(got), 0);
            }
        }
    }

    @Test
    void refusesOtherSchedulesAndTimesteps() throws Exception {
        Path config = tmp.resolve("scheduler_config.json");
        Files.writeString(config, "{\"beta_schedule\": \"squaredcos_cap_v2\", \"beta_start\": 0.0001, \"beta_end\": 0.02}");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> NoiseSchedule.load(config));
        assertTrue(e.getMessage().contains("squaredcos_cap_v2") && e.getMessage().contains(config.toString()) && !e.getMessage().contains("\n"), e.getMessage());
        Files.writeString(config, "{\"beta_schedule\": \"scaled_linear\", \"trained_betas\": [0.1, 0.2]}");
        assertThrows(InvalidInputException.class, () -> NoiseSchedule.load(config));
        NoiseSchedule schedule = new NoiseSchedule(NoiseSchedule.SD14);
        assertThrows(InvalidInputException.class, () -> schedule.signalScale(1000));
        assertThrows(InvalidInputException.class, () -> schedule.noiseScale(-1));
    }
}
