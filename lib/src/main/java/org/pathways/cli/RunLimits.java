package org.pathways.cli;

import java.io.IOException;
import java.util.List;
import org.pathways.common.InvalidInputException;
import org.pathways.pipeline.DatasetRunner;
import org.pathways.pipeline.DistributedEngine;
import org.pathways.pipeline.ResultLog;
import org.pathways.pipeline.RunRecorder;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** How much of a data set a run takes and where its images are processed (every {@code run} over images). */
final class RunLimits {
    @Option(names = "--limit", defaultValue = "0", description = "Only the first N images (0: all). Raising it later continues the same run.")
    int limit;

    @Option(names = "--jobs", defaultValue = "1", description = "Images processed in parallel, each worker with its own model (default: ${DEFAULT-VALUE}: DJL already uses every core).")
    int jobs;

    @Option(names = "--spark", paramLabel = "MASTER", description = "Process the images on Apache Spark instead: local[N] (N executor threads in this JVM, "
            + "local[N,F] with F tries per task) or a cluster's URL (spark://host:7077). One model per executor JVM; the run folder, its tables and "
            + "resuming are this command's as without it, plus OUT/<table>.parquet. ./pathways builds the spark module on first use.")
    String spark;

    /** Refuses a negative limit or fewer than one job, one line each. */
    void check() {
        if (limit < 0) throw new InvalidInputException("--limit must be >= 0, got " + limit);
        if (jobs < 1) throw new InvalidInputException("--jobs must be >= 1, got " + jobs);
        if (spark != null && jobs != 1) throw new InvalidInputException("--jobs " + jobs + " with --spark " + spark + ": Spark's executors are the workers; give one of the two");
        if (spark != null && !SPARK_MASTER.matcher(spark.strip()).matches()) {
            throw new InvalidInputException("--spark '" + InvalidInputException.printable(spark) + "': not a Spark master (local, local[N], local[N,F], local[*], "
                    + "spark://host:port, yarn or k8s://host:port)");
        }
    }

    /** The master URLs Spark's SparkContext accepts (its createTaskScheduler), checked here so a typo is one line, not Spark's stack trace. */
    static final java.util.regex.Pattern SPARK_MASTER = java.util.regex.Pattern.compile(
            "local|local\\[(\\*|[1-9]\\d*)(\\s*,\\s*[1-9]\\d*)?\\]|local-cluster\\[\\s*\\d+\\s*,\\s*\\d+\\s*,\\s*\\d+\\s*\\]|spark://\\S+|yarn|k8s://\\S+");

    /** The first {@code --limit} of the ids (all with 0). */
    List<String> first(List<String> ids) {
        check();
        return limit > 0 && limit < ids.size() ? ids.subList(0, limit) : ids;
    }

    /**
     * Processes {@code ids} into {@code log}: in this JVM with {@code --jobs} workers, or with {@code --spark} on Spark,
     * whose executors rebuild {@code work} from this command line ({@link ImageRuns#work}).
     */
    <T> DatasetRunner.Summary run(DatasetRunner.Work<T> work, List<String> ids, ResultLog log, int every, ResultLog.Reader interim, CommandSpec command)
            throws IOException, InterruptedException {
        check();
        if (spark == null) return DatasetRunner.runItems(work.load(), ids, log, jobs, work.newJob(), System.err, every, interim);
        DistributedEngine engine = DistributedEngine.named("spark");
        List<String> commandLine = List.copyOf(command.root().commandLine().getParseResult().originalArgs());
        return engine.run(spark, commandLine, new RunRecorder(log, ids, System.err, every, interim), System.err);
    }
}
