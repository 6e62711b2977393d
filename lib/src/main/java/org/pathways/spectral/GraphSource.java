package org.pathways.spectral;

/**
 * The objective of each optimisation pass when the graphs change between passes (Stable Diffusion: fresh noise at a
 * fresh timestep every pass). {@link SpectralEngine#run(ai.djl.ndarray.NDManager, GraphSource, FeatureMap,
 * SpectralEngine.Config, SpectralEngine.Listener)} asks for pass 0, 1, 2, ... in order; backbones whose graphs are
 * fixed never use this (they take the engine's single-objective path).
 */
public interface GraphSource extends AutoCloseable {
    /**
     * The objective of loop pass {@code pass}, owned by the source (valid until the source closes it: at the latest
     * when the next pass is asked for or the source closes). Every objective has the same channels and feature grid.
     */
    SpectralObjective objective(int pass);

    /** Frees every objective still held. */
    @Override
    void close();
}
