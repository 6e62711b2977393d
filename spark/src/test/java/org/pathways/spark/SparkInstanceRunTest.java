package org.pathways.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.data.SampleCoco;
import org.pathways.pipeline.InstanceSegmentation;
import org.pathways.pipeline.InstanceTable;

/** {@code run instances --spark local[2]}: the local runner's detections, COCO results files, Table 7 and pictures. */
class SparkInstanceRunTest {
    @TempDir
    Path tmp;

    private static List<String> args(Path data, Path out, String... more) {
        List<String> a = new java.util.ArrayList<>(List.of("run", "instances", "--dataset", "sample-coco", "--data", data.toString(), "--methods", "ours,tokencut,maskcut",
                "--steps", "10", "--eigs", "6", "--k-max", "4", "--instance-k-max", "4", "--limit", "3", "--out", out.toString()));
        a.addAll(List.of(more));
        return a;
    }

    @Test
    void local2GivesTheLocalRunnersResultsAndTable7() throws Exception {
        Path data = SampleCoco.write(tmp.resolve("coco"), 3, 1);
        Path local = tmp.resolve("local");
        StringWriter err = new StringWriter();
        assertEquals(0, SharedSpark.run(args(data, local), err), err.toString());
        SharedSpark.session();
        Path spark = tmp.resolve("spark");
        assertEquals(0, SharedSpark.run(args(data, spark, "--spark", SharedSpark.MASTER), err), err.toString());

        assertEquals(Files.readAllLines(local.resolve(InstanceSegmentation.DETECTIONS.file())), Files.readAllLines(spark.resolve(InstanceSegmentation.DETECTIONS.file())));
        assertEquals(SharedSpark.untimed(local.resolve(InstanceSegmentation.COUNTS.file())), SharedSpark.untimed(spark.resolve(InstanceSegmentation.COUNTS.file())));
        for (String f : List.of(InstanceTable.resultsFile("ours"), InstanceTable.resultsFile("tokencut"), InstanceTable.resultsFile("maskcut"), InstanceTable.TABLE_CSV, InstanceTable.TABLE_MD)) {
            assertEquals(Files.readString(local.resolve(f)), Files.readString(spark.resolve(f)), f);
        }
        assertEquals(SharedSpark.filesUnder(local.resolve(InstanceSegmentation.PICTURES)), SharedSpark.filesUnder(spark.resolve(InstanceSegmentation.PICTURES)));
        assertTrue(Files.readString(local.resolve(InstanceSegmentation.DETECTIONS.file())).lines().count() > 3, "some masks were found");
        assertEquals(Files.readAllLines(spark.resolve(InstanceSegmentation.DETECTIONS.file())).size() - 1,
                SharedSpark.session().read().parquet(spark.resolve("detections.parquet").toString()).count());
    }
}
