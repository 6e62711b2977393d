package org.pathways.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.Test;

/**
 * The driver runs in our JVM, not spark-submit's: the launcher's flags (spark/jvm-options.txt) and the tests' (the
 * pom's spark.opens) must be the ones Spark's own launcher would give it, for the Spark version on the class path.
 */
class LauncherFlagsTest {
    @Test
    void theLaunchersFlagsAreSparksOwn() throws Exception {
        List<String> launcher = Files.readAllLines(Path.of("jvm-options.txt")).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
        List<String> tests = List.of(System.getProperty("pathways.spark.opens").strip().split("\\s+"));
        assertEquals(launcher, tests, "spark/jvm-options.txt and the pom's spark.opens");
        for (String flag : JavaModuleOptions.defaultModuleOptionArray()) {
            if (flag.startsWith("--add-opens") || flag.startsWith("-D")) assertTrue(launcher.contains(flag), "missing " + flag);
        }
    }
}
