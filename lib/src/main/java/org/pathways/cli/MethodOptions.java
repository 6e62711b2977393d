package org.pathways.cli;

import org.pathways.pipeline.PerImage;
import org.pathways.pipeline.PerImage.Options;
import org.pathways.spectral.SpectralObjective;
import picocli.CommandLine.Option;

/**
 * The method's options shared by demo, segment, spectral and the data-set runs. Every default is a constant of
 * {@link PerImage.Options}, so the command line and {@link PerImage.Options#defaults()} cannot drift apart.
 */
final class MethodOptions {
    @Option(names = "--schedule", defaultValue = "paper", description = "Loop passes: paper (App. B.2: 1000 for CLIP, 2000 for the other backbones) "
            + "or authors (1300 for every model, the authors' code) (default: ${DEFAULT-VALUE}). --steps overrides both.")
    String schedule;

    @Option(names = "--steps", paramLabel = "N", description = "Exactly N loop passes, counted as the authors' train_steps (N + 1 passes), "
            + "instead of the schedule's count.")
    Integer steps;

    @Option(names = "--accum", defaultValue = "" + Options.DEFAULT_ACCUMULATION, description = "Passes per optimiser update (default: ${DEFAULT-VALUE}): updates after pass accum+1, then every accum passes.")
    int accum;

    @Option(names = "--eigs", defaultValue = "" + Options.DEFAULT_EIGS, description = "K, the number of eigenvectors (feature channels) (default: ${DEFAULT-VALUE}).")
    int eigs;

    @Option(names = "--k-max", defaultValue = "" + Options.DEFAULT_K_MAX, description = "Largest number of regions tried by k-means, from 2 (default: ${DEFAULT-VALUE}).")
    int kMax;

    @Option(names = "--seed", defaultValue = "" + Options.DEFAULT_SEED, description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--lr", defaultValue = "" + Options.DEFAULT_LEARNING_RATE, description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--param", defaultValue = Options.DEFAULT_PARAMETRISATION, description = "Feature parametrisation: toycnn (the authors') or direct (default: ${DEFAULT-VALUE}).")
    String param;

    @Option(names = "--eig-weight", defaultValue = "" + Options.DEFAULT_EIG_WEIGHT, description = "Weight of the eigenvalue term (default: ${DEFAULT-VALUE}, the authors' --eig_loss_weight).")
    double eigWeight;

    @Option(names = "--ortho-weight", defaultValue = "" + Options.DEFAULT_ORTHO_WEIGHT, description = "Weight of the orthogonality term (default: ${DEFAULT-VALUE}, the authors' --ortho_loss_weight).")
    double orthoWeight;

    @Option(names = "--exact-passes", description = "Compute every pass of a window instead of one pass scaled by the window length (identical results when the graphs are fixed; 20x slower).")
    boolean exactPasses;

    @Option(names = "--graph-top-k", defaultValue = "0", description = "Keep only each row's K largest affinities, stored sparsely, to save memory on large graphs (0: dense) (default: ${DEFAULT-VALUE}). "
            + "The baselines' final attention stays dense.")
    int graphTopK;

    @Option(names = "--solver", defaultValue = Options.DEFAULT_SOLVER, paramLabel = "learned|exact", description = "learned: the paper's optimisation; "
            + "exact (ours, not the paper's): the K largest eigenvectors of all graphs' aggregated operator in one shot, no optimisation (default: ${DEFAULT-VALUE}).")
    String solver;

    @Option(names = "--init", defaultValue = Options.DEFAULT_INIT, paramLabel = "random|exact", description = "Start of the learned features: random (the parametrisation's own) "
            + "or exact (the exact solver's eigenvectors V mapped onto the softmax's simplex, softmax over channels of 2 sqrt(N) V; needs --param direct) "
            + "(default: ${DEFAULT-VALUE}). spectral also takes a file X.npy.")
    String init;

    /** Set by spectral, whose --init also takes a start file. */
    boolean initFileAllowed;

    /** --init X.npy (spectral): the file, or null for random and exact. */
    java.nio.file.Path initFile() {
        return init.equals("random") || init.equals("exact") || !initFileAllowed ? null : java.nio.file.Path.of(init);
    }

    /** The options as a record, which checks them (one-line errors). */
    Options options() {
        if (!(eigWeight >= 0) || !(orthoWeight >= 0)) {
            throw new org.pathways.common.InvalidInputException("--eig-weight and --ortho-weight must be >= 0, got " + eigWeight + " and " + orthoWeight);
        }
        PerImage.Schedule chosen = steps != null ? PerImage.Schedule.steps(steps) : PerImage.Schedule.named(schedule);
        return Options.defaults().withSchedule(chosen).withAccumulation(accum).withEigs(eigs).withKMax(kMax).withSeed(seed)
                .withParametrisation(param).withLearningRate(lr).withReuseWindowPass(!exactPasses).withGraphTopK(graphTopK)
                .withWeights(new SpectralObjective.Weights(eigWeight, orthoWeight)).withSolver(solver).withInit(initFile() != null ? Options.DEFAULT_INIT : init).checkInit();
    }
}
