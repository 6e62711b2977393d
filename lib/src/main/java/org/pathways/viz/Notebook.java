package org.pathways.viz;

import java.awt.image.BufferedImage;
import java.lang.reflect.Method;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import tech.tablesaw.api.Table;

/**
 * The one place where notebook cells display things, so that a cell is one line and a kernel is a matter of this
 * class: rapaio-jupyter-kernel (used here) through {@code org.rapaio.jupyter.kernel.global.Global.display}, IJava
 * (best effort, untested) through {@code io.github.spencerpark.ijava.runtime.Display.display}. Outside a kernel
 * (tests, plain Java) it prints a one-line description instead.
 */
public final class Notebook {
    private static final String[][] KERNELS = {
        {"org.rapaio.jupyter.kernel.global.Global", "display"},
        {"io.github.spencerpark.ijava.runtime.Display", "display"}};

    private Notebook() {}

    /** True when PATHWAYS_QUICK=1 (the test run): notebooks shrink images and steps. */
    public static boolean quick() {
        return "1".equals(System.getenv("PATHWAYS_QUICK"));
    }

    /** Shows an image as PNG. */
    public static void show(BufferedImage image) {
        if (!display(image)) System.out.println("[image " + image.getWidth() + "x" + image.getHeight() + "]");
    }

    /** Shows an XChart chart as PNG. */
    public static void show(Chart<?, ?> chart) {
        show(BitmapEncoder.getBufferedImage(chart));
    }

    /** Shows images side by side with titles. */
    public static void show(List<BufferedImage> images, List<String> titles, int height) {
        show(Pictures.panel(images, titles, height));
    }

    /** Shows a Tablesaw table as HTML (and prints it as text outside a kernel). */
    public static void show(Table table) {
        StringBuilder html = new StringBuilder("<table><thead><tr>");
        for (String c : table.columnNames()) html.append("<th>").append(escape(c)).append("</th>");
        html.append("</tr></thead><tbody>");
        for (int r = 0; r < table.rowCount(); r++) {
            html.append("<tr>");
            for (int c = 0; c < table.columnCount(); c++) html.append("<td>").append(escape(table.getString(r, c))).append("</td>");
            html.append("</tr>");
        }
        html.append("</tbody></table>");
        if (!displayMime("text/html", html.toString())) System.out.println(table.print());
    }

    /** Shows Markdown (messages such as "weights not found: run ..."). */
    public static void markdown(String text) {
        if (!displayMime("text/markdown", text)) System.out.println(text);
    }

    private static boolean display(Object value) {
        for (String[] k : KERNELS) {
            try {
                Method m = Class.forName(k[0]).getMethod(k[1], Object.class);
                m.invoke(null, value);
                return true;
            } catch (ReflectiveOperationException | LinkageError e) {
                // not this kernel
            }
        }
        return false;
    }

    private static boolean displayMime(String mime, String value) {
        for (String[] k : KERNELS) {
            try {
                Method m = Class.forName(k[0]).getMethod(k[1], String.class, Object.class);
                m.invoke(null, mime, value);
                return true;
            } catch (ReflectiveOperationException | LinkageError e) {
                // not this kernel, or no mime-typed display
            }
        }
        return false;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
