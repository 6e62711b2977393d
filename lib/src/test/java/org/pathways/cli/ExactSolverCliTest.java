package org.pathways.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.data.NdData;
import org.pathways.data.Npy;
import org.pathways.data.SampleScene;

/** --solver and --init on the command line: a segment run with the exact solver, and one-line refusals. */
class ExactSolverCliTest {
    @TempDir
    Path dir;

    @Test
    void segmentWithTheExactSolver() throws Exception {
        Path img = dir.resolve("scene.png");
        ImageIO.write(SampleScene.planted(3, 40, 30, 10, 4).image(), "png", img.toFile());
        Path out = dir.resolve("out");
        CliTest.Run r = CliTest.run("segment", img.toString(), "--solver", "exact", "--eigs", "6", "--k-max", "5", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Path d = out.resolve("scene");
        JsonObject s = JsonParser.parseString(Files.readString(d.resolve("summary.json"))).getAsJsonObject();
        assertEquals("exact", s.get("solver").getAsString());
        assertEquals("random", s.get("init").getAsString());
        assertEquals(0, s.get("optimiserUpdates").getAsInt());
        assertEquals(6, s.getAsJsonArray("exactEigenvalues").size());
        assertEquals(true, s.getAsJsonObject("seconds").has("exact"));
        NdData features = Npy.read(d.resolve("features.npy"));
        assertArrayEquals(new int[] {6, 30, 40}, features.shape());
        for (String f : new String[] {"regions.png", "overlay.png", "eigenvectors.png", "eigenvector-grid.png", "silhouette.png", "loss.png"}) {
            assertEquals(true, Files.isRegularFile(d.resolve(f)), f);
        }
    }

    @Test
    void badSolverAndInitAreOneLine() {
        String img = dir.resolve("x.png").toString();
        CliTest.assertBadInput(CliTest.run("segment", "--solver", "magic", img), "--solver 'magic'", "learned or exact");
        CliTest.assertBadInput(CliTest.run("segment", "--init", "magic", img), "--init 'magic'", "random or exact");
        CliTest.assertBadInput(CliTest.run("segment", "--init", "exact", img), "--init exact", "--param direct");
        CliTest.assertBadInput(CliTest.run("segment", "--init", "exact", "--param", "direct", "--solver", "exact", img), "--init exact", "--solver exact");
        CliTest.assertBadInput(CliTest.run("demo", "--solver", "magic"), "--solver 'magic'");
    }
}
