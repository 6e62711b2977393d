package org.pathways.pipeline;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.pathways.baseline.Baselines;
import org.pathways.data.Images;
import org.pathways.common.InvalidInputException;
import org.pathways.data.LabelledImages;
import org.pathways.data.VocMasks;
import org.pathways.eval.IouCounts;
import org.pathways.eval.KMeansSweep;
import org.pathways.eval.OracleMiou;
import org.pathways.model.Backbone;
import org.pathways.model.VaryingBackbone;

/**
 * Region quality per image (paper Sec. 4.1, Table 1, Fig. 4): our regions and the single-affinity baselines' regions
 * for every k, scored by oracle mIoU against the ground truth. Rows: {@link #PER_IMAGE} (one per image, method and k;
 * {@code selected} marks the k the method picks) and {@link #COUNTS} (per-label intersections and unions, from which
 * the data-set mIoU is summed). Every method of an image reads the same forward pass of the backbone.
 * {@code seconds} is a method's own time on the image; shared work (the forward pass, the features' cosine graph,
 * the Ncut eigenvectors) counts for the first method that needs it.
 */
public final class RegionQuality implements DatasetRunner.ImageJob {
    public static final ResultLog.Table PER_IMAGE = ScoreRows.PER_IMAGE;
    public static final ResultLog.Table COUNTS = ScoreRows.counts("label-counts.csv");

    /** Our method's name in the tables. */
    public static final String OURS = "ours";

    /** Every method, ours first; the baselines are {@link Baselines#METHODS}. */
    public static List<String> allMethods() {
        List<String> all = new ArrayList<>();
        all.add(OURS);
        all.addAll(Baselines.METHODS);
        return all;
    }

    private final Backbone backbone;
    private final List<String> methods;
    private final PerImage.Options options;
    private final Baselines.Options baselineSettings;
    private String regionsFolder;

    /**
     * @param methods {@link #OURS} and baseline names ({@link Baselines#expand}: {@code ncut-features:E} and the set
     *     {@code ncut-eigenvector-sweep} are accepted)
     */
    public RegionQuality(Backbone backbone, List<String> methods, PerImage.Options options, Baselines.Options baselineSettings) {
        this.methods = expandMethods(methods);
        this.backbone = backbone;
        this.options = options;
        this.baselineSettings = baselineSettings;
    }

    /** The run folder's folder of region pictures. */
    public static final String REGIONS = "regions";

    /**
     * Also returns each method's selected regions as the file {@code regions/<method>/<image id>.png} of the outcome
     * (palette PNG, value = region id, VOC colours), to look at or to score again; the run writes it.
     */
    public RegionQuality writingRegions() {
        this.regionsFolder = REGIONS;
        return this;
    }

    /**
     * The methods a list of names denotes, method sets expanded; unknown names are refused with one line that lists
     * the known ones.
     */
    public static List<String> expandMethods(List<String> methods) {
        List<String> out = new ArrayList<>();
        for (String m : methods) {
            if (m.equals(OURS)) {
                out.add(m);
                continue;
            }
            try {
                out.addAll(Baselines.expand(List.of(m)));
            } catch (InvalidInputException e) {
                boolean known = Baselines.METHODS.contains(Baselines.baseName(m));
                throw known ? e : new InvalidInputException(e.getMessage() + "; our own method is '" + OURS + "'");
            }
        }
        if (out.isEmpty()) throw new InvalidInputException("no methods to run");
        return List.copyOf(out);
    }

    /** The methods this job runs, sets expanded. */
    public List<String> methods() {
        return methods;
    }

    /** Regions of one method at one k, on the method's grid. */
    public record Candidate(int k, boolean selected, int[] gridLabels, int gridHeight, int gridWidth) {}

    @Override
    public DatasetRunner.Outcome process(LabelledImages.LabelledImage sample) throws IOException {
        BufferedImage image = sample.image();
        int h = image.getHeight();
        int w = image.getWidth();
        double spread = PerImage.colourSpread(image);
        if (spread < PerImage.UNIFORM_SPREAD) { // Table 1 scores every k of every method, so the rows stay; the reader is told they mean nothing
            org.pathways.common.Warnings.print(PerImage.uniformWarning("image " + sample.id(), spread, "every method's regions are scored as the protocol asks, but they split noise"));
        }
        List<String> perImage = new ArrayList<>();
        List<String> counts = new ArrayList<>();
        Map<String, byte[]> pictures = new LinkedHashMap<>();
        StringBuilder note = new StringBuilder();
        long start = System.nanoTime();
        // sd14: the first pass serves every method, ours then runs its further passes on the same encoding
        try (VaryingBackbone.Passes passes = backbone instanceof VaryingBackbone varying ? varying.open(image, options.seed()) : null) {
            Backbone.Graphs graphs = passes != null ? passes.first() : backbone.graphs(image); // one forward pass for every method of the image
            double forward = (System.nanoTime() - start) / 1e9;
            Baselines.Prepared prepared = null;
            for (String method : methods) {
                long t0 = System.nanoTime();
                if (prepared == null && !method.equals(OURS)) prepared = prepare(graphs);
                List<Candidate> candidates = candidates(method, graphs, prepared, passes);
                double seconds = (System.nanoTime() - t0) / 1e9 + (method.equals(methods.get(0)) ? forward : 0);
                for (Candidate c : candidates) {
                    int[] regions = Images.upsampleNearest(c.gridLabels(), c.gridHeight(), c.gridWidth(), h, w);
                    IouCounts iou = OracleMiou.counts(regions, sample.labels());
                    perImage.add(ScoreRows.perImage(sample.id(), method, c.k(), c.selected(), iou.miou(), seconds));
                    ScoreRows.addCounts(counts, sample.id(), method, c.k(), iou);
                    if (c.selected() && regionsFolder != null) pictures.put(regionsFolder + "/" + folderName(method) + "/" + sample.id() + ".png", VocMasks.encode(regions, w, h));
                    if (c.selected()) note.append(String.format(Locale.ROOT, "%s k=%d %.3f  ", method, c.k(), iou.miou()));
                }
            }
            Map<String, List<String>> rows = new LinkedHashMap<>();
            rows.put(PER_IMAGE.file(), perImage);
            rows.put(COUNTS.file(), counts);
            return new DatasetRunner.Outcome(rows, note.toString().strip(), pictures);
        }
    }

    /** The regions a method proposes for an image: one per k for the k-sweeps, one for the fixed-k methods. */
    public List<Candidate> candidates(String method, BufferedImage image) {
        try (VaryingBackbone.Passes passes = backbone instanceof VaryingBackbone varying ? varying.open(image, options.seed()) : null) {
            Backbone.Graphs graphs = passes != null ? passes.first() : backbone.graphs(image);
            return candidates(method, graphs, method.equals(OURS) ? null : prepare(graphs), passes);
        }
    }

    /** The baselines' shared work for an image's forward pass (for {@link #candidates(String, Backbone.Graphs, Baselines.Prepared)}). */
    public Baselines.Prepared prepare(Backbone.Graphs graphs) {
        return new Baselines.Prepared(baselineInputs(graphs), methods);
    }

    /** As {@link #candidates(String, BufferedImage)} on a forward pass already made; {@code prepared} may be null for ours. */
    public List<Candidate> candidates(String method, Backbone.Graphs graphs, Baselines.Prepared prepared) {
        return candidates(method, graphs, prepared, null);
    }

    /** {@code passes}: a varying backbone's opened passes ({@code graphs} their first), which ours optimises over; null for fixed graphs. */
    private List<Candidate> candidates(String method, Backbone.Graphs graphs, Baselines.Prepared prepared, VaryingBackbone.Passes passes) {
        if (method.equals(OURS)) {
            PerImage.Outcome outcome = passes != null
                    ? PerImage.segment((VaryingBackbone) backbone, passes, graphs, options, null)
                    : PerImage.segment(graphs, options, null);
            int gh = outcome.features().run().height();
            int gw = outcome.features().run().width();
            List<Candidate> out = new ArrayList<>();
            for (KMeansSweep.Fit fit : outcome.sweep().fits()) out.add(new Candidate(fit.k(), fit == outcome.sweep().best(), fit.labels(), gh, gw));
            return out;
        }
        Baselines.Inputs in = prepared.inputs();
        return Baselines.run(method, prepared).stream().map(r -> new Candidate(r.k(), r.selected(), r.labels(), in.height(), in.width())).toList();
    }

    private Baselines.Inputs baselineInputs(Backbone.Graphs graphs) {
        return Baselines.Inputs.of(graphs.finalLayer(), options.kMax(), options.seed(), baselineSettings);
    }

    /** The folder of a method's region pictures ({@code ncut-features:8} -> {@code ncut-features-e8}). */
    public static String folderName(String method) {
        return method.replace(":", "-e");
    }

    @Override
    public void close() {
        backbone.close();
    }
}
