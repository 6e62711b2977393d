package org.pathways.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.data.Images;
import org.pathways.data.NdData;
import org.pathways.data.Npy;
import org.pathways.data.SampleScene;
import org.pathways.testing.Golden;
import picocli.CommandLine;

/** The command line: outputs of segment and spectral, and a one-line error with exit status 2 for bad input. */
class CliTest {
    @TempDir
    Path dir;

    record Run(int code, String err) {}

    static Run run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, err.toString());
    }

    /** Runs the command and returns what it printed on stdout (the contracts of dataset objective and evaluate are there). */
    static String stdout(Run[] result, String... args) {
        java.io.PrintStream saved = System.out;
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            result[0] = run(args);
        } finally {
            System.setOut(saved);
        }
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Exit status 2 and exactly one line on stderr, "pathways: error: ...", naming every fragment. */
    static void assertBadInput(Run r, String... fragments) {
        assertEquals(2, r.code(), "exit status; stderr: " + r.err());
        String message = r.err().strip();
        assertTrue(message.startsWith("pathways: error:"), "starts with 'pathways: error:': " + message);
        assertEquals(1, message.lines().count(), "one line: " + message);
        for (String f : fragments) assertTrue(message.contains(f), "'" + message + "' should mention " + f);
    }

    private Path npz(String name, Map<String, NdData> arrays) throws Exception {
        Path file = dir.resolve(name);
        Npy.writeNpz(file, arrays);
        return file;
    }

    private static NdData identityGraph(int n) {
        double[] v = new double[n * n];
        for (int i = 0; i < n; i++) v[i * n + i] = 1;
        return NdData.float32(new int[] {n, n}, v);
    }

    /** Every command's help renders: picocli formats descriptions, so a lone '%' breaks them (with a warning, not an error). */
    @Test
    void everyHelpTextFormats() {
        java.util.Deque<CommandLine> todo = new java.util.ArrayDeque<>(java.util.List.of(Main.commandLine()));
        java.io.PrintStream saved = System.err;
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
        int commands = 0;
        try {
            while (!todo.isEmpty()) {
                CommandLine c = todo.pop();
                c.getUsageMessage();
                commands++;
                todo.addAll(c.getSubcommands().values());
            }
        } finally {
            System.setErr(saved);
        }
        assertTrue(commands > 10, commands + " commands");
        assertEquals("", bytes.toString(java.nio.charset.StandardCharsets.UTF_8), "help texts that do not format");
    }

    @Test
    void missingAndUnreadableImages() throws Exception {
        assertBadInput(run("segment", dir.resolve("nope.png").toString()), "nope.png", "no such image");
        Path fake = Files.writeString(dir.resolve("fake.png"), "not a picture");
        assertBadInput(run("segment", fake.toString()), "fake.png");
    }

    @Test
    void optionsThatDoNotParseAreOneLineToo() throws Exception {
        assertBadInput(run("segment", "--no-such-option", "x.png"), "--no-such-option", "segment --help");
        assertBadInput(run("segment", "--steps", "many", "x.png"), "--steps", "many");
        assertBadInput(run("segment", "--steps", "-3", dir.resolve("x.png").toString()), "--steps must be >= 0");
        assertBadInput(run("segment", "--schedule", "fast", dir.resolve("x.png").toString()), "--schedule 'fast'");
        assertBadInput(run("frobnicate"), "frobnicate");
    }

    @Test
    void unknownBackbone() throws Exception {
        Path img = dir.resolve("img.png");
        ImageIO.write(SampleScene.planted(2, 32, 32, 0, 1).image(), "png", img.toFile());
        assertBadInput(run("segment", img.toString(), "--backbone", "dino-vits99"), "unknown backbone", "dino-vits99");
    }

    @Test
    void graphThatIsNotSquare() throws Exception {
        Path f = npz("g.npz", Map.of("layer0", NdData.float32(new int[] {4, 5}, new double[20])));
        assertBadInput(run("spectral", "--graphs", f.toString()), "g.npz", "layer0", "not square");
    }

    @Test
    void graphThatDoesNotFitItsGrid() throws Exception {
        Path f = npz("g.npz", Map.of("layer0", identityGraph(16)));
        assertBadInput(run("spectral", "--graphs", f.toString(), "--grid", "3x5"), "layer0", "3x5", "16 nodes");
        Path g = npz("h.npz", Map.of("layer0", identityGraph(12)));
        assertBadInput(run("spectral", "--graphs", g.toString()), "layer0", "not a square grid");
    }

    @Test
    void nanInAGraphOrInTheStartFeatures() throws Exception {
        NdData bad = identityGraph(16);
        bad.values()[5] = Double.NaN;
        Path f = npz("nan.npz", Map.of("layer0", bad));
        assertBadInput(run("spectral", "--graphs", f.toString()), "nan.npz", "NaN");
        Path ok = npz("ok.npz", Map.of("layer0", identityGraph(16)));
        double[] x = new double[2 * 16];
        java.util.Arrays.fill(x, 0.5);
        x[3] = Double.NaN;
        Npy.writeFloat32(dir.resolve("x.npy"), new int[] {2, 4, 4}, x);
        assertBadInput(run("spectral", "--graphs", ok.toString(), "--init", dir.resolve("x.npy").toString()), "x.npy", "NaN");
    }

    @Test
    void moreEigenvectorsThanPixels() throws Exception {
        Path f = npz("g.npz", Map.of("layer0", identityGraph(16)));
        assertBadInput(run("spectral", "--graphs", f.toString(), "--eigs", "20", "--steps", "20"), "K = 20", "16 pixels");
    }

    /**
     * {@code spectral --steps 0} against the objective written the obvious way (no golden data): two random graphs at
     * 6x6 (2 heads) and 3x3, X on a 6x6 grid; the objective to 1e-12, dL/dX to central differences.
     */
    @Test
    void spectralWithStepsZeroMatchesABruteForceObjective() throws Exception {
        java.util.Random r = new java.util.Random(12);
        int k = 3;
        java.util.List<org.pathways.testing.BruteForceObjective.G> graphs = new java.util.ArrayList<>();
        Map<String, NdData> arrays = new LinkedHashMap<>();
        int[][] layouts = {{2, 6}, {1, 3}};
        for (int g = 0; g < layouts.length; g++) {
            int heads = layouts[g][0];
            int side = layouts[g][1];
            int n = side * side;
            double[] v = new double[heads * n * n];
            for (int row = 0; row < heads * n; row++) {
                double sum = 0;
                for (int j = 0; j < n; j++) sum += v[row * n + j] = Math.exp(r.nextGaussian());
                for (int j = 0; j < n; j++) v[row * n + j] /= sum;
            }
            graphs.add(new org.pathways.testing.BruteForceObjective.G(heads, side, side, v));
            arrays.put("layer" + g, new NdData(new int[] {heads, n, n}, v, "f8"));
        }
        Path f = npz("random.npz", arrays);
        double[] x = new double[k * 36];
        for (int p = 0; p < 36; p++) {
            double sum = 0;
            for (int c = 0; c < k; c++) sum += x[c * 36 + p] = Math.exp(r.nextGaussian());
            for (int c = 0; c < k; c++) x[c * 36 + p] /= sum;
        }
        Npy.writeFloat64(dir.resolve("X6.npy"), new int[] {k, 6, 6}, x);
        Path out = dir.resolve("brute");
        Run run = run("spectral", "--graphs", f.toString(), "--init", dir.resolve("X6.npy").toString(), "--steps", "0", "--out", out.toString());
        assertEquals(0, run.code(), run.err());
        double objective = JsonParser.parseString(Files.readString(out.resolve("summary.json"))).getAsJsonObject().get("objective").getAsDouble();
        assertEquals(org.pathways.testing.BruteForceObjective.loss(graphs, x, k, 6, 6, 2, 2), objective, 1e-12);
        double[] grad = Npy.read(out.resolve("grad.npy")).values();
        double[] numeric = org.pathways.testing.BruteForceObjective.gradient(graphs, x, k, 6, 6, 2, 2, 1e-6);
        double scale = java.util.Arrays.stream(numeric).map(Math::abs).max().orElse(1);
        for (int i = 0; i < grad.length; i++) assertEquals(numeric[i], grad[i], 1e-7 * scale, "dL/dX[" + i + "]");
    }

    @Test
    void spectralWithStepsZeroReproducesTheAuthorsObjectiveAndGradient() throws Exception {
        Map<String, NdData> graphs = new LinkedHashMap<>();
        graphs.put("attn_0", Golden.npy("single", "attn_0_8x8"));
        graphs.put("attn_1", Golden.npy("single", "attn_1_16x16"));
        graphs.put("attn_2", Golden.npy("single", "attn_2_16x16"));
        Path f = npz("golden.npz", graphs);
        NdData x = Golden.npy("single", "X");
        Npy.writeFloat64(dir.resolve("X.npy"), new int[] {6, 16, 16}, x.values());
        Path out = dir.resolve("out");
        Run r = run("spectral", "--graphs", f.toString(), "--init", dir.resolve("X.npy").toString(), "--steps", "0", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonObject summary = JsonParser.parseString(Files.readString(out.resolve("summary.json"))).getAsJsonObject();
        JsonObject values = JsonParser.parseString(Files.readString(Golden.dir("single").resolve("values.json"))).getAsJsonObject();
        double loss = values.getAsJsonObject("sym0_f64").get("loss").getAsDouble();
        Golden.assertClose("cli spectral --steps 0 objective", loss, summary.get("objective").getAsDouble(), 4e-15 * loss);
        NdData grad = Npy.read(out.resolve("grad.npy"));
        assertArrayEquals(new int[] {6, 16, 16}, grad.shape());
        Golden.assertClose("cli spectral --steps 0 grad.npy", Golden.npy("single", "sym0_f64_dL_dX").values(), grad.values(), 4e-15);
    }

    @Test
    void spectralGraphTopKIsTheObjectiveOfTheSparsifiedGraph() throws Exception {
        // a random row-stochastic 16-node graph, and the same graph with each row's 3 largest entries kept
        java.util.Random random = new java.util.Random(4);
        double[] dense = new double[16 * 16];
        for (int i = 0; i < dense.length; i++) dense[i] = random.nextDouble();
        double[] kept = new double[dense.length];
        for (int r = 0; r < 16; r++) {
            Integer[] order = new Integer[16];
            for (int c = 0; c < 16; c++) order[c] = c;
            final int row = r;
            java.util.Arrays.sort(order, (a, b) -> Double.compare(dense[row * 16 + b], dense[row * 16 + a]));
            for (int j = 0; j < 3; j++) kept[r * 16 + order[j]] = dense[r * 16 + order[j]];
        }
        Path sparse = npz("dense.npz", Map.of("layer0", NdData.float32(new int[] {16, 16}, dense)));
        Path zeroed = npz("zeroed.npz", Map.of("layer0", NdData.float32(new int[] {16, 16}, kept)));
        double[] objective = new double[2];
        int i = 0;
        for (String[] args : new String[][] {{"--graphs", sparse.toString(), "--graph-top-k", "3"}, {"--graphs", zeroed.toString()}}) {
            Path out = dir.resolve("out" + i);
            java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of("spectral", "--steps", "0", "--eigs", "3", "--out", out.toString()));
            all.addAll(java.util.List.of(args));
            Run r = run(all.toArray(new String[0]));
            assertEquals(0, r.code(), r.err());
            objective[i++] = JsonParser.parseString(Files.readString(out.resolve("summary.json"))).getAsJsonObject().get("objective").getAsDouble();
        }
        assertEquals(objective[1], objective[0], 1e-6, "--graph-top-k 3 evaluates the graph with the other entries zeroed");
    }

    @Test
    void spectralOptimisesFromGivenStartFeatures() throws Exception {
        Path f = npz("g.npz", Map.of("layer0", identityGraph(16)));
        double[] x = new double[3 * 16];
        java.util.Arrays.fill(x, 1.0 / 3);
        Npy.writeFloat32(dir.resolve("x.npy"), new int[] {3, 4, 4}, x);
        Path out = dir.resolve("s");
        Run r = run("spectral", "--graphs", f.toString(), "--init", dir.resolve("x.npy").toString(), "--steps", "40", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(new int[] {3, 4, 4}, Npy.read(out.resolve("features.npy")).shape());
        JsonObject summary = JsonParser.parseString(Files.readString(out.resolve("summary.json"))).getAsJsonObject();
        assertEquals("direct", summary.get("parametrisation").getAsString());
        assertEquals(2, summary.get("optimiserUpdates").getAsInt());
    }

    @Test
    void segmentWritesEveryDocumentedFile() throws Exception {
        SampleScene.Labelled scene = SampleScene.planted(3, 80, 60, 10, 4);
        Path img = dir.resolve("scene.png");
        ImageIO.write(scene.image(), "png", img.toFile());
        Path out = dir.resolve("out");
        Run r = run("segment", img.toString(), "--steps", "40", "--eigs", "6", "--k-max", "5", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Path d = out.resolve("scene");
        JsonObject s = JsonParser.parseString(Files.readString(d.resolve("summary.json"))).getAsJsonObject();
        for (String key : new String[] {"backbone", "graphs", "passes", "optimiserUpdates", "finalLoss", "chosenK", "silhouette", "seconds"}) {
            assertTrue(s.has(key), "summary has " + key);
        }
        assertEquals(40, s.get("passes").getAsInt());
        assertEquals(2, s.get("optimiserUpdates").getAsInt());
        int k = s.get("chosenK").getAsInt();
        assertEquals(4, s.getAsJsonObject("silhouette").size(), "k = 2..5");
        BufferedImage regions = ImageIO.read(d.resolve("regions.png").toFile());
        assertEquals(BufferedImage.TYPE_BYTE_GRAY, regions.getType());
        assertEquals(80, regions.getWidth());
        assertEquals(60, regions.getHeight());
        int[] ids = regions.getRaster().getPixels(0, 0, 80, 60, (int[]) null);
        assertEquals(k, java.util.Arrays.stream(ids).distinct().count());
        assertTrue(java.util.Arrays.stream(ids).allMatch(v -> v >= 0 && v < k));
        NdData features = Npy.read(d.resolve("features.npy"));
        assertEquals("f4", features.dtype());
        assertArrayEquals(new int[] {6, s.get("featureHeight").getAsInt(), s.get("featureWidth").getAsInt()}, features.shape());
        for (String png : new String[] {"overlay.png", "eigenvectors.png", "silhouette.png", "loss.png", "eigenvector-grid.png"}) {
            BufferedImage im = Images.read(d.resolve(png));
            assertTrue(im.getWidth() > 0, png);
        }
        // a folder with a file of ours that we did not write is not overwritten unasked
        Path foreign = dir.resolve("foreign");
        Files.createDirectories(foreign.resolve("scene"));
        Files.writeString(foreign.resolve("scene").resolve("regions.png"), "mine");
        assertBadInput(run("segment", img.toString(), "--steps", "0", "--out", foreign.toString()), "regions.png", "--force");
    }

    @Test
    void segmentRunsEndToEndOnARandomDinoCheckpoint() throws Exception {
        Path weights = dir.resolve("random.safetensors");
        org.pathways.model.SafeTensors.writeFloat32(weights,
                org.pathways.model.VisionTransformer.randomWeights(org.pathways.model.VisionTransformer.PRESETS.get("dino-vits16"), 14, 1));
        Path img = dir.resolve("scene.png");
        ImageIO.write(SampleScene.planted(3, 96, 72, 10, 5).image(), "png", img.toFile());
        Path out = dir.resolve("out");
        Run r = run("segment", img.toString(), "--backbone", "dino-vits16", "--weights", weights.toString(), "--vit-resize", "authors",
                "--steps", "40", "--graph-top-k", "64", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonObject s = JsonParser.parseString(Files.readString(out.resolve("scene/summary.json"))).getAsJsonObject();
        assertEquals("dino-vits16", s.get("backbone").getAsString());
        assertEquals(64, s.get("graphTopK").getAsInt());
        assertEquals(12, s.getAsJsonArray("graphs").size(), "one graph per layer");
        assertEquals(6, s.getAsJsonArray("graphs").get(0).getAsJsonObject().get("heads").getAsInt());
        assertEquals(30, s.get("featureHeight").getAsInt(), "480 / 16");
        BufferedImage regions = ImageIO.read(out.resolve("scene/regions.png").toFile());
        assertEquals(96, regions.getWidth());
    }
}
