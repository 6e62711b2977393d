package org.pathways.pipeline;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.pathways.baseline.Baselines;
import org.pathways.common.InvalidInputException;
import org.pathways.data.CocoInstances;
import org.pathways.data.Images;
import org.pathways.eval.instances.InstanceProposals;
import org.pathways.model.Backbone;
import org.pathways.spectral.SpectralEngine;

/**
 * Class-agnostic instance segmentation of one image (paper App. D.2, Table 7), as a {@link DatasetRunner} job: our
 * per-image features ({@link PerImage#segment}), their instance proposals ({@link InstanceProposals}, best score
 * first), and the region-proposal baselines of Table 7 on the same forward pass's final layer: TokenCut (one mask,
 * its object: {@link Baselines#tokencutObject}) and MaskCut (three rounds, {@link Baselines#maskcut}). MaskCut has no
 * score of its own; we score its masks 1 - 0.01 x rank (round 1: 1.00, round 2: 0.99, ...), our assumption, so that
 * COCOeval ranks them in the order they were cut. Every mask is nearest-resized to the image and stored as compressed
 * RLE in {@link #DETECTIONS}, one row per mask.
 */
public final class InstanceSegmentation implements DatasetRunner.Job<CocoInstances.Image> {
    public static final String OURS = "ours";
    public static final String TOKENCUT = "tokencut";
    public static final String MASKCUT = "maskcut";
    /** Table 7's methods, in its order (ours last as in the paper). */
    public static final List<String> METHODS = List.of(TOKENCUT, MASKCUT, OURS);
    /** Rounds of MaskCut in Table 7. */
    public static final int MASKCUT_MASKS = 3;

    /** One row per mask: the image, the method, its rank (0 best), score, the image size and the compressed RLE. */
    public static final ResultLog.Table DETECTIONS = new ResultLog.Table("detections.csv", "image_id,method,rank,score,height,width,counts");
    /** One row per image and method: how many masks it gave, and the seconds it took (ours: the optimisation included). */
    public static final ResultLog.Table COUNTS = new ResultLog.Table("mask-counts.csv", "image_id,method,masks,seconds");

    private final Backbone backbone;
    private final PerImage.Options options;
    private final InstanceProposals.Options proposals;
    private final Baselines.Options baseline;
    private final List<String> methods;
    private final CocoInstances set;
    private String picturesFolder;

    public InstanceSegmentation(Backbone backbone, CocoInstances set, PerImage.Options options, InstanceProposals.Options proposals,
                                Baselines.Options baseline, List<String> methods) {
        for (String m : methods) if (!METHODS.contains(m)) throw new InvalidInputException("unknown instance method '" + m + "' (known: " + String.join(", ", METHODS) + ")");
        this.backbone = backbone;
        this.set = set;
        this.options = options;
        this.proposals = proposals;
        this.baseline = baseline.withMasks(MASKCUT_MASKS);
        this.methods = List.copyOf(methods);
    }

    /** The run folder's folder of pictures. */
    public static final String PICTURES = "pictures";

    /** Also returns the file {@code pictures/<image id>.png} of the outcome: our masks over the image with their scores. */
    public InstanceSegmentation writingPictures() {
        this.picturesFolder = PICTURES;
        return this;
    }

    /** The detections of every method on one image, by method, best first. */
    public Map<String, List<InstanceMasks.Detection>> detect(CocoInstances.Image image, BufferedImage picture, Map<String, Double> seconds) {
        long t0 = System.nanoTime();
        PerImage.Outcome outcome = PerImage.segment(picture, backbone, options);
        SpectralEngine.Result run = outcome.features().run();
        int h = run.height();
        int w = run.width();
        int imageH = picture.getHeight();
        int imageW = picture.getWidth();
        Map<String, List<InstanceMasks.Detection>> out = new LinkedHashMap<>();
        if (methods.contains(OURS)) {
            InstanceProposals.Proposals p = InstanceProposals.of(outcome.features().reorth().features(), run.channels(), h, w, proposals);
            out.put(OURS, InstanceMasks.detections(image.id(), p.masks(), p.scores(), h, w, imageH, imageW));
            seconds.put(OURS, (System.nanoTime() - t0) / 1e9);
        }
        Backbone.FinalLayer last = outcome.input().finalLayer();
        Baselines.Prepared prepared = new Baselines.Prepared(Baselines.Inputs.of(last, options.kMax(), options.seed(), baseline),
                List.of(Baselines.TOKENCUT_FEATURES, Baselines.MASKCUT_FEATURES));
        if (methods.contains(TOKENCUT)) {
            long t = System.nanoTime();
            boolean[] object = Baselines.tokencutObject(prepared);
            List<boolean[]> masks = anyTrue(object) ? List.of(object) : List.of();
            out.put(TOKENCUT, InstanceMasks.detections(image.id(), masks, new double[] {1.0}, last.height(), last.width(), imageH, imageW));
            seconds.put(TOKENCUT, (System.nanoTime() - t) / 1e9);
        }
        if (methods.contains(MASKCUT)) {
            long t = System.nanoTime();
            int[] labels = Baselines.run(Baselines.MASKCUT_FEATURES, prepared).get(0).labels();
            List<boolean[]> masks = new ArrayList<>();
            for (int round = 1; round <= MASKCUT_MASKS; round++) {
                boolean[] mask = new boolean[labels.length];
                for (int i = 0; i < labels.length; i++) mask[i] = labels[i] == round;
                if (anyTrue(mask)) masks.add(mask);
            }
            double[] scores = new double[masks.size()];
            for (int r = 0; r < scores.length; r++) scores[r] = 1 - 0.01 * r;
            out.put(MASKCUT, InstanceMasks.detections(image.id(), masks, scores, last.height(), last.width(), imageH, imageW));
            seconds.put(MASKCUT, (System.nanoTime() - t) / 1e9);
        }
        return out;
    }

    private static boolean anyTrue(boolean[] mask) {
        for (boolean b : mask) if (b) return true;
        return false;
    }

    @Override
    public DatasetRunner.Outcome process(CocoInstances.Image image) throws Exception {
        BufferedImage picture = set.read(image);
        Map<String, Double> seconds = new LinkedHashMap<>();
        Map<String, List<InstanceMasks.Detection>> found = detect(image, picture, seconds);
        List<String> detections = new ArrayList<>();
        List<String> counts = new ArrayList<>();
        StringBuilder note = new StringBuilder();
        for (String method : methods) {
            List<InstanceMasks.Detection> list = found.get(method);
            for (int r = 0; r < list.size(); r++) {
                InstanceMasks.Detection d = list.get(r);
                detections.add(String.format(Locale.ROOT, "%d,%s,%d,%.17g,%d,%d,%s", image.id(), method, r, d.score(), d.mask().height(), d.mask().width(),
                        d.mask().toCompressedString()));
            }
            counts.add(String.format(Locale.ROOT, "%d,%s,%d,%.3f", image.id(), method, list.size(), seconds.get(method)));
            note.append(method).append(' ').append(list.size()).append(" masks  ");
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        if (picturesFolder != null && found.containsKey(OURS)) {
            files.put(picturesFolder + "/" + image.id() + ".png", Images.encodePng(InstanceMasks.picture(picture, found.get(OURS), 20)));
        }
        return new DatasetRunner.Outcome(Map.of(DETECTIONS.file(), detections, COUNTS.file(), counts), note.toString().strip(), files);
    }

    @Override
    public void close() {
        backbone.close();
    }
}
