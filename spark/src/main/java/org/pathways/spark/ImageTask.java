package org.pathways.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.TaskContext;
import org.pathways.pipeline.DatasetRunner;
import scala.runtime.AbstractFunction2;

/**
 * What a Spark task runs: the images of its partition (one each, see {@link SparkEngine}) through the run's job,
 * rebuilt from the command line on the executor. Only strings travel to it, and its results travel back.
 */
final class ImageTask extends AbstractFunction2<TaskContext, scala.collection.Iterator<String>, ArrayList<DatasetRunner.ImageResult>> implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * For tests of retries ({@code -Dpathways.testing.failFirstAttemptOf=ID}, read where the task runs): the first
     * attempt of the task of that image fails after computing it, so a retry must not count it twice.
     */
    static final String FAULT = "pathways.testing.failFirstAttemptOf";

    private final List<String> commandLine;

    ImageTask(List<String> commandLine) {
        this.commandLine = List.copyOf(commandLine);
    }

    @Override
    public ArrayList<DatasetRunner.ImageResult> apply(TaskContext context, scala.collection.Iterator<String> ids) {
        ArrayList<DatasetRunner.ImageResult> results = new ArrayList<>();
        while (ids.hasNext()) {
            String id = ids.next();
            try {
                results.add(ExecutorJobs.process(commandLine, id));
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) { // checked: Spark records the failure and retries the task
                throw new IllegalStateException(id + ": " + e.getMessage(), e);
            }
            if (id.equals(System.getProperty(FAULT)) && context.attemptNumber() == 0) {
                throw new IllegalStateException("injected fault after computing " + id + " (" + FAULT + ")");
            }
        }
        return results;
    }
}
