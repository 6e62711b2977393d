package org.pathways.cli;

import org.pathways.pipeline.PerImage;
import picocli.CommandLine.Option;

/** The optimisation options shared by demo, segment and spectral. */
final class MethodOptions {
    @Option(names = "--steps", defaultValue = "1300", description = "Loop passes, counted as the authors' train_steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--accum", defaultValue = "20", description = "Passes per optimiser update (default: ${DEFAULT-VALUE}): updates after pass accum+1, then every accum passes.")
    int accum;

    @Option(names = "--eigs", defaultValue = "15", description = "K, the number of eigenvectors (feature channels) (default: ${DEFAULT-VALUE}).")
    int eigs;

    @Option(names = "--k-max", defaultValue = "10", description = "Largest number of regions tried by k-means, from 2 (default: ${DEFAULT-VALUE}).")
    int kMax;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--param", defaultValue = "toycnn", description = "Feature parametrisation: toycnn (the authors') or direct (default: ${DEFAULT-VALUE}).")
    String param;

    @Option(names = "--exact-passes", description = "Compute every pass of a window instead of one pass scaled by the window length (identical results when the graphs are fixed; 20x slower).")
    boolean exactPasses;

    @Option(names = "--graph-top-k", defaultValue = "0", description = "Keep only each row's K largest affinities, stored sparsely, to save memory on large graphs (0: dense) (default: ${DEFAULT-VALUE}).")
    int graphTopK;

    /** The options as a record, which checks them (one-line errors). */
    PerImage.Options options() {
        return new PerImage.Options(steps, accum, eigs, kMax, seed, param, lr, !exactPasses, graphTopK);
    }
}
