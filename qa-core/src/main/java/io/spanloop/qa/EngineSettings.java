package io.spanloop.qa;

import ai.djl.engine.Engine;

/**
 * Process-wide PyTorch engine settings. They only take effect when applied before the engine
 * starts, so services apply them first thing.
 *
 * @param intraOpThreads threads one operator may use (0 = PyTorch's default, one per core)
 * @param interOpThreads threads running independent operators (0 = PyTorch's default)
 */
public record EngineSettings(int intraOpThreads, int interOpThreads) {

    public static final String ENGINE = "PyTorch";

    public static final EngineSettings DEFAULTS = new EngineSettings(0, 0);

    public EngineSettings {
        if (intraOpThreads < 0 || interOpThreads < 0) {
            throw new IllegalArgumentException("thread counts must be >= 0");
        }
    }

    /**
     * Sets DJL's system properties (offline mode included: natives come from the bundled jars,
     * never a download) and starts the engine.
     */
    public Engine apply() {
        System.setProperty("ai.djl.offline", "true");
        if (intraOpThreads > 0) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(intraOpThreads));
        }
        if (interOpThreads > 0) {
            System.setProperty(
                    "ai.djl.pytorch.num_interop_threads", Integer.toString(interOpThreads));
        }
        return Engine.getEngine(ENGINE);
    }

    /**
     * Changes, from now on and for the calling thread's work, how many threads one operator may use
     * (PyTorch's {@code set_num_threads}); starts the engine if it has not started.
     */
    public static void useIntraOpThreads(int threads) {
        if (threads <= 0) {
            throw new IllegalArgumentException("threads must be > 0");
        }
        Engine.getEngine(ENGINE);
        ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
    }
}
