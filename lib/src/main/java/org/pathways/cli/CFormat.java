package org.pathways.cli;

import java.math.BigDecimal;
import java.math.MathContext;

/** C's {@code printf("%.17g")}, which other programs parse (Java's {@code %g} keeps trailing zeros and differs). */
final class CFormat {
    private CFormat() {}

    /** 17 significant digits, trailing zeros removed; exponent form below 1e-4 or from 1e17, as C's %g. */
    static String g17(double v) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        if (v == 0) return (1 / v < 0) ? "-0" : "0";
        BigDecimal rounded = new BigDecimal(v).round(new MathContext(17));
        int exponent = rounded.precision() - rounded.scale() - 1;
        if (exponent < -4 || exponent >= 17) {
            BigDecimal mantissa = rounded.movePointLeft(exponent).stripTrailingZeros();
            String m = mantissa.toPlainString();
            return m + "e" + (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
        }
        String plain = rounded.stripTrailingZeros().toPlainString();
        return plain;
    }
}
