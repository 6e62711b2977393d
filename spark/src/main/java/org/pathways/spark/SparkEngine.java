package org.pathways.spark;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.SparkSession;
import org.pathways.common.InvalidInputException;
import org.pathways.pipeline.DatasetRunner;
import org.pathways.pipeline.DistributedEngine;
import org.pathways.pipeline.RunRecorder;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * {@code --spark MASTER}: the run's images as an RDD of one image per partition (a task per image, so Spark's
 * scheduler balances images of uneven cost over the executors), each task through {@link ImageTask}, and every
 * result handed to the driver's {@link RunRecorder} as its task succeeds ({@code SparkContext.runJob} with a result
 * handler: once per partition, however often a task was tried). The run folder is written by this JVM only, through
 * the local runner's code; at the end each table is also written as Parquet.
 */
public final class SparkEngine implements DistributedEngine {
    @Override
    public String name() {
        return "spark";
    }

    /**
     * The Spark settings of a run: {@code spark.*} system properties win (e.g. {@code -Dspark.executor.memory=6g} in
     * PATHWAYS_JAVA_OPTS); one core per executor, because DJL's PyTorch engine allows one gradient collector per JVM.
     */
    public static SparkConf configuration(String master) {
        SparkConf conf = new SparkConf().setMaster(master).setAppName("pathways");
        conf.setIfMissing("spark.executor.cores", "1");
        conf.setIfMissing("spark.ui.showConsoleProgress", "false"); // the run prints its own progress lines
        conf.setIfMissing("spark.executorEnv.TORCH_CPP_LOG_LEVEL", "ERROR");
        conf.setIfMissing("spark.executor.extraJavaOptions", "-Dai.djl.offline=true -Djava.awt.headless=true"); // Spark adds its --add-opens
        if (master.startsWith("local")) {
            conf.setIfMissing("spark.ui.enabled", "false");
        } else {
            // executors load our classes from the jars the launcher names (Spark's own are the cluster's)
            String jars = System.getProperty("pathways.spark.jars", "");
            if (!jars.isBlank()) conf.setIfMissing("spark.jars", jars);
        }
        return conf;
    }

    @Override
    public DatasetRunner.Summary run(String master, List<String> commandLine, RunRecorder recorder, PrintStream progress)
            throws IOException, InterruptedException {
        requireOpenModules();
        SparkSession running = SparkSession.getDefaultSession().isDefined() ? SparkSession.getDefaultSession().get() : null;
        if (running != null && !running.sparkContext().master().equals(master)) {
            throw new InvalidInputException("--spark " + master + ": this JVM already runs Spark on " + running.sparkContext().master());
        }
        SparkSession spark = running != null ? running : SparkSession.builder().config(configuration(master)).getOrCreate();
        try {
            List<String> todo = recorder.todo();
            progress.printf("%d images on Spark %s (%s, %d executor core(s) each)%n", todo.size(), master, spark.sparkContext().applicationId(),
                    spark.sparkContext().getConf().getInt("spark.executor.cores", 1));
            if (!todo.isEmpty()) process(spark.sparkContext(), commandLine, recorder);
            DatasetRunner.Summary summary = recorder.finish();
            ParquetTables.write(spark, recorder.log());
            return summary;
        } finally {
            if (master.startsWith("local")) ExecutorJobs.closeIdle(); // the executors were this JVM: free their models
            if (running == null) spark.stop();
        }
    }

    private static void process(SparkContext sc, List<String> commandLine, RunRecorder recorder) throws IOException, InterruptedException {
        List<String> todo = recorder.todo();
        RDD<String> images = new JavaSparkContext(sc).parallelize(todo, todo.size()).rdd();
        List<Object> partitions = new ArrayList<>();
        for (int i = 0; i < todo.size(); i++) partitions.add(i);
        Recording handler = new Recording(recorder);
        try {
            sc.runJob(images, new ImageTask(commandLine), scala.jdk.javaapi.CollectionConverters.asScala(partitions).toSeq(), handler,
                    scala.reflect.ClassTag$.MODULE$.apply(ArrayList.class));
        } catch (RuntimeException e) {
            if (handler.failure != null) throw handler.failure; // the recorder's own error (a full disk), not a task's
            Throwable task = e;
            while (task.getCause() != null && task.getCause() != task) task = task.getCause();
            if (task instanceof InvalidInputException bad) throw bad; // an executor refused the command (e.g. no weights at that path)
            throw new IllegalStateException("the Spark job failed after its retries: " + firstLine(e.getMessage()), e);
        }
    }

    /** The driver's side of {@code runJob}: each partition's results, in the order tasks succeed, to the recorder. */
    private static final class Recording extends AbstractFunction2<Object, ArrayList<DatasetRunner.ImageResult>, BoxedUnit> {
        private final RunRecorder recorder;
        private volatile IOException failure;

        Recording(RunRecorder recorder) {
            this.recorder = recorder;
        }

        @Override
        public BoxedUnit apply(Object partition, ArrayList<DatasetRunner.ImageResult> results) {
            try {
                for (DatasetRunner.ImageResult r : results) recorder.accept(r);
            } catch (IOException e) {
                failure = e;
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while recording partition " + partition, e);
            }
            return BoxedUnit.UNIT;
        }
    }

    /** Spark's driver needs Java 17's modules opened ({@code --add-opens}); without them it fails deep inside, so say it on one line first. */
    private static void requireOpenModules() {
        if (!Object.class.getModule().isOpen("java.nio", SparkEngine.class.getModule()) || !Object.class.getModule().isOpen("sun.nio.ch", SparkEngine.class.getModule())) {
            throw new InvalidInputException("--spark: this JVM was started without Spark's --add-opens flags (spark/jvm-options.txt); run through ./pathways, which adds them");
        }
    }

    private static String firstLine(String message) {
        if (message == null) return "";
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
