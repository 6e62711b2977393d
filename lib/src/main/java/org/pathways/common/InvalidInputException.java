package org.pathways.common;

/**
 * Bad input from the user (a missing file, a wrong shape, NaN, an unknown name). Its message is one line that
 * says what is wrong and where; the CLI prints it and exits with status 2.
 */
public class InvalidInputException extends RuntimeException {
    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Text from a file (a key, a dtype, a header) made safe to quote in a message: control characters escaped, at most
     * 160 characters, so the message stays one line whatever the file holds.
     */
    public static String printable(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            if (out.length() >= 160) return out + "...";
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return out.toString();
    }
}
