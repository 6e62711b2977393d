package org.rapaio.jupyter.kernel.channels;

/**
 * Pathways' replacement for {@code LoopThread} of rapaio-jupyter-kernel 3.0.1 (and 3.0.4: the class is unchanged),
 * with the same name and public API, so that it shadows the jar's class when it comes first on the class path
 * (environment/install.sh compiles it and writes the kernelspec that way). Written here from the behaviour of the
 * original, which is MIT-licensed (github.com/padreati/rapaio-jupyter-kernel, file
 * rapaio-jupyter-kernel/src/org/rapaio/jupyter/kernel/channels/LoopThread.java).
 *
 * <p>Why: the original's {@code start()} calls {@code super.start()} and only then sets its running flag. When the new
 * thread reaches its {@code while (running)} test first, which a busy 2-core machine makes likely, it sees false and
 * ends at once: the kernel's shell (or control) channel then never answers, and Jupyter reports "Kernel didn't
 * respond" (seen in 1 of 50 starts here; a thread dump of such a kernel shows only the heartbeat thread alive). The
 * original also lets an exception in the loop body end the thread, e.g. a request that arrives before the kernel has
 * registered its message handlers. Here the flag is set before the thread starts, and a failing pass is reported on
 * stderr while the loop goes on (up to {@link #MAX_CONSECUTIVE_FAILURES} in a row, then it ends as the original did).
 */
public final class LoopThread extends Thread {
    static final int MAX_CONSECUTIVE_FAILURES = 100;

    private volatile boolean running = false;
    private final long sleep;
    private final Runnable loopBody;

    public LoopThread(String name, long sleep, Runnable loopBody) {
        super(name);
        this.sleep = sleep;
        this.loopBody = loopBody;
    }

    @Override
    public void run() {
        int failures = 0;
        while (running) {
            try {
                loopBody.run();
                failures = 0;
            } catch (RuntimeException e) {
                System.err.println("[" + getName() + "] " + e + " (the channel goes on)");
                if (++failures >= MAX_CONSECUTIVE_FAILURES) {
                    running = false;
                    return;
                }
            }
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                running = false;
                return;
            }
        }
    }

    @Override
    public synchronized void start() {
        running = true; // before the thread exists, so its first test of the flag cannot see false
        super.start();
    }

    public void shutdown() {
        running = false;
    }
}
