package io.spanloop.answerer;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Runs an answerer until it is stopped (SIGTERM / Ctrl-C) or fails. Settings: {@code --config FILE}
 * (or {@code SPANLOOP_ANSWERER_CONFIG}), then {@code SPANLOOP_ANSWERER_*} variables.
 */
public final class AnswererMain {

    private AnswererMain() {}

    public static void main(String[] args) throws InterruptedException {
        Path file = configFile(args);
        AnswererConfig config = AnswererConfig.load(file, System.getenv());
        Answerer answerer = Answerer.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        answerer.streams()
                .setStateListener(
                        (now, before) -> {
                            if (now == KafkaStreams.State.ERROR
                                    || now == KafkaStreams.State.NOT_RUNNING) {
                                stopped.countDown();
                            }
                        });
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    answerer.close();
                                    stopped.countDown();
                                },
                                "answerer-shutdown"));
        stopped.await();
        if (answerer.streams().state() == KafkaStreams.State.ERROR) {
            answerer.close();
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
