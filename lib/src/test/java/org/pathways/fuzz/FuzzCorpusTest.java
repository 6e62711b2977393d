package org.pathways.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.pathways.affinity.GraphFiles;
import org.pathways.data.Images;
import org.pathways.data.Npy;
import org.pathways.data.VocMasks;
import org.pathways.model.SafeTensors;

/**
 * Replays the committed corpus (src/test/resources/fuzz-corpus/READER/...): every shrunk case the fuzzer found keeps
 * the contract in every run, and a case named {@code refuse-*} must be refused, not read.
 */
class FuzzCorpusTest {
    /** Each corpus folder's reader, as the fuzz properties call it. */
    static final Map<String, Function<Path, Contract.Outcome>> READERS = Map.of(
            "npy", f -> Contract.check("corpus-npy", f, () -> Npy.read(f), NpyFuzz::sane),
            "npz", f -> Contract.check("corpus-npz", f, () -> Npy.readNpz(f), m -> null),
            "safetensors", f -> Contract.check("corpus-safetensors", f, () -> SafeTensors.read(f), SafeTensorsFuzz::sane),
            "image", f -> Contract.check("corpus-image", f, () -> Images.read(f), i -> null),
            "voc-mask", f -> Contract.check("corpus-voc-mask", f, () -> VocMasks.read(f), m -> null),
            "graph", f -> Contract.check("corpus-graph", f, () -> GraphFiles.readNpz(f, null, false), GraphFuzz::sane),
            "vit-config", f -> Contract.check("corpus-vit-config", f, () -> ConfigFuzz.readVit(f), ConfigFuzz::sane),
            "run-folder", f -> Contract.check("corpus-run-folder", f, () -> org.pathways.pipeline.RunFolderFuzz.resumeAndSum(f), sums -> null));

    @Test
    void everyCorpusCaseKeepsTheContract() throws Exception {
        Path corpus = Path.of(getClass().getResource("/fuzz-corpus").toURI());
        List<String> cases = new ArrayList<>();
        try (var files = Files.walk(corpus)) {
            // a case is a file, or for a run folder a folder of files
            for (Path f : files.filter(p -> corpus.relativize(p).getNameCount() == 2).sorted().toList()) {
                String reader = corpus.relativize(f).getName(0).toString();
                assertTrue(READERS.containsKey(reader), f + ": no reader for corpus folder " + reader);
                Contract.Outcome outcome = READERS.get(reader).apply(f);
                if (f.getFileName().toString().startsWith("refuse-")) assertEquals(Contract.Outcome.REFUSED, outcome, f + " was read, not refused");
                cases.add(reader + "/" + f.getFileName());
            }
        }
        assertTrue(cases.size() >= 5, "the corpus holds " + cases);
        System.out.println("fuzz corpus: " + cases.size() + " cases replayed: " + cases);
    }
}
