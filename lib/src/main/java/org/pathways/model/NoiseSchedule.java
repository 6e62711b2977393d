package org.pathways.model;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import org.pathways.common.InvalidInputException;

/**
 * Stable Diffusion's training noise schedule and the forward noising q(x_t | x_0), bit for bit as diffusers computes
 * them in float32 (DDPMScheduler / PNDMScheduler: {@code scheduling_ddpm.py}, {@code scheduling_pndm.py}, which agree).
 *
 * <p>betas = linspace(sqrt(beta_start), sqrt(beta_end), T) squared ("scaled_linear"), alphas_cumprod = cumprod(1 -
 * betas), add_noise(x0, noise, t) = sqrt(acp[t]) x0 + sqrt(1 - acp[t]) noise. The float32 rounding follows torch's CPU
 * kernels, checked bit for bit against torch 2.13: linspace fills the first half as fma(step, i, start) and the second
 * as fma(-step, T-1-i, end) with step = (end - start) / (T - 1) in float32; {@code ** 2} is x*x; cumprod accumulates
 * in double and rounds each partial product to float32.
 */
public final class NoiseSchedule {

    /** The fields of a diffusers {@code scheduler_config.json} that fix the schedule. */
    public record Config(int numTrainTimesteps, double betaStart, double betaEnd, String betaSchedule) {
        public Config {
            if (!betaSchedule.equals("scaled_linear")) {
                throw new InvalidInputException("noise schedule: beta_schedule '" + betaSchedule + "' is not supported (only scaled_linear, Stable Diffusion 1.x)");
            }
            if (numTrainTimesteps < 2) throw new InvalidInputException("noise schedule: num_train_timesteps " + numTrainTimesteps + " must be at least 2");
            if (!(betaStart > 0 && betaStart < betaEnd && betaEnd < 1)) {
                throw new InvalidInputException("noise schedule: betas must satisfy 0 < beta_start < beta_end < 1, got " + betaStart + " and " + betaEnd);
            }
        }

        /** Reads a diffusers {@code scheduler_config.json} (DDPM, PNDM, DDIM ... share these fields and defaults). */
        public static Config fromDiffusers(Path schedulerConfigJson) {
            JsonObject c = org.pathways.common.JsonFiles.readObject(schedulerConfigJson);
            JsonElement trained = c.get("trained_betas");
            if (trained != null && !trained.isJsonNull()) {
                throw new InvalidInputException(schedulerConfigJson + ": trained_betas are not supported (only a scaled_linear schedule)");
            }
            try { // the defaults are diffusers' DDPMScheduler defaults
                return new Config(c.has("num_train_timesteps") ? c.get("num_train_timesteps").getAsInt() : 1000,
                        c.has("beta_start") ? c.get("beta_start").getAsDouble() : 0.0001,
                        c.has("beta_end") ? c.get("beta_end").getAsDouble() : 0.02,
                        c.has("beta_schedule") ? c.get("beta_schedule").getAsString() : "linear");
            } catch (InvalidInputException e) {
                throw new InvalidInputException(schedulerConfigJson + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                throw new InvalidInputException(schedulerConfigJson + ": bad scheduler config field (" + e.getMessage() + ")", e);
            }
        }
    }

    /** CompVis/stable-diffusion-v1-4's scheduler_config.json. */
    public static final Config SD14 = new Config(1000, 0.00085, 0.012, "scaled_linear");

    private final Config config;
    private final float[] betas;
    private final float[] alphasCumprod;

    public NoiseSchedule(Config config) {
        this.config = config;
        int n = config.numTrainTimesteps();
        float start = (float) Math.sqrt(config.betaStart()); // Python's beta_start**0.5 in double, then torch's cast
        float end = (float) Math.sqrt(config.betaEnd());
        float step = (end - start) / (n - 1);
        betas = new float[n];
        for (int i = 0; i < n; i++) {
            // torch's linspace: from the start up to the middle, from the end after it (fused multiply-add as compiled)
            float root = i < n / 2 ? Math.fma(step, (float) i, start) : Math.fma(-step, (float) (n - 1 - i), end);
            betas[i] = root * root;
        }
        alphasCumprod = new float[n];
        double product = 1;
        for (int i = 0; i < n; i++) {
            product *= 1f - betas[i]; // alphas = 1 - betas in float32; the running product in double, as torch's CPU cumprod
            alphasCumprod[i] = (float) product;
        }
    }

    public static NoiseSchedule load(Path schedulerConfigJson) {
        return new NoiseSchedule(Config.fromDiffusers(schedulerConfigJson));
    }

    public Config config() {
        return config;
    }

    public int numTrainTimesteps() {
        return config.numTrainTimesteps();
    }

    public float[] betas() {
        return betas.clone();
    }

    public float[] alphasCumprod() {
        return alphasCumprod.clone();
    }

    /** sqrt(acp[t]), the weight of the clean sample at timestep t (float32, as torch's {@code ** 0.5}). */
    public float signalScale(int timestep) {
        return (float) Math.sqrt(alphasCumprod[checked(timestep)]);
    }

    /** sqrt(1 - acp[t]), the weight of the noise at timestep t. */
    public float noiseScale(int timestep) {
        return (float) Math.sqrt(1f - alphasCumprod[checked(timestep)]);
    }

    /** x_t = sqrt(acp[t]) x0 + sqrt(1 - acp[t]) noise: two float32 products, then their float32 sum, as diffusers. */
    public NDArray addNoise(NDArray x0, NDArray noise, int timestep) {
        if (!x0.getShape().equals(noise.getShape())) {
            throw new InvalidInputException("addNoise: sample shape " + x0.getShape() + " differs from noise shape " + noise.getShape());
        }
        return x0.mul(signalScale(timestep)).add(noise.mul(noiseScale(timestep)));
    }

    private int checked(int timestep) {
        if (timestep < 0 || timestep >= betas.length) {
            throw new InvalidInputException("noise schedule: timestep " + timestep + " outside 0.." + (betas.length - 1));
        }
        return timestep;
    }
}
