package org.pathways.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --spark's master is checked before Spark starts: a typo is one line and exit 2, not Spark's stack trace. */
class RunLimitsTest {
    @TempDir
    Path tmp;

    @Test
    void sparkMastersAreThoseSparkAccepts() {
        for (String ok : new String[] {"local", "local[2]", "local[*]", "local[2,3]", "local[*, 4]", "local-cluster[2,1,1024]", "spark://head:7077",
                "spark://a:7077,b:7077", "yarn", "k8s://https://host:6443"}) {
            assertTrue(RunLimits.SPARK_MASTER.matcher(ok).matches(), ok);
        }
        for (String bad : new String[] {"bogus://x", "local[0]", "local[x]", "local[2,]", "spark:/head", "", "locale"}) {
            assertFalse(RunLimits.SPARK_MASTER.matcher(bad).matches(), bad);
        }
    }

    @Test
    void aWrongMasterIsOneLine() {
        CliTest.assertBadInput(CliTest.run("run", "per-image", "--dataset", "sample-voc", "--data", tmp.resolve("voc").toString(), "--spark", "bogus://x",
                "--out", tmp.resolve("out").toString()), "--spark 'bogus://x'", "not a Spark master");
    }
}
