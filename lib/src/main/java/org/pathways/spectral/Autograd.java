package org.pathways.spectral;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;

/**
 * Gradient collection that works from any thread. DJL's PyTorch engine allows one {@link GradientCollector} per
 * process at a time and, on closing one, restores the thread's previous grad mode. libtorch's grad mode is per thread
 * and on by default, and DJL switches it off only on the thread that loaded the engine, so on a worker thread the
 * optimiser's in-place parameter updates would fail ("a leaf Variable that requires grad is being used in an in-place
 * operation"). So every collection here takes one lock and starts from grad mode off.
 */
final class Autograd {
    private static final Object LOCK = new Object();

    interface Body<T> {
        T run(GradientCollector collector);
    }

    private Autograd() {}

    static <T> T collect(Body<T> body) {
        synchronized (LOCK) {
            JniUtils.setGradMode(false); // what the collector restores on close
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                return body.run(collector);
            }
        }
    }
}
