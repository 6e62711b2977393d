package org.pathways.cli;

import picocli.CommandLine.Option;

/**
 * {@code --allow-negative-affinities}, on every command that reads graphs from files: the method assumes non-negative
 * affinities (a graph Laplacian's eigenvectors), so a graph with a negative entry is refused unless it is given.
 */
final class NegativeAffinitiesOption {
    @Option(names = "--allow-negative-affinities",
            description = "Optimise graphs that hold negative entries (with a warning line) instead of refusing them; the method assumes non-negative affinities.")
    boolean allow;
}
