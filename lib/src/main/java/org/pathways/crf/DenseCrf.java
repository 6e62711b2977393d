package org.pathways.crf;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import org.pathways.common.InvalidInputException;

/**
 * The fully connected CRF of Krähenbühl and Koltun (NIPS 2011) with mean-field inference, as the authors refine
 * predicted class maps for their semantic-segmentation numbers (eval_utils.py, {@code batch_crf} and
 * {@code dense_crf}, with pydensecrf):
 * <ol>
 *   <li>the grid's one-hot map is resized bilinearly to the image ({@link ClassGrid#upsampledOneHot}), turned into
 *       probabilities with a softmax over classes, and into a unary with pydensecrf's {@code utils.unary_from_softmax}:
 *       {@code -log(clip(p, 1e-5, 1))};</li>
 *   <li>two Potts pairwise terms with densecrf's defaults {@code DIAG_KERNEL} and {@code NORMALIZE_SYMMETRIC}
 *       (densecrf/src/pairwise.cpp, {@code DenseKernel::initLattice} and {@code filter}): a Gaussian over pixel
 *       position / gaussianSxy and a bilateral one over position / bilateralSxy and BGR colour / bilateralSrgb
 *       (densecrf/src/densecrf.cpp, {@code addPairwiseGaussian}, {@code addPairwiseBilateral}); each filters
 *       {@code norm_i * sum_j k(f_i, f_j) norm_j Q_j} with {@code norm_i = 1/sqrt(sum_j k(f_i, f_j) + 1e-20)}, the
 *       pixel's own term included in both sums, through a {@link PermutohedralLattice};</li>
 *   <li>densecrf's {@code DenseCRF::inference}: {@code Q = softmax(-unary)}, then per iteration
 *       {@code Q = softmax(-unary + sum_kernels compat * filtered(Q))} (the Potts compatibility
 *       {@code -compat * Q} subtracted, labelcompatibility.cpp), and the label of a pixel is its most probable class
 *       (the first on ties, as numpy's argmax).</li>
 * </ol>
 * Arrays are float as in densecrf. The two lattices are built once per image and reused by every iteration; each
 * filters all classes in one pass.
 */
public final class DenseCrf {
    /** pydensecrf {@code utils.unary_from_softmax}'s default lower clip of the probabilities. */
    public static final float PROBABILITY_CLIP = 1e-5f;

    private DenseCrf() {}

    /**
     * Kernel widths, Potts weights and the number of mean-field iterations. Widths are in pixels (sxy) and 8-bit
     * colour levels (srgb).
     */
    public record Settings(double gaussianSxy, double gaussianCompat, double bilateralSxy, double bilateralSrgb,
            double bilateralCompat, int iterations) {
        /** The authors' eval_utils.py: POS_XY_STD 1, POS_W 3, Bi_XY_STD 67, Bi_RGB_STD 3, Bi_W 4, MAX_ITER 10. */
        public static final Settings AUTHORS = new Settings(1, 3, 67, 3, 4, 10);

        public Settings {
            requirePositive("gaussianSxy", gaussianSxy);
            requirePositive("bilateralSxy", bilateralSxy);
            requirePositive("bilateralSrgb", bilateralSrgb);
            if (!Double.isFinite(gaussianCompat)) throw new InvalidInputException("dense CRF settings: gaussianCompat " + gaussianCompat + " is not finite");
            if (!Double.isFinite(bilateralCompat)) throw new InvalidInputException("dense CRF settings: bilateralCompat " + bilateralCompat + " is not finite");
            if (iterations < 0) throw new InvalidInputException("dense CRF settings: iterations " + iterations + " must not be negative");
        }

        private static void requirePositive(String name, double value) {
            if (!(value > 0) || Double.isInfinite(value))
                throw new InvalidInputException("dense CRF settings: " + name + " " + value + " must be a positive number");
        }
    }

    /**
     * The authors' {@code batch_crf} for one image: the grid's classes resized to the image, refined, and the most
     * probable class per pixel ({@code labels[y*width + x]}, image resolution).
     */
    public static int[] refine(ClassGrid grid, BufferedImage image, Settings settings) {
        BgrImage bgr = BgrImage.of(image);
        float[] marginals = meanField(unary(grid, bgr.height(), bgr.width()), grid.classes(), bgr, settings);
        return labels(marginals, grid.classes());
    }

    /**
     * The unary of a class grid at {@code height x width} (classes x pixels, class after class), as the authors build
     * it: bilinear one-hot, softmax over classes, {@code -log(clip(p, 1e-5, 1))}.
     */
    public static float[] unary(ClassGrid grid, int height, int width) {
        float[] oneHot = grid.upsampledOneHot(height, width);
        int classes = grid.classes();
        int n = height * width;
        float[] unary = new float[classes * n];
        for (int i = 0; i < n; i++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) max = Math.max(max, oneHot[c * n + i]);
            // at most four classes are non-zero at a pixel: the zeros share one exp and one log
            float zeroExp = (float) Math.exp(-max);
            float sum = 0;
            for (int c = 0; c < classes; c++) {
                float v = oneHot[c * n + i];
                float e = v == 0f ? zeroExp : (float) Math.exp(v - max);
                unary[c * n + i] = e;
                sum += e;
            }
            float zeroUnary = negativeLogClipped(zeroExp / sum);
            for (int c = 0; c < classes; c++) {
                int at = c * n + i;
                unary[at] = oneHot[at] == 0f ? zeroUnary : negativeLogClipped(unary[at] / sum);
            }
        }
        return unary;
    }

    /** pydensecrf {@code unary_from_softmax}: -log(clip(p, 1e-5, 1)). */
    private static float negativeLogClipped(float p) {
        return (float) -Math.log(Math.min(Math.max(p, PROBABILITY_CLIP), 1f));
    }

    /**
     * Mean-field marginals (classes x pixels, class after class, as pydensecrf's {@code inference} returns them) of
     * the CRF with the given unary (classes x pixels, class after class; pixels row after row) on {@code image}.
     */
    public static float[] meanField(float[] unary, int classes, BgrImage image, Settings settings) {
        if (classes < 1) throw new InvalidInputException("dense CRF: " + classes + " classes, need at least 1");
        if (image == null) throw new InvalidInputException("dense CRF: no image given");
        int n = image.height() * image.width();
        if (unary == null || unary.length != (long) classes * n)
            throw new InvalidInputException("dense CRF: unary of " + (unary == null ? "no" : unary.length) + " values, expected " + classes + " classes x " + n + " pixels");
        for (int i = 0; i < unary.length; i++) {
            if (!Float.isFinite(unary[i]))
                throw new InvalidInputException("dense CRF: unary of class " + i / n + " at pixel " + i % n + " is " + unary[i]);
        }
        // Classes whose unary rows are identical (in the authors' use, every class absent from the grid) keep
        // identical marginals through every iteration: the updates are the same function of the same values. They
        // share one filtered channel, which counts as many times as it has classes in the softmax's sum.
        int[] channelOf = new int[classes];
        int[] firstClass = new int[classes];
        int channels = 0;
        for (int c = 0; c < classes; c++) {
            int found = -1;
            for (int k = 0; k < channels && found < 0; k++) {
                if (Arrays.equals(unary, c * n, (c + 1) * n, unary, firstClass[k] * n, (firstClass[k] + 1) * n)) found = k;
            }
            if (found < 0) {
                found = channels++;
                firstClass[found] = c;
            }
            channelOf[c] = found;
        }
        float[] multiplicity = new float[channels];
        for (int c = 0; c < classes; c++) multiplicity[channelOf[c]]++;
        // pixel after pixel, the channels of one pixel together: the layout the lattice filters in
        float[] negUnary = new float[n * channels];
        for (int k = 0; k < channels; k++) {
            int row = firstClass[k] * n;
            for (int i = 0; i < n; i++) negUnary[i * channels + k] = -unary[row + i];
        }
        NormalizedKernel[] kernels = {
            new NormalizedKernel(PermutohedralLattice.build(positionFeatures(image, settings.gaussianSxy()), 2, n), (float) settings.gaussianCompat()),
            new NormalizedKernel(PermutohedralLattice.build(bilateralFeatures(image, settings), 5, n), (float) settings.bilateralCompat()),
        };
        float[] q = new float[n * channels];
        float[] energy = new float[n * channels];
        softmaxPerPixel(negUnary, q, multiplicity);
        for (int it = 0; it < settings.iterations(); it++) {
            System.arraycopy(negUnary, 0, energy, 0, energy.length);
            for (NormalizedKernel kernel : kernels) kernel.addMessage(q, channels, energy);
            softmaxPerPixel(energy, q, multiplicity);
        }
        float[] marginals = new float[classes * n];
        for (int c = 0; c < classes; c++) {
            int k = channelOf[c];
            for (int i = 0; i < n; i++) marginals[c * n + i] = q[i * channels + k];
        }
        return marginals;
    }

    /** The most probable class per pixel of marginals laid out classes x pixels; the first class wins ties. */
    public static int[] labels(float[] marginals, int classes) {
        if (classes < 1 || marginals.length % classes != 0)
            throw new InvalidInputException("dense CRF: " + marginals.length + " marginals do not split into " + classes + " classes");
        int n = marginals.length / classes;
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            float bestValue = marginals[i];
            for (int c = 1; c < classes; c++) {
                float v = marginals[c * n + i];
                if (v > bestValue) {
                    bestValue = v;
                    best = c;
                }
            }
            labels[i] = best;
        }
        return labels;
    }

    /** densecrf {@code addPairwiseGaussian}: (x / sxy, y / sxy) per pixel, in float. */
    static float[] positionFeatures(BgrImage image, double sxy) {
        float s = (float) sxy;
        int w = image.width();
        float[] f = new float[2 * image.height() * w];
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                f[2 * i] = x / s;
                f[2 * i + 1] = y / s;
            }
        }
        return f;
    }

    /** densecrf {@code addPairwiseBilateral}: (x / sxy, y / sxy, b / srgb, g / srgb, r / srgb) per pixel, in float. */
    static float[] bilateralFeatures(BgrImage image, Settings settings) {
        float s = (float) settings.bilateralSxy();
        float r = (float) settings.bilateralSrgb();
        int w = image.width();
        float[] f = new float[5 * image.height() * w];
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                f[5 * i] = x / s;
                f[5 * i + 1] = y / s;
                for (int c = 0; c < 3; c++) f[5 * i + 2 + c] = image.channel(i, c) / r;
            }
        }
        return f;
    }

    /**
     * densecrf {@code expAndNormalize}: per pixel, exp(v - max) / sum, each channel counted {@code multiplicity}
     * times in the sum.
     */
    private static void softmaxPerPixel(float[] in, float[] out, float[] multiplicity) {
        int channels = multiplicity.length;
        for (int base = 0; base < in.length; base += channels) {
            float max = Float.NEGATIVE_INFINITY;
            for (int k = 0; k < channels; k++) max = in[base + k] > max ? in[base + k] : max;
            float sum = 0;
            for (int k = 0; k < channels; k++) {
                float e = exp(in[base + k] - max);
                out[base + k] = e;
                sum += multiplicity[k] * e;
            }
            float inverse = 1f / sum;
            for (int k = 0; k < channels; k++) out[base + k] *= inverse;
        }
    }

    /**
     * exp in float as Eigen's vectorised {@code pexp<Packet4f>} computes it for densecrf's {@code expAndNormalize}
     * (Eigen/src/Core/arch/SSE/MathFunctions.h, after Cephes {@code expf}): n = x log2(e) rounded, the remainder
     * x - n ln 2 in two parts, a degree-5 polynomial, times 2^n. Within about 1e-7 relative of exp, and several times
     * faster than {@link Math#exp}, which took more time than the filtering. Two departures, both below float noise
     * in a softmax: n is rounded to even on exact halves (Eigen rounds them up), and arguments under -87.34 give
     * about 1e-38 instead of 0, because the clamp keeps 2^n a normal float.
     */
    static float exp(float x) {
        float v = x < -87.3365f ? -87.3365f : (x > 88f ? 88f : x);
        // 1.5 * 2^23 added: the sum keeps no fraction, and its low mantissa bits hold round(v log2 e)
        float shifted = v * 1.44269504088896341f + 12582912f;
        float n = shifted - 12582912f;
        int exponent = Float.floatToRawIntBits(shifted) - 0x4B400000;
        float r = v - n * 0.693359375f;
        r = r - n * -2.12194440e-4f;
        float y = 1.9875691500E-4f;
        y = y * r + 1.3981999507E-3f;
        y = y * r + 8.3334519073E-3f;
        y = y * r + 4.1665795894E-2f;
        y = y * r + 1.6666665459E-1f;
        y = y * r + 5.0000001201E-1f;
        y = y * (r * r) + r + 1f;
        return y * Float.intBitsToFloat((exponent + 127) << 23);
    }

    /** One Potts pairwise term with symmetric normalisation (densecrf {@code DenseKernel}, NORMALIZE_SYMMETRIC). */
    private static final class NormalizedKernel {
        private final PermutohedralLattice lattice;
        private final float[] norm;
        private final float compat;

        NormalizedKernel(PermutohedralLattice lattice, float compat) {
            this.lattice = lattice;
            this.compat = compat;
            int n = lattice.points();
            float[] ones = new float[n];
            Arrays.fill(ones, 1f);
            norm = new float[n];
            lattice.filter(ones, norm, 1);
            for (int i = 0; i < n; i++) norm[i] = (float) (1.0 / Math.sqrt(norm[i] + 1e-20));
        }

        /**
         * energy += compat * norm * K(norm * q): densecrf subtracts the Potts term -compat * filtered from the
         * energy (DenseCRF::inference, PottsCompatibility::apply).
         */
        void addMessage(float[] q, int channels, float[] energy) {
            lattice.addScaledFilter(q, norm, compat, norm, energy, channels);
        }
    }
}
