package io.spanloop.labeler;

import io.spanloop.config.ServiceConfigs;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.config.ConfigException;

/**
 * Runs the labeler until SIGTERM / Ctrl-C. Settings: {@code --config FILE} (or {@code
 * SPANLOOP_LABELER_CONFIG}), then {@code SPANLOOP_LABELER_*} variables.
 */
public final class LabelerMain {

    private LabelerMain() {}

    public static void main(String[] args) throws InterruptedException {
        Labeler labeler;
        try {
            labeler =
                    Labeler.start(
                            LabelerConfig.load(
                                    ServiceConfigs.configFile(args, LabelerConfig.ENV_PREFIX),
                                    System.getenv()));
        } catch (ConfigException e) {
            System.err.println("labeler: " + e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    labeler.close();
                                    stopped.countDown();
                                },
                                "labeler-shutdown"));
        stopped.await();
    }
}
