package org.pathways.pipeline;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.pathways.eval.IouCounts;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.pathways.fuzz.Contract;
import org.pathways.fuzz.FuzzBudget;
import org.pathways.fuzz.Mutation;

/**
 * A run folder under corruption (run.json, done.txt, the per-image and counts tables): resuming it and summing its
 * tables either works or is refused in one line naming the file.
 */
@AddLifecycleHook(FuzzBudget.class)
public class RunFolderFuzz {
    static final ResultLog.Table COUNTS = ScoreRows.counts("counts.csv");

    static JsonObject config() {
        JsonObject c = new JsonObject();
        c.addProperty("experiment", "fuzz");
        c.addProperty("eigs", 15);
        return c;
    }

    /** What a resumed run does with its folder: reopen it (dropping unfinished rows), then read and sum its tables. */
    public static Map<String, IouCounts> resumeAndSum(Path dir) throws java.io.IOException {
        try (ResultLog log = ResultLog.open(dir, config(), List.of(ScoreRows.PER_IMAGE, COUNTS))) {
            ScoreRows.read(dir.resolve(ScoreRows.PER_IMAGE.file()));
            return ScoreRows.sum(ScoreRows.read(dir.resolve(COUNTS.file())), r -> r[1]);
        }
    }

    @Provide
    Arbitrary<List<Mutation>> edits() {
        return Arbitraries.oneOf(Mutation.text(), Mutation.bytes(0, 1, 10, 20, 40, 60, 80)).list().ofMaxSize(3);
    }

    @Provide
    Arbitrary<String> victim() {
        return Arbitraries.of("run.json", "done.txt", "per-image.csv", "counts.csv");
    }

    @Property
    void runFolderIsResumedOrRefusedInOneLine(@ForAll("victim") String victim, @ForAll("edits") List<Mutation> edits) throws Exception {
        Path dir = Files.createTempDirectory("pathways-run-fuzz");
        try {
            try (ResultLog log = ResultLog.open(dir, config(), List.of(ScoreRows.PER_IMAGE, COUNTS))) {
                for (String id : new String[] {"img1", "img2"}) {
                    List<String> counts = new java.util.ArrayList<>();
                    counts.add(id + ",ours,3,0,120,400");
                    counts.add(id + ",ours,3,7,30,90");
                    log.record(id, java.util.Map.of(ScoreRows.PER_IMAGE.file(), List.of(ScoreRows.perImage(id, "ours", 3, true, 0.5, 1.25)), COUNTS.file(), counts));
                }
            }
            Path file = dir.resolve(victim);
            Files.write(file, Mutation.applyAll(Files.readAllBytes(file), edits));
            Contract.check("run-folder", dir, () -> resumeAndSum(dir), sums -> null);
        } finally {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
