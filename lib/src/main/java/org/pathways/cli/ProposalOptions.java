package org.pathways.cli;

import org.pathways.common.InvalidInputException;
import org.pathways.eval.instances.InstanceProposals;
import picocli.CommandLine.Option;

/** The instance-proposal options that {@code instances}, {@code segment} and {@code run instances} share (paper App. D.2). */
final class ProposalOptions {
    @Option(names = "--fixed", description = "Instance proposals: remove the quirks of the authors' hierarchical_clustering (K-means cluster 0 never "
            + "proposed, merges of the masks one index past the children, complements added when a mask is split); see the README.")
    boolean fixed;

    @Option(names = "--min-score", defaultValue = "0", paramLabel = "S",
            description = "Instance proposals: drop those whose score is not above S (the paper: 0; -Infinity keeps every one, as the authors' function). Default: ${DEFAULT-VALUE}.")
    double minScore;

    @Option(names = "--max-masks", defaultValue = "100", paramLabel = "M", description = "Instance proposals: at most M masks (the authors': 100). Default: ${DEFAULT-VALUE}.")
    int maxMasks;

    /** The paper's proposal settings with these options, K-means for k = 2..kMax with {@code restarts} fits seeded from {@code seed}. */
    InstanceProposals.Options options(int kMax, long seed, int restarts) {
        if (maxMasks < 1) throw new InvalidInputException("--max-masks " + maxMasks + ": expected at least 1");
        if (Double.isNaN(minScore)) throw new InvalidInputException("--min-score NaN: expected a number");
        if (kMax < 2) throw new InvalidInputException("k up to " + kMax + ": the proposals need k >= 2");
        if (restarts < 1) throw new InvalidInputException("--restarts " + restarts + ": expected at least 1");
        InstanceProposals.Options o = InstanceProposals.Options.paper().minScore(minScore).maxMasks(maxMasks).ks(2, kMax).seed(seed).restarts(restarts);
        return fixed ? o.fixed() : o;
    }
}
