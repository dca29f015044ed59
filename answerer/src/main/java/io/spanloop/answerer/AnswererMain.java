package io.spanloop.answerer;

import io.spanloop.qa.InvalidModelException;
import java.nio.file.Path;
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
            answerer = Answerer.start(AnswererConfig.load(configFile(args), System.getenv()));
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

    static Path configFile(String[] args) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--config")) {
                return Path.of(args[i + 1]);
            }
        }
        String fromEnv = System.getenv(AnswererConfig.ENV_PREFIX + "_CONFIG");
        return fromEnv == null || fromEnv.isBlank() ? null : Path.of(fromEnv);
    }
}
