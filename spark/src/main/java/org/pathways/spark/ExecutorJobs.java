package org.pathways.spark;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.pathways.cli.ImageRuns;
import org.pathways.pipeline.DatasetRunner;

/**
 * The jobs (models) of one executor JVM, kept between tasks: a run's work is rebuilt from its command line once per
 * JVM, and a job made for one task is lent to the next, so a model is loaded once per executor, not once per image.
 * With {@code spark.executor.cores=1} an executor holds one job; {@code local[N]} runs N tasks in one JVM, which
 * then holds N jobs, as the local runner's N workers do. (DJL's Spark extension keeps its model the same way: a
 * loader that travels as a description and loads once where it lands.)
 */
final class ExecutorJobs {
    /** One run's work and its idle jobs. */
    private static final class Pool<T> {
        final DatasetRunner.Work<T> work;
        final Deque<DatasetRunner.Job<T>> idle = new ArrayDeque<>();

        Pool(DatasetRunner.Work<T> work) {
            this.work = work;
        }

        DatasetRunner.ImageResult process(String id) throws Exception {
            DatasetRunner.Job<T> job;
            synchronized (this) {
                job = idle.poll();
            }
            if (job == null) job = work.newJob().get();
            try {
                return DatasetRunner.processOne(work.load(), job, id);
            } finally {
                synchronized (this) {
                    idle.push(job);
                }
            }
        }

        synchronized List<DatasetRunner.Job<T>> takeIdle() {
            List<DatasetRunner.Job<T>> out = new ArrayList<>(idle);
            idle.clear();
            return out;
        }
    }

    private static final Map<List<String>, Pool<?>> POOLS = new HashMap<>();

    private ExecutorJobs() {}

    /** Processes one image of the run of {@code commandLine} in this JVM. */
    static DatasetRunner.ImageResult process(List<String> commandLine, String id) throws Exception {
        Pool<?> pool;
        synchronized (POOLS) {
            pool = POOLS.get(commandLine);
            if (pool == null) { // parsed here, where the task runs: the data and weights are this machine's paths
                pool = new Pool<>(ImageRuns.work(commandLine));
                POOLS.put(commandLine, pool);
            }
        }
        return pool.process(id);
    }

    /**
     * Closes the idle jobs of every run (a job still lent to a task is kept, and closed by no one: its JVM is the
     * driver's, in local mode, which this is for). Cluster executors keep theirs until their JVM ends with the application.
     */
    static void closeIdle() {
        List<Pool<?>> pools;
        synchronized (POOLS) {
            pools = new ArrayList<>(POOLS.values());
            POOLS.clear();
        }
        for (Pool<?> p : pools) for (DatasetRunner.Job<?> job : p.takeIdle()) job.close();
    }
}
