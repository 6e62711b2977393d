package org.pathways.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Locale;
import org.pathways.affinity.Graph;
import org.pathways.model.StableDiffusionBackbone;
import org.pathways.model.Taps;
import org.pathways.model.Unet;
import org.pathways.pipeline.PerImage;
import org.pathways.pipeline.ProcessStatus;
import org.pathways.spectral.GraphBuffer;

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
        if (quick) {
            System.out.println("  a short sd14 run with the buffer: skipped in --quick (it writes a 4.3 GB random pipeline once)");
        } else {
            bufferedRun();
        }
    }

    /** Passes of the short run: enough to fill the buffer of 5 and then replace sets, so the peak is the full buffer's. */
    static final int RUN_STEPS = 14;

    /**
     * A short {@code segment --backbone sd14} on full-size random weights (written once, under the weights folder, as
     * {@code sd14-random/}), buffer of 5 in float16 as by default: its peak RSS is a real run's, since the buffer is full
     * after 5 fresh passes and later passes only replace sets.
     */
    private static void bufferedRun() {
        try {
            java.nio.file.Path pipeline = StableDiffusionBackbone.defaultPipeline().resolveSibling("sd14-random");
            long t0 = System.nanoTime();
            org.pathways.model.SampleModels.fullSizeStableDiffusion(pipeline, 0);
            double writeSeconds = (System.nanoTime() - t0) / 1e9;
            java.awt.image.BufferedImage image = org.pathways.data.SampleScene.planted(4, 480, 360, 8, 1).image();
            PerImage.Options options = PerImage.Options.defaults().withSchedule(PerImage.Schedule.steps(RUN_STEPS));
            try (StableDiffusionBackbone sd = new StableDiffusionBackbone(StableDiffusionBackbone.Settings.paper(pipeline))) {
                long start = System.nanoTime();
                PerImage.Outcome outcome = PerImage.segment(image, sd, options);
                double seconds = (System.nanoTime() - start) / 1e9;
                long setBytes = 0;
                for (Graph g : outcome.features().graphs()) setBytes += 4L * g.heads() * g.nodes() * g.nodes();
                GraphBuffer.Counts sets = outcome.features().graphSets();
                long peak = ProcessStatus.field("VmHWM:") / 1024;
                System.out.printf(Locale.ROOT, "  a short sd14 run (random full-size pipeline %s, %.0f s to write or check): %d passes, %d fresh UNet runs, %d reused sets, %.0f s%n",
                        pipeline, writeSeconds, RUN_STEPS + 1, sets.fresh(), sets.reused(), seconds);
                System.out.printf(Locale.ROOT, "  one set of the 16 graphs: %.2f GB in float32; the buffer of %d in float16 (the default) %.1f GB; peak RSS of the bench %d MiB%n",
                        setBytes / 1e9, BUFFER, BUFFER * setBytes / 2e9, peak);
                System.out.printf(Locale.ROOT, "  with --sd-buffer-dtype float32 the buffer takes %.1f GB more: a peak of about %.0f MiB%n",
                        BUFFER * setBytes / 2e9, peak + BUFFER * setBytes / 2.0 / (1 << 20));
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
