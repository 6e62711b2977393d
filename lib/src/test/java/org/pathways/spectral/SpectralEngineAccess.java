package org.pathways.spectral;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** Test access to one engine pass. */
final class SpectralEngineAccess {
    private SpectralEngineAccess() {}

    static double pass(SpectralObjective objective, FeatureMap features, List<NDArray> accumulated) {
        return SpectralEngine.passInto(objective, features, accumulated);
    }
}
