package io.spanloop.local;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What the local run starts and where.
 *
 * @param dataDir broker data, registry database, model store, service state and logs
 * @param reset delete {@code dataDir} first
 * @param kafkaPort the broker's client port on 127.0.0.1
 * @param controllerPort the KRaft controller's port on 127.0.0.1
 * @param registryPort the schema registry's HTTP port on 127.0.0.1
 * @param labelerPort the labeler's HTTP port on 127.0.0.1
 * @param annotator the labeler login, {@code name:token}
 * @param registryHome the unpacked Apicurio Registry runner
 * @param demoModel the model version directory copied into the store as version 1
 * @param autoLabel whether and how a simulated annotator runs the loop unattended
 * @param once stop after the demo (for scripts and tests)
 */
record LocalOptions(
        Path dataDir,
        boolean reset,
        int kafkaPort,
        int controllerPort,
        int registryPort,
        int labelerPort,
        String annotator,
        Path registryHome,
        Path demoModel,
        AutoLabel autoLabel,
        boolean once) {

    /**
     * @param enabled run the simulated annotator
     * @param labels how many answers it reviews at most
     * @param labelsPerSecond how fast
     * @param timeout when it gives up
     */
    record AutoLabel(boolean enabled, int labels, double labelsPerSecond, Duration timeout) {}

    String bootstrapServers() {
        return "127.0.0.1:" + kafkaPort;
    }

    String registryUrl() {
        return "http://127.0.0.1:" + registryPort + "/apis/registry/v3";
    }

    String ccompatUrl() {
        return "http://127.0.0.1:" + registryPort + "/apis/ccompat/v7";
    }

    String labelerUrl() {
        return "http://127.0.0.1:" + labelerPort + "/";
    }

    Path logs() {
        return dataDir.resolve("logs");
    }
}
