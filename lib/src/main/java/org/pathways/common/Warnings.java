package org.pathways.common;

/**
 * The one way Pathways warns: a single line on standard error, {@code pathways: warning: <message>}. Input that is
 * used although it looks wrong (a damaged image let through, negative affinities, ignored config fields, a uniform
 * image) is reported here, so that scripts can grep one prefix.
 */
public final class Warnings {
    private Warnings() {}

    /** Prints one warning line; {@code message} names what and where. Usable as a {@code Consumer<String>}: {@code Warnings::print}. */
    public static void print(String message) {
        System.err.println("pathways: warning: " + message);
    }
}
