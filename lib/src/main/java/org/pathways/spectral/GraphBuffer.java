package org.pathways.spectral;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.pathways.affinity.Graph;
import org.pathways.common.InvalidInputException;

/**
 * The attention buffer of the paper's App. B.2: keep the most recent sets of graphs; once the buffer is full, each
 * pass reuses a stored set (chosen uniformly) with probability {@code reuse}, otherwise it makes a fresh set (runs the
 * model) and that set replaces the oldest. While the buffer is not yet full every pass makes a fresh set. Followed:
 * the authors' {@code collect_attention} (single_img/model/diffusion_extractor.py), which also reuses only once the
 * buffer holds {@code attn_buffer_size} sets. Sets are stored as built objectives, so a reuse costs no rebuild.
 */
public final class GraphBuffer implements GraphSource {

    /**
     * @param size  sets kept (the paper: 5; the authors' launch script: 7); 0 turns the buffer off (every pass fresh)
     * @param reuse probability that a pass reuses a stored set once the buffer is full (App. B.2: 3/4; Sec. 4.1: 0.9)
     * @param seed  seeds the reuse draws and the choice of set
     * @param storage how stored sets keep their dense graphs: FLOAT16 halves the buffer (SD 1.4 at 512: 1.4 GB a set
     *                instead of 2.9), every pass widening one graph at a time to the compute type; FLOAT32 as computed
     */
    public record Config(int size, double reuse, long seed, DataType storage) {
        /** The paper's App. B.2: five sets, reuse with probability 3/4. */
        public static final int PAPER_SIZE = 5;
        public static final double PAPER_REUSE = 0.75;

        public Config {
            if (size < 0) throw new InvalidInputException("--sd-buffer must be >= 0, got " + size);
            if (!(reuse >= 0 && reuse <= 1)) throw new InvalidInputException("--sd-reuse must be in [0, 1], got " + reuse);
            if (storage != DataType.FLOAT16 && storage != DataType.FLOAT32) throw new InvalidInputException("buffer storage must be float16 or float32, got " + storage);
        }

        /** Sets stored as computed (float32). */
        public Config(int size, double reuse, long seed) {
            this(size, reuse, seed, DataType.FLOAT32);
        }
    }

    /** Counts of what the passes did, for summaries and tests. */
    public record Counts(int fresh, int reused) {}

    private final NDManager manager;
    private final Supplier<List<Graph>> fresh;
    private final SpectralObjective.Spec spec;
    private final Config config;
    private final Random random;
    private final Deque<SpectralObjective> stored = new ArrayDeque<>();
    private SpectralObjective unstored; // buffer off: the last pass's objective, freed when the next pass is asked for
    private SpectralObjective current;
    private int freshCount;
    private int reusedCount;
    private int nextPass;

    /**
     * @param first the graphs of pass 0 (the backbone's first run, also its {@code graphs()} result)
     * @param fresh makes a new set of graphs (one model run) each time it is called
     * @param spec  the objective's settings; its feature grid must be explicit, so that every pass shares it
     */
    public GraphBuffer(NDManager manager, List<Graph> first, Supplier<List<Graph>> fresh, SpectralObjective.Spec spec, Config config) {
        if (spec.featureHeight() <= 0 || spec.featureWidth() <= 0) throw new IllegalArgumentException("GraphBuffer needs an explicit feature grid, got " + spec);
        this.manager = manager;
        this.fresh = fresh;
        this.spec = spec;
        this.config = config;
        this.random = new Random(config.seed());
        this.current = admit(first);
    }

    @Override
    public SpectralObjective objective(int pass) {
        if (pass != nextPass) throw new IllegalStateException("passes must be asked for in order: expected " + nextPass + ", got " + pass);
        nextPass++;
        if (pass == 0) return current;
        if (unstored != null) unstored.close(); // the previous pass is over
        unstored = null;
        boolean full = config.size() > 0 && stored.size() == config.size();
        if (full && random.nextDouble() < config.reuse()) {
            reusedCount++;
            current = new ArrayList<>(stored).get(random.nextInt(stored.size()));
        } else {
            current = admit(fresh.get());
        }
        return current;
    }

    /** A fresh set's objective, stored (evicting the oldest) or, with the buffer off, kept for this pass only. */
    private SpectralObjective admit(List<Graph> graphs) {
        freshCount++;
        if (config.size() == 0) {
            SpectralObjective objective = new SpectralObjective(manager, graphs, spec); // kept for one pass: as computed
            unstored = objective;
            return objective;
        }
        // asked for only once the previous pass is over, so the oldest set is freed before the new one is built: the
        // buffer never holds size + 1 sets
        if (stored.size() == config.size()) stored.removeFirst().close();
        SpectralObjective objective = new SpectralObjective(manager, graphs, spec, config.storage());
        stored.addLast(objective);
        return objective;
    }

    public Counts counts() {
        return new Counts(freshCount, reusedCount);
    }

    @Override
    public void close() {
        if (unstored != null) unstored.close();
        unstored = null;
        for (SpectralObjective o : stored) o.close();
        stored.clear();
    }
}
