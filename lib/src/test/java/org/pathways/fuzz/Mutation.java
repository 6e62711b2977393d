package org.pathways.fuzz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * One corruption of a file, as jqwik generates and shrinks it. Byte mutations act on the whole file; text edits act on
 * a format's header (JSON, the .npy dict) before the header's length is written, so that they reach the parser behind
 * the length check.
 */
public sealed interface Mutation {
    byte[] apply(byte[] in);

    /** Cut the file at {@code at} (clamped): at 0, inside a field, at a section boundary. */
    record Truncate(int at) implements Mutation {
        public byte[] apply(byte[] in) {
            return Arrays.copyOf(in, Math.min(Math.max(at, 0), in.length));
        }
    }

    /** Flip one bit (the index wraps around the file). */
    record FlipBit(int index, int bit) implements Mutation {
        public byte[] apply(byte[] in) {
            if (in.length == 0) return in;
            byte[] out = in.clone();
            out[Math.floorMod(index, in.length)] ^= (byte) (1 << (bit & 7));
            return out;
        }
    }

    /** Write a little-endian integer over the file at {@code index}: a length or size field out of range. */
    record OverwriteInt(int index, long value, int width) implements Mutation {
        public byte[] apply(byte[] in) {
            if (in.length < width) return in;
            byte[] out = in.clone();
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
            int at = Math.floorMod(index, in.length - width + 1);
            System.arraycopy(b.array(), 0, out, at, width);
            return out;
        }
    }

    /** Repeat a stretch of the file after itself. */
    record Duplicate(int index, int length) implements Mutation {
        public byte[] apply(byte[] in) {
            if (in.length == 0) return in;
            int at = Math.floorMod(index, in.length);
            int n = Math.min(Math.max(length, 1), in.length - at);
            byte[] out = new byte[in.length + n];
            System.arraycopy(in, 0, out, 0, at + n);
            System.arraycopy(in, at, out, at + n, in.length - at);
            return out;
        }
    }

    /** Replace the {@code which}-th token (number, quoted string, word or bracket) of a header text. */
    record ReplaceToken(int which, String replacement) implements Mutation {
        private static final Pattern TOKEN = Pattern.compile("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?|\"[^\"]*\"|'[^']*'|[A-Za-z_]+|[\\[\\](){}]");

        public byte[] apply(byte[] in) {
            String text = new String(in, java.nio.charset.StandardCharsets.ISO_8859_1);
            Matcher m = TOKEN.matcher(text);
            List<int[]> spans = new java.util.ArrayList<>();
            while (m.find()) spans.add(new int[] {m.start(), m.end()});
            if (spans.isEmpty()) return in;
            int[] s = spans.get(Math.floorMod(which, spans.size()));
            return (text.substring(0, s[0]) + replacement + text.substring(s[1])).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    /** Values a header field should never hold, or holds in another file format. */
    List<String> NASTY_TOKENS = List.of("-1", "0", "1", "3", "2147483647", "2147483648", "4294967296", "9223372036854775807",
            "18446744073709551616", "-9223372036854775808", "1e400", "1.5", "NaN", "Infinity", "-Infinity", "null", "true", "[]", "{}",
            "\"\"", "''", "\"F32\"", "\"F16\"", "\"BF16\"", "\"F64\"", "\"I64\"", "\"U8\"", "\"F8_E4M3\"", "\"C64\"",
            "'<f4'", "'<f2'", "'<f8'", "'<i8'", "'|u1'", "'|b1'", "'>f4'", "'<c8'", "'|O'", "'<U3'", "True", "False",
            "(2147483647, 2147483647)", "(99999, 99999, 99999, 99999, 99999)", "(-1,)", "()", "[4294967296, 4294967296]",
            "[-2, -3]", "[0]", "\"shape\"", "\"dtype\"", "\"data_offsets\"", "\"__metadata__\"", "[[[[[[[[[[[[[[[[", "\"\\u0000\"");

    /** Mutations of raw bytes, with lengths and offsets drawn near the file's {@code boundaries}. */
    static Arbitrary<Mutation> bytes(int... boundaries) {
        Arbitrary<Integer> near = boundaries.length == 0 ? Arbitraries.integers().between(0, 64)
                : Combinators.combine(Arbitraries.of(Arrays.stream(boundaries).boxed().toList()), Arbitraries.integers().between(-2, 2)).as(Integer::sum);
        Arbitrary<Integer> anywhere = Arbitraries.integers().between(0, 1 << 20);
        Arbitrary<Integer> position = Arbitraries.oneOf(near, anywhere);
        Arbitrary<Long> sizes = Arbitraries.oneOf(Arbitraries.of(-1L, 0L, 1L, 255L, 65535L, 2147483647L, 2147483648L, 4294967295L, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 40),
                Arbitraries.longs());
        return Arbitraries.oneOf(
                position.map(Truncate::new),
                Combinators.combine(position, Arbitraries.integers().between(0, 7)).as(FlipBit::new),
                Combinators.combine(position, sizes, Arbitraries.of(1, 2, 4, 8)).as(OverwriteInt::new),
                Combinators.combine(position, Arbitraries.integers().between(1, 64)).as(Duplicate::new));
    }

    /** Edits of a header text (JSON or a Python dict literal). */
    static Arbitrary<Mutation> text() {
        Arbitrary<String> replacement = Arbitraries.oneOf(Arbitraries.of(NASTY_TOKENS), Arbitraries.strings().ofMaxLength(6));
        return Combinators.combine(Arbitraries.integers().between(0, 400), replacement).as(ReplaceToken::new);
    }

    static byte[] applyAll(byte[] in, List<Mutation> mutations) {
        byte[] out = in;
        for (Mutation m : mutations) out = m.apply(out);
        return out;
    }
}
