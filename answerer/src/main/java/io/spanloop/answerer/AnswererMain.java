package io.spanloop.answerer;

import java.nio.file.Path;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Runs an answerer until it is stopped (SIGTERM / Ctrl-C) or fails. Settings: {@code --config FILE}
 * (or {@code SPANLOOP_ANSWERER_CONFIG}), then {@code SPANLOOP_ANSWERER_*} variables.
 */
public final class AnswererMain {

    private AnswererMain() {}

    public static void main(String[] args) throws InterruptedException {
        AnswererConfig config = AnswererConfig.load(configFile(args), System.getenv());
        Answerer answerer = Answerer.start(config);
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
