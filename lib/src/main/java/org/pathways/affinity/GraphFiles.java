package org.pathways.affinity;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.pathways.common.InvalidInputException;
import org.pathways.data.NdData;
import org.pathways.data.Npy;

/**
 * Affinities computed elsewhere (e.g. attention exported from PyTorch) in an {@code .npz}: one array per graph,
 * N x N, heads x N x N or 1 x heads x N x N; its grid from an entry {@code <name>_hw} = [h, w], else from the
 * grid given, else square.
 */
public final class GraphFiles {
    private GraphFiles() {}

    /**
     * @param grid fallback [h, w] or null
     * @param allowNegative keep a graph with negative entries (one warning line) instead of refusing it: the method
     *                      assumes non-negative affinities
     */
    public static List<Graph> readNpz(Path file, int[] grid, boolean allowNegative) {
        Map<String, NdData> arrays;
        try {
            arrays = Npy.readNpz(file);
        } catch (IOException e) {
            throw new InvalidInputException(e.getMessage(), e);
        }
        List<Graph> graphs = new ArrayList<>();
        for (Map.Entry<String, NdData> e : arrays.entrySet()) {
            String name = e.getKey();
            if (name.endsWith("_hw")) {
                if (!arrays.containsKey(name.substring(0, name.length() - 3))) throw new InvalidInputException(file + ":" + name + ": grid for a graph that is not in the file");
                continue;
            }
            NdData a = e.getValue();
            String where = file + ":" + name;
            int[] s = a.shape();
            int heads;
            if (s.length == 2) {
                heads = 1;
            } else if (s.length == 3) {
                heads = s[0];
            } else if (s.length == 4 && s[0] == 1) {
                heads = s[1];
            } else {
                throw new InvalidInputException(where + ": shape " + a.shapeString() + " is not N x N, heads x N x N or 1 x heads x N x N");
            }
            int rows = s[s.length - 2];
            int cols = s[s.length - 1];
            if (rows != cols) throw new InvalidInputException(where + ": graph is not square (shape " + a.shapeString() + ")");
            int bad = a.firstNonFinite();
            if (bad >= 0) throw new InvalidInputException(where + ": NaN or Inf at flat index " + bad);
            checkNonNegative(where, a.values(), allowNegative);
            int[] hw = gridFor(file, name, arrays.get(name + "_hw"), grid, rows);
            graphs.add(a.dtype().equals("f8")
                    ? Graph.ofDoubles(name, heads, hw[0], hw[1], a.values())
                    : Graph.ofFloats(name, heads, hw[0], hw[1], a.asFloats()));
        }
        if (graphs.isEmpty()) throw new InvalidInputException(file + ": no graphs in the file");
        return graphs;
    }

    /**
     * Refuses negative affinities (or warns, when allowed): the spectral method assumes a non-negative graph, and on
     * a signed one it optimises without complaint towards a meaningless answer.
     */
    public static void checkNonNegative(String where, double[] values, boolean allowNegative) {
        int negative = 0;
        int first = -1;
        for (int i = 0; i < values.length; i++) {
            if (values[i] < 0) {
                if (first < 0) first = i;
                negative++;
            }
        }
        if (negative == 0) return;
        String what = where + ": " + negative + " negative entr" + (negative == 1 ? "y" : "ies") + " (the first " + values[first] + " at flat index " + first + ")";
        if (!allowNegative) {
            throw new InvalidInputException(what + "; the method assumes non-negative affinities (pass --allow-negative-affinities to optimise anyway)");
        }
        org.pathways.common.Warnings.print(what + "; optimised anyway (--allow-negative-affinities), the result may mean nothing");
    }

    private static int[] gridFor(Path file, String name, NdData hwEntry, int[] grid, int nodes) {
        String where = file + ":" + name;
        int[] hw;
        String source;
        if (hwEntry != null) {
            if (hwEntry.size() != 2) throw new InvalidInputException(file + ":" + name + "_hw: must hold [h, w], has " + hwEntry.size() + " values");
            hw = hwEntry.asInts();
            source = name + "_hw";
        } else if (grid != null) {
            hw = grid;
            source = "--grid";
        } else {
            int side = (int) Math.round(Math.sqrt(nodes));
            if (side * side != nodes) throw new InvalidInputException(where + ": " + nodes + " nodes is not a square grid; give --grid HxW or an entry " + name + "_hw");
            hw = new int[] {side, side};
            source = "square";
        }
        if ((long) hw[0] * hw[1] != nodes) {
            throw new InvalidInputException(where + ": grid " + hw[0] + "x" + hw[1] + " (" + source + ") has " + (long) hw[0] * hw[1] + " cells but the graph has " + nodes + " nodes");
        }
        return hw;
    }
}
