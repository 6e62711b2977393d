package org.pathways.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Locale;
import org.pathways.model.Taps;
import org.pathways.model.Unet;
import org.pathways.pipeline.ProcessStatus;

/**
 * {@code bench --part sd}: one UNet pass of Stable Diffusion 1.4 at 512 x 512 (64 x 64 latents, full-size random
 * weights: 859.5 M parameters) conditioned on a 77 x 768 context, with the 16 self-attention probabilities kept as
 * the per-image method keeps them (8 heads x N x N per layer, N = 4096 / 1024 / 256 / 64), and what that means per
 * image: the paper's 2000 passes without the attention buffer, and with the buffer of App. B.2 (size 5, reuse 3/4 once
 * full: about 5 + 1995 / 4 UNet passes). The spectral optimisation's own cost per pass is not included.
 */
final class BenchSd {
    static final int PASSES = 2000;
    static final int BUFFER = 5;
    static final double REUSE = 0.75;

    private BenchSd() {}

    static void run(boolean quick) {
        int side = quick ? 32 : 64;
        int repeats = quick ? 1 : 2;
        System.out.printf(Locale.ROOT, "Stable Diffusion 1.4 UNet, random full-size weights, %d x %d latents (%d px), empty-prompt-sized context, the 16 attn1 probabilities kept%n",
                side, side, side * 8);
        try (NDManager manager = NDManager.newBaseManager()) {
            long t0 = System.nanoTime();
            Unet unet = Unet.random(manager, Unet.Config.sd14(), 0);
            double loadSeconds = (System.nanoTime() - t0) / 1e9;
            long rssLoaded = ProcessStatus.residentMiB();
            manager.getEngine().setRandomSeed(0);
            double best = Double.POSITIVE_INFINITY;
            long probsBytes = 0;
            for (int r = 0; r < repeats; r++) {
                try (NDManager pass = manager.newSubManager()) {
                    NDArray sample = pass.randomNormal(new Shape(1, 4, side, side));
                    NDArray context = pass.randomNormal(new Shape(1, 77, 768));
                    Taps taps = new Taps(pass, "**.attn1.probs");
                    long start = System.nanoTime();
                    unet.forward(sample, 137, context, taps);
                    best = Math.min(best, (System.nanoTime() - start) / 1e9);
                    probsBytes = 0;
                    for (NDArray a : taps.captured().values()) probsBytes += a.size() * 4;
                }
            }
            unet.close();
            double unetPasses = BUFFER + (PASSES - BUFFER) * (1 - REUSE);
            System.out.printf(Locale.ROOT, "  weights: %.1f s to generate and load, RSS %d MiB%n", loadSeconds, rssLoaded);
            System.out.printf(Locale.ROOT, "  one UNet pass with the attention taps: %.2f s (best of %d); the 16 probabilities take %.2f GB (float32)%n", best, repeats,
                    probsBytes / 1e9);
            System.out.printf(Locale.ROOT, "  per image, UNet only: %d passes without the buffer %.0f s (%.1f h); with the buffer (%d sets, reuse %.2f) about %.0f passes, %.0f s (%.1f h)%n",
                    PASSES, PASSES * best, PASSES * best / 3600, BUFFER, REUSE, unetPasses, unetPasses * best, unetPasses * best / 3600);
            System.out.printf(Locale.ROOT, "  a buffer of %d sets holds %.1f GB of probabilities (float32); peak RSS %d MiB%n", BUFFER, BUFFER * probsBytes / 1e9,
                    ProcessStatus.field("VmHWM:") / 1024);
            System.out.println("  the paper (Table 5, an NVIDIA A40): 67 s per image with the buffer, 155 s without");
        }
    }
}
