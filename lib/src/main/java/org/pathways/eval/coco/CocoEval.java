package org.pathways.eval.coco;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.pathways.common.InvalidInputException;

/**
 * COCO detection / instance segmentation evaluation, a port of pycocotools 2.0 {@code cocoeval.py} ({@code COCOeval}:
 * {@code evaluate}, {@code computeIoU}, {@code evaluateImg}, {@code accumulate}, {@code summarize}) that gives the
 * same numbers: IoUs and matches exactly, precision / recall / stats to the last bit where the arithmetic allows
 * (the stats' means use numpy's pairwise summation).
 *
 * <pre>{@code
 * CocoStats s = CocoEval.evaluate(gt, results, CocoEval.IouType.SEGM, CocoEval.Params.defaults().classAgnostic());
 * }</pre>
 */
public final class CocoEval {
    /** What the IoU is computed on: masks or boxes. */
    public enum IouType {
        SEGM, BBOX;

        /** "segm" or "bbox". */
        public static IouType parse(String s) {
            return switch (s) {
                case "segm" -> SEGM;
                case "bbox" -> BBOX;
                default -> throw new InvalidInputException("--iou-type '" + s + "': expected segm or bbox");
            };
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * COCOeval's {@code Params} for detections ({@code setDetParams}): IoU thresholds .50:.05:.95 and recall thresholds
     * 0:.01:1 as numpy's {@code linspace} computes them, maxDets, the area ranges with their labels (bounds
     * inclusive), {@code useCats} (false: all categories as one, as in proposal scoring), and {@code imgIds}, the images
     * evaluated (null: every image of the ground truth, pycocotools' default; otherwise sorted and made unique, as
     * {@code evaluate()} does with {@code p.imgIds}): a run that has done part of a data set is scored on its images.
     */
    public record Params(double[] iouThrs, double[] recThrs, int[] maxDets, double[][] areaRng, String[] areaRngLbl, boolean useCats, long[] imgIds) {
        public Params {
            imgIds = imgIds == null ? null : Arrays.stream(imgIds).distinct().sorted().toArray();
            iouThrs = iouThrs.clone();
            recThrs = recThrs.clone();
            maxDets = maxDets.clone();
            areaRng = Arrays.stream(areaRng).map(double[]::clone).toArray(double[][]::new);
            areaRngLbl = areaRngLbl.clone();
            if (areaRng.length != areaRngLbl.length) throw new IllegalArgumentException("one label per area range");
            if (maxDets.length == 0) throw new IllegalArgumentException("maxDets is empty");
            for (int m : maxDets) if (m < 1) throw new IllegalArgumentException("maxDets must be >= 1, not " + m);
        }

        public Params(double[] iouThrs, double[] recThrs, int[] maxDets, double[][] areaRng, String[] areaRngLbl, boolean useCats) {
            this(iouThrs, recThrs, maxDets, areaRng, areaRngLbl, useCats, null);
        }

        /** pycocotools' defaults: maxDets 1, 10, 100; areas all [0, 1e10], small [0, 32^2], medium [32^2, 96^2], large [96^2, 1e10]. */
        public static Params defaults() {
            return new Params(linspace(.5, 0.95, (int) Math.round((0.95 - .5) / .05) + 1), linspace(.0, 1.00, (int) Math.round((1.00 - .0) / .01) + 1),
                    new int[] {1, 10, 100}, new double[][] {{0, 1e5 * 1e5}, {0, 32 * 32}, {32 * 32, 96 * 96}, {96 * 96, 1e5 * 1e5}},
                    new String[] {"all", "small", "medium", "large"}, true);
        }

        /** All categories as one ({@code useCats = 0}). */
        public Params classAgnostic() {
            return new Params(iouThrs, recThrs, maxDets, areaRng, areaRngLbl, false, imgIds);
        }

        public Params withUseCats(boolean use) {
            return new Params(iouThrs, recThrs, maxDets, areaRng, areaRngLbl, use, imgIds);
        }

        /** Other maxDets (summarize() reads the first three after sorting, so give at least three). */
        public Params withMaxDets(int... dets) {
            return new Params(iouThrs, recThrs, dets, areaRng, areaRngLbl, useCats, imgIds);
        }

        /** Only these images ({@code p.imgIds}); an id the ground truth does not have is refused when evaluated. */
        public Params withImageIds(long... ids) {
            return new Params(iouThrs, recThrs, maxDets, areaRng, areaRngLbl, useCats, ids);
        }

        @Override
        public long[] imgIds() {
            return imgIds == null ? null : imgIds.clone();
        }

        @Override
        public double[] iouThrs() {
            return iouThrs.clone();
        }

        @Override
        public double[] recThrs() {
            return recThrs.clone();
        }

        @Override
        public int[] maxDets() {
            return maxDets.clone();
        }
    }

    /** numpy's {@code linspace(start, stop, num)} with its arithmetic: {@code i * ((stop - start) / (num - 1)) + start}, the last = stop. */
    static double[] linspace(double start, double stop, int num) {
        double[] y = new double[num];
        if (num == 1) {
            y[0] = start;
            return y;
        }
        double delta = stop - start;
        double step = delta / (num - 1);
        for (int i = 0; i < num; i++) y[i] = step == 0 ? i / (double) (num - 1) * delta + start : i * step + start;
        y[num - 1] = stop;
        return y;
    }

    /**
     * {@code computeIoU} of one image (and category, or -1 for all): rows = detections by score, descending, with a
     * stable sort, cut at the largest maxDets; columns = ground truth in file order (grouped by category id when
     * categories are ignored). {@code iou} is empty (0 x 0) when either side is.
     */
    public record IouMatrix(long imageId, long categoryId, long[] dtIds, double[] dtScores, long[] gtIds, boolean[] gtCrowd, double[][] iou) {}

    /**
     * {@code evaluateImg} of one image, category and area range at the largest maxDets: ground truth re-sorted
     * (not ignored first, stable), detections by score; matches are ids, 0 = none; rows of the T x D / T x G arrays
     * are the IoU thresholds.
     */
    public record ImageEval(long imageId, long categoryId, double[] areaRange, int maxDet, long[] dtIds, long[] gtIds, double[] dtScores,
            boolean[] gtIgnore, long[][] dtMatches, long[][] gtMatches, boolean[][] dtIgnore) {}

    private final CocoDataset gt;
    private final CocoResults dt;
    private final IouType iouType;
    private final Params params;
    private final long[] imgIds;
    private final long[] catIds;
    private final int[] maxDets;
    private final Map<Key, List<CocoAnnotation>> gts = new HashMap<>();
    private final Map<Key, List<CocoAnnotation>> dts = new HashMap<>();
    private final Map<Key, IouMatrix> ious = new HashMap<>();
    private final List<ImageEval> evalImgs = new ArrayList<>();
    private double[] precision;
    private double[] recall;
    private double[] scores;
    private CocoStats stats;

    private record Key(long image, long category) {}

    private CocoEval(CocoDataset gt, CocoResults dt, IouType iouType, Params params) {
        this.gt = gt;
        this.dt = dt;
        this.iouType = iouType;
        this.params = params;
        TreeSet<Long> images = new TreeSet<>();
        for (CocoDataset.Image i : gt.images()) images.add(i.id());
        if (params.imgIds() != null) {
            for (long id : params.imgIds()) {
                if (!images.contains(id)) throw new org.pathways.common.InvalidInputException(gt.source() + ": no image with id " + id + " to evaluate");
            }
            this.imgIds = params.imgIds();
        } else {
            this.imgIds = images.stream().mapToLong(Long::longValue).toArray();
        }
        // p.catIds = sorted(cocoGt.getCatIds()) (np.unique under useCats; the loader refuses duplicates)
        this.catIds = Arrays.stream(gt.categoryIds()).sorted().toArray();
        this.maxDets = Arrays.stream(params.maxDets()).sorted().toArray();
    }

    /** Evaluates, accumulates and summarises: the 12 numbers and the lines summarize() prints. */
    public static CocoStats evaluate(CocoDataset gt, CocoResults results, IouType iouType, Params params) {
        return run(gt, results, iouType, params).stats();
    }

    /** Evaluates, accumulates and summarises, keeping everything in between (IoUs, per-image matches, precision). */
    public static CocoEval run(CocoDataset gt, CocoResults results, IouType iouType, Params params) {
        CocoEval e = new CocoEval(gt, results, iouType, params);
        e.evaluate();
        e.accumulate();
        e.summarize();
        return e;
    }

    // ---------------------------------------------------------------- evaluate (cocoeval.py evaluate, _prepare)

    private void evaluate() {
        TreeSet<Long> imageSet = new TreeSet<>();
        for (long i : imgIds) imageSet.add(i);
        TreeSet<Long> catSet = new TreeSet<>();
        for (long c : catIds) catSet.add(c);
        // _prepare: getAnnIds(imgIds, catIds) keeps the annotations of known images (and categories), in file order
        for (CocoAnnotation a : gt.annotations()) {
            if (imageSet.contains(a.imageId()) && catSet.contains(a.categoryId())) {
                gts.computeIfAbsent(new Key(a.imageId(), a.categoryId()), k -> new ArrayList<>()).add(a);
            }
        }
        for (CocoAnnotation d : dt.detections()) {
            if (imageSet.contains(d.imageId()) && catSet.contains(d.categoryId())) {
                dts.computeIfAbsent(new Key(d.imageId(), d.categoryId()), k -> new ArrayList<>()).add(d);
            }
        }
        if (iouType == IouType.SEGM) { // _toMask: every mask is built (and checked) up front
            for (List<CocoAnnotation> l : gts.values()) for (CocoAnnotation a : l) a.mask();
            for (List<CocoAnnotation> l : dts.values()) for (CocoAnnotation a : l) a.mask();
        }
        long[] cats = params.useCats() ? catIds : new long[] {-1};
        for (long img : imgIds) for (long cat : cats) ious.put(new Key(img, cat), computeIoU(img, cat));
        int maxDet = maxDets[maxDets.length - 1];
        for (long cat : cats) {
            for (double[] aRng : params.areaRng()) {
                for (long img : imgIds) evalImgs.add(evaluateImg(img, cat, aRng, maxDet));
            }
        }
    }

    private List<CocoAnnotation> gathered(Map<Key, List<CocoAnnotation>> map, long img, long cat) {
        if (params.useCats()) return map.getOrDefault(new Key(img, cat), List.of());
        List<CocoAnnotation> all = new ArrayList<>();
        for (long c : catIds) all.addAll(map.getOrDefault(new Key(img, c), List.of()));
        return all;
    }

    /** Indices of the detections by score, descending; ties keep list order (numpy's mergesort of -score). */
    private static Integer[] byScore(List<CocoAnnotation> d) {
        Integer[] order = new Integer[d.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> descending(d.get(a).score(), d.get(b).score()));
        return order;
    }

    /** Comparison of -x with -y as numpy makes it (0.0 and -0.0 equal, unlike Double.compare). */
    private static int descending(double x, double y) {
        return x > y ? -1 : x < y ? 1 : 0;
    }

    private IouMatrix computeIoU(long img, long cat) {
        List<CocoAnnotation> g = gathered(gts, img, cat);
        List<CocoAnnotation> d = gathered(dts, img, cat);
        if (g.isEmpty() && d.isEmpty()) return null;
        Integer[] order = byScore(d);
        int n = Math.min(order.length, maxDets[maxDets.length - 1]);
        List<CocoAnnotation> ds = new ArrayList<>(n);
        for (int i = 0; i < n; i++) ds.add(d.get(order[i]));
        boolean[] crowd = new boolean[g.size()];
        for (int j = 0; j < crowd.length; j++) crowd[j] = g.get(j).crowd();
        double[][] iou;
        if (ds.isEmpty() || g.isEmpty()) {
            iou = new double[0][0];
        } else if (iouType == IouType.SEGM) {
            iou = Rle.iou(ds.stream().map(CocoAnnotation::mask).toList(), g.stream().map(CocoAnnotation::mask).toList(), crowd);
        } else {
            iou = Rle.bboxIou(ds.stream().map(CocoAnnotation::bboxOrFail).toArray(double[][]::new),
                    g.stream().map(CocoAnnotation::bboxOrFail).toArray(double[][]::new), crowd);
        }
        return new IouMatrix(img, cat, ds.stream().mapToLong(CocoAnnotation::id).toArray(), ds.stream().mapToDouble(CocoAnnotation::score).toArray(),
                g.stream().mapToLong(CocoAnnotation::id).toArray(), crowd, iou);
    }

    private ImageEval evaluateImg(long img, long cat, double[] aRng, int maxDet) {
        List<CocoAnnotation> g = gathered(gts, img, cat);
        List<CocoAnnotation> d = gathered(dts, img, cat);
        if (g.isEmpty() && d.isEmpty()) return null;
        int ng = g.size();
        boolean[] ignore = new boolean[ng];
        for (int j = 0; j < ng; j++) {
            CocoAnnotation a = g.get(j);
            ignore[j] = a.crowd() || a.area() < aRng[0] || a.area() > aRng[1];
        }
        // gtind: stable argsort of the ignore flags, not ignored first
        int[] gtind = new int[ng];
        int p = 0;
        for (int j = 0; j < ng; j++) if (!ignore[j]) gtind[p++] = j;
        for (int j = 0; j < ng; j++) if (ignore[j]) gtind[p++] = j;
        Integer[] dtind = byScore(d);
        int nd = Math.min(dtind.length, maxDet);
        CocoAnnotation[] dSorted = new CocoAnnotation[nd];
        for (int i = 0; i < nd; i++) dSorted[i] = d.get(dtind[i]);
        CocoAnnotation[] gSorted = new CocoAnnotation[ng];
        boolean[] gtIg = new boolean[ng];
        boolean[] crowd = new boolean[ng];
        for (int j = 0; j < ng; j++) {
            gSorted[j] = g.get(gtind[j]);
            gtIg[j] = ignore[gtind[j]];
            crowd[j] = gSorted[j].crowd();
        }
        double[][] full = ious.get(new Key(img, cat)).iou();
        int nt = params.iouThrs.length;
        long[][] gtm = new long[nt][ng];
        long[][] dtm = new long[nt][nd];
        boolean[][] dtIg = new boolean[nt][nd];
        if (full.length > 0) {
            for (int t = 0; t < nt; t++) {
                double thr = params.iouThrs[t];
                for (int di = 0; di < nd; di++) {
                    double best = Math.min(thr, 1 - 1e-10);
                    int m = -1;
                    for (int gi = 0; gi < ng; gi++) {
                        // a matched ground truth that is not a crowd is taken
                        if (gtm[t][gi] > 0 && !crowd[gi]) continue;
                        // matched to a regular ground truth, and only ignored ones are left: stop
                        if (m > -1 && !gtIg[m] && gtIg[gi]) break;
                        double v = full[di][gtind[gi]];
                        if (v < best) continue;
                        best = v;
                        m = gi;
                    }
                    if (m == -1) continue;
                    dtIg[t][di] = gtIg[m];
                    dtm[t][di] = gSorted[m].id();
                    gtm[t][m] = dSorted[di].id();
                }
            }
        }
        // unmatched detections outside the area range are ignored
        for (int di = 0; di < nd; di++) {
            double a = dSorted[di].area();
            boolean outside = a < aRng[0] || a > aRng[1];
            for (int t = 0; t < nt; t++) dtIg[t][di] = dtIg[t][di] || (dtm[t][di] == 0 && outside);
        }
        long[] dtIds = new long[nd];
        double[] dtScores = new double[nd];
        for (int i = 0; i < nd; i++) {
            dtIds[i] = dSorted[i].id();
            dtScores[i] = dSorted[i].score();
        }
        long[] gtIds = new long[ng];
        for (int j = 0; j < ng; j++) gtIds[j] = gSorted[j].id();
        return new ImageEval(img, cat, aRng.clone(), maxDet, dtIds, gtIds, dtScores, gtIg, dtm, gtm, dtIg);
    }

    // ---------------------------------------------------------------- accumulate

    private void accumulate() {
        int nt = params.iouThrs.length;
        int nr = params.recThrs.length;
        int nk = params.useCats() ? catIds.length : 1;
        int na = params.areaRng().length;
        int nm = maxDets.length;
        int ni = imgIds.length;
        precision = new double[nt * nr * nk * na * nm];
        scores = new double[precision.length];
        recall = new double[nt * nk * na * nm];
        Arrays.fill(precision, -1);
        Arrays.fill(scores, -1);
        Arrays.fill(recall, -1);
        double eps = Math.ulp(1.0); // np.spacing(1)
        for (int k = 0; k < nk; k++) {
            for (int a = 0; a < na; a++) {
                for (int m = 0; m < nm; m++) {
                    int maxDet = maxDets[m];
                    List<ImageEval> e = new ArrayList<>();
                    for (int i = 0; i < ni; i++) {
                        ImageEval x = evalImgs.get(k * na * ni + a * ni + i);
                        if (x != null) e.add(x);
                    }
                    if (e.isEmpty()) continue;
                    // detections of all images (ascending id), each cut at maxDet, then a stable sort by -score
                    int total = 0;
                    for (ImageEval x : e) total += Math.min(x.dtScores().length, maxDet);
                    double[] sc = new double[total];
                    long[][] dm = new long[nt][total];
                    boolean[][] di = new boolean[nt][total];
                    int c = 0;
                    int npig = 0;
                    for (ImageEval x : e) {
                        int n = Math.min(x.dtScores().length, maxDet);
                        for (int j = 0; j < n; j++) {
                            sc[c + j] = x.dtScores()[j];
                            for (int t = 0; t < nt; t++) {
                                dm[t][c + j] = x.dtMatches()[t][j];
                                di[t][c + j] = x.dtIgnore()[t][j];
                            }
                        }
                        c += n;
                        for (boolean ig : x.gtIgnore()) if (!ig) npig++;
                    }
                    if (npig == 0) continue;
                    Integer[] inds = new Integer[total];
                    for (int j = 0; j < total; j++) inds[j] = j;
                    Arrays.sort(inds, (p, q) -> descending(sc[p], sc[q]));
                    double[] sorted = new double[total];
                    for (int j = 0; j < total; j++) sorted[j] = sc[inds[j]];
                    for (int t = 0; t < nt; t++) {
                        double[] rc = new double[total];
                        double[] pr = new double[total];
                        double tp = 0;
                        double fp = 0;
                        for (int j = 0; j < total; j++) {
                            int src = inds[j];
                            boolean ignored = di[t][src];
                            boolean matched = dm[t][src] != 0;
                            if (matched && !ignored) tp++;
                            if (!matched && !ignored) fp++;
                            rc[j] = tp / npig;
                            pr[j] = tp / (fp + tp + eps);
                        }
                        int rIndex = ((t * nk + k) * na + a) * nm + m;
                        recall[rIndex] = total > 0 ? rc[total - 1] : 0;
                        // the precision envelope: each point takes the best precision at higher recall
                        for (int j = total - 1; j > 0; j--) if (pr[j] > pr[j - 1]) pr[j - 1] = pr[j];
                        for (int r = 0; r < nr; r++) {
                            int pi = searchsortedLeft(rc, params.recThrs[r]);
                            int at = (((t * nr + r) * nk + k) * na + a) * nm + m;
                            if (pi >= total) { // pycocotools' IndexError: this and the higher thresholds stay 0
                                for (int rr = r; rr < nr; rr++) {
                                    int z = (((t * nr + rr) * nk + k) * na + a) * nm + m;
                                    precision[z] = 0;
                                    scores[z] = 0;
                                }
                                break;
                            }
                            precision[at] = pr[pi];
                            scores[at] = sorted[pi];
                        }
                    }
                }
            }
        }
    }

    /** numpy's {@code searchsorted(a, v, side='left')}: the first index i with !(a[i] < v). */
    static int searchsortedLeft(double[] a, double v) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < v) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    // ---------------------------------------------------------------- summarize

    private void summarize() {
        double[] s = new double[12];
        List<String> lines = new ArrayList<>();
        int m0 = maxDets[0];
        int m1 = maxDets.length > 1 ? maxDets[1] : -1;
        int m2 = maxDets.length > 2 ? maxDets[2] : -1;
        s[0] = summarizeOne(lines, true, null, "all", 100);
        s[1] = summarizeOne(lines, true, .5, "all", m2);
        s[2] = summarizeOne(lines, true, .75, "all", m2);
        s[3] = summarizeOne(lines, true, null, "small", m2);
        s[4] = summarizeOne(lines, true, null, "medium", m2);
        s[5] = summarizeOne(lines, true, null, "large", m2);
        s[6] = summarizeOne(lines, false, null, "all", m0);
        s[7] = summarizeOne(lines, false, null, "all", m1);
        s[8] = summarizeOne(lines, false, null, "all", m2);
        s[9] = summarizeOne(lines, false, null, "small", m2);
        s[10] = summarizeOne(lines, false, null, "medium", m2);
        s[11] = summarizeOne(lines, false, null, "large", m2);
        stats = new CocoStats(s, lines);
    }

    /**
     * {@code _summarize}: the mean of the entries > -1 of precision (ap) or recall at the IoU threshold equal to
     * {@code iouThr} (all when null), the area label and maxDets (-1 when none, e.g. maxDets=100 not among them).
     */
    private double summarizeOne(List<String> lines, boolean ap, Double iouThr, String areaLbl, int maxDet) {
        int nt = params.iouThrs.length;
        int nr = params.recThrs.length;
        int nk = params.useCats() ? catIds.length : 1;
        int na = params.areaRng().length;
        int nm = maxDets.length;
        List<Integer> ts = new ArrayList<>();
        for (int t = 0; t < nt; t++) if (iouThr == null || params.iouThrs[t] == iouThr) ts.add(t);
        int aind = Arrays.asList(params.areaRngLbl()).indexOf(areaLbl);
        int mind = -1;
        for (int m = 0; m < nm; m++) if (maxDets[m] == maxDet) mind = m;
        double[] kept = new double[nt * nr * nk];
        int n = 0;
        if (aind >= 0 && mind >= 0) {
            for (int t : ts) {
                if (ap) {
                    for (int r = 0; r < nr; r++) {
                        for (int k = 0; k < nk; k++) {
                            double v = precision[(((t * nr + r) * nk + k) * na + aind) * nm + mind];
                            if (v > -1) kept[n++] = v;
                        }
                    }
                } else {
                    for (int k = 0; k < nk; k++) {
                        double v = recall[((t * nk + k) * na + aind) * nm + mind];
                        if (v > -1) kept[n++] = v;
                    }
                }
            }
        }
        double mean = n == 0 ? -1 : pairwiseSum(kept, 0, n) / n;
        String iouStr = iouThr == null ? fixed(params.iouThrs[0], 2) + ":" + fixed(params.iouThrs[nt - 1], 2) : fixed(iouThr, 2);
        lines.add(String.format(Locale.ROOT, " %-18s %s @[ IoU=%-9s | area=%6s | maxDets=%3d ] = %s", ap ? "Average Precision" : "Average Recall",
                ap ? "(AP)" : "(AR)", iouStr, areaLbl, maxDet, fixed(mean, 3)));
        return mean;
    }

    /**
     * numpy's pairwise summation of a contiguous float64 array ({@code pairwise_sum} in numpy's
     * {@code loops_utils.h.src}): fewer than 8 values in order; up to 128 in 8 interleaved partial sums combined as
     * ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)), then the rest in order; above that, split at a multiple of 8 near the middle.
     */
    static double pairwiseSum(double[] a, int from, int n) {
        if (n < 8) {
            double res = 0.;
            for (int i = 0; i < n; i++) res += a[from + i];
            return res;
        } else if (n <= 128) {
            double[] r = new double[8];
            for (int j = 0; j < 8; j++) r[j] = a[from + j];
            int i;
            for (i = 8; i < n - (n % 8); i += 8) for (int j = 0; j < 8; j++) r[j] += a[from + i + j];
            double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) res += a[from + i];
            return res;
        } else {
            int n2 = n / 2;
            n2 -= n2 % 8;
            return pairwiseSum(a, from, n2) + pairwiseSum(a, from + n2, n - n2);
        }
    }

    /** Python's {@code '{:0.Nf}'.format(x)}: the exact binary value rounded half-even. */
    static String fixed(double x, int digits) {
        return new BigDecimal(x).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
    }

    // ---------------------------------------------------------------- results

    public IouType iouType() {
        return iouType;
    }

    public Params params() {
        return params;
    }

    /** Image ids evaluated, ascending. */
    public long[] imageIds() {
        return imgIds.clone();
    }

    /** Category ids, ascending ({@code [-1]} keys when categories are ignored). */
    public long[] categoryIds() {
        return catIds.clone();
    }

    /** {@code self.ious[(imageId, categoryId)]}; categoryId -1 when categories are ignored; null when neither side has any. */
    public IouMatrix iou(long imageId, long categoryId) {
        return ious.get(new Key(imageId, categoryId));
    }

    /** {@code self.evalImgs}: category outer, area range, image id inner; null for an image with neither ground truth nor detections. */
    public List<ImageEval> evalImgs() {
        return java.util.Collections.unmodifiableList(evalImgs);
    }

    /** Shape of {@link #precision()} and {@link #scores()}: [T, R, K, A, M]. */
    public int[] precisionShape() {
        return new int[] {params.iouThrs.length, params.recThrs.length, params.useCats() ? catIds.length : 1, params.areaRng().length, maxDets.length};
    }

    /** {@code eval['precision']}, flattened in C order; -1 where a setting has no ground truth. */
    public double[] precision() {
        return precision.clone();
    }

    /** {@code eval['recall']} [T, K, A, M], flattened in C order. */
    public double[] recall() {
        return recall.clone();
    }

    /** {@code eval['scores']}, the score at each recall threshold, like precision. */
    public double[] scores() {
        return scores.clone();
    }

    public CocoStats stats() {
        return stats;
    }
}
