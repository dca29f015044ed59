package io.spanloop.labeler;

import java.nio.file.Path;
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
            labeler = Labeler.start(LabelerConfig.load(configFile(args), System.getenv()));
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

    static Path configFile(String[] args) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--config")) {
                return Path.of(args[i + 1]);
            }
        }
        String fromEnv = System.getenv(LabelerConfig.ENV_PREFIX + "_CONFIG");
        return fromEnv == null || fromEnv.isBlank() ? null : Path.of(fromEnv);
    }
}
