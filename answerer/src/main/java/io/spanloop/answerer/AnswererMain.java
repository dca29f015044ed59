package io.spanloop.answerer;

import io.spanloop.config.ServiceConfigs;
import io.spanloop.qa.InvalidModelException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Runs an answerer until it is stopped (SIGTERM / Ctrl-C) or fails. Settings: {@code --config FILE}
 * (or {@code SPANLOOP_ANSWERER_CONFIG}), then {@code SPANLOOP_ANSWERER_*} variables.
 */
public final class AnswererMain {

    private AnswererMain() {}

    public static void main(String[] args) throws InterruptedException {
        Answerer answerer;
        try {
            answerer =
                    Answerer.start(
                            AnswererConfig.load(
                                    ServiceConfigs.configFile(args, AnswererConfig.ENV_PREFIX),
                                    System.getenv()));
        } catch (ConfigException | InvalidModelException e) {
            System.err.println("answerer: " + e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(answerer::close, "answerer-shutdown"));
        KafkaStreams.State end = answerer.awaitStop();
        answerer.close();
        if (end == KafkaStreams.State.ERROR) {
            System.exit(1);
        }
    }
}
