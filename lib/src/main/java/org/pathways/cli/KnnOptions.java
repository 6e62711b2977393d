package org.pathways.cli;

import org.pathways.affinity.KnnGraph;
import org.pathways.common.InvalidInputException;
import picocli.CommandLine.Option;

/** The data-set kNN graph's options ({@code dataset graph} and {@code run dataset}): the paper's values by default. */
final class KnnOptions {
    @Option(names = "--k-intra", defaultValue = "50", description = "Neighbours kept per location inside its own image (default: ${DEFAULT-VALUE}).")
    int kIntra;

    @Option(names = "--k-inter", defaultValue = "50", description = "Neighbours kept per location in the batch's other images (default: ${DEFAULT-VALUE}).")
    int kInter;

    @Option(names = "--threshold", defaultValue = "0.1", description = "Kept similarities at or below it are dropped (default: ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--precision", defaultValue = "authors", description = "authors (the affinity rounded to float32 after the top-k, as their code) or f64 (default: ${DEFAULT-VALUE}).")
    String precision;

    KnnGraph.Settings settings() {
        KnnGraph.Precision rounding = switch (precision) {
            case "authors" -> KnnGraph.Precision.AUTHORS;
            case "f64" -> KnnGraph.Precision.F64;
            default -> throw new InvalidInputException("--precision '" + precision + "': expected authors or f64");
        };
        return new KnnGraph.Settings(kIntra, kInter, threshold, rounding);
    }
}
