package org.pathways.cli;

import java.util.List;
import org.pathways.common.InvalidInputException;
import org.pathways.pipeline.DatasetTraining;
import org.pathways.spectral.FeatureTable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The data-set training's options ({@code run dataset}, and {@code run semantic --backbone}): the paper's values by default. */
final class TrainingOptions {
    @Option(names = "--batch", defaultValue = "40", description = "Images per mini-batch (default: ${DEFAULT-VALUE}, the authors' per-GPU batch; the paper: 160 over 4 GPUs).")
    int batch;

    @Option(names = "--iterations", defaultValue = "2100", description = "Mini-batches in all (default: ${DEFAULT-VALUE}, the paper's). Raising it later continues the same run.")
    int iterations;

    @Option(names = "--solver-iterations", defaultValue = "5", description = "AdamW steps per mini-batch (default: ${DEFAULT-VALUE}, the authors').")
    int solverIterations;

    @Option(names = "--channels", defaultValue = "100", description = "K, feature channels per image (default: ${DEFAULT-VALUE}, the authors').")
    int channels;

    @Option(names = "--lr", defaultValue = "1e-2", description = "AdamW learning rate (default: ${DEFAULT-VALUE}, the authors').")
    double learningRate;

    @Option(names = "--weight-decay", defaultValue = "0", description = "AdamW weight decay (default: ${DEFAULT-VALUE}, as the authors call it).")
    double weightDecay;

    @Option(names = "--ema", defaultValue = "0.99", description = "EMA momentum of the feature table (default: ${DEFAULT-VALUE}).")
    double ema;

    @Mixin
    KnnOptions knn;

    @Option(names = "--heads", defaultValue = "concatenated", description = "concatenated (one vector per location, the authors' layout) or separate (one graph per head) (default: ${DEFAULT-VALUE}).")
    String heads;

    @Option(names = "--layers", split = ",", paramLabel = "NAME", description = "Layers to use, names or globs (blocks.9,blocks.1*); default: every layer at --max-res or coarser.")
    List<String> layers;

    @Option(names = "--max-res", defaultValue = "32", description = "Leave out layers with a grid finer than this (default: ${DEFAULT-VALUE}, the paper's).")
    int maxResolution;

    @Option(names = "--crop", defaultValue = "paper", description = "paper (short side 320, centre square) or authors (256) (default: ${DEFAULT-VALUE}); then the backbone's own resize (--vit-resize).")
    String crop;

    @Option(names = "--seed", defaultValue = "0", description = "Seeds the table and the mini-batches (and the evaluation's K-means) (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--checkpoint-every", defaultValue = "50", description = "Iterations between checkpoints (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    DatasetTraining.Crop crop() {
        return DatasetTraining.Crop.named(crop);
    }

    DatasetTraining.Settings settings(DatasetTraining.Pathway pathway) {
        boolean separate = switch (heads) {
            case "concatenated" -> false;
            case "separate" -> true;
            default -> throw new InvalidInputException("--heads '" + heads + "': expected concatenated or separate");
        };
        return DatasetTraining.Settings.paper(pathway).withChannels(channels).withBatch(batch).withIterations(iterations)
                .withSolverIterations(solverIterations).withAdam(new FeatureTable.AdamW(learningRate, 0.9, 0.999, 1e-8, weightDecay)).withEma(ema)
                .withKnn(knn.settings()).withSeparateHeads(separate).withMaxResolution(maxResolution)
                .withLayers(layers == null ? List.of() : layers).withCrop(crop()).withSeed(seed).withCheckpointEvery(checkpointEvery);
    }
}
