package io.spanloop.retrainer;

import io.spanloop.config.ServiceConfigs;
import org.apache.kafka.common.config.ConfigException;

/**
 * Runs the retrainer until SIGTERM / Ctrl-C (a training in progress finishes first). Settings:
 * {@code --config FILE} (or {@code SPANLOOP_RETRAINER_CONFIG}), then {@code SPANLOOP_RETRAINER_*}.
 */
public final class RetrainerMain {

    private RetrainerMain() {}

    public static void main(String[] args) throws InterruptedException {
        Retrainer retrainer;
        try {
            retrainer =
                    Retrainer.start(
                            RetrainerConfig.load(
                                    ServiceConfigs.configFile(args, RetrainerConfig.ENV_PREFIX),
                                    System.getenv()));
        } catch (ConfigException e) {
            System.err.println("retrainer: " + e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(retrainer::close, "retrainer-shutdown"));
        Throwable failure = retrainer.awaitStop();
        if (failure != null) {
            retrainer.close();
            System.exit(1);
        }
    }
}
