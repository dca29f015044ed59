package io.spanloop.cli;

import io.spanloop.schemas.TopicNames;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;

/**
 * What a command talks to besides Kafka: its standard streams, the environment, and the topic names
 * (the standard ones, except in tests that isolate their topics).
 *
 * @param in standard input (a context read with {@code --context -})
 * @param out results
 * @param err messages, progress and errors
 * @param env environment variables ({@code SPANLOOP_BOOTSTRAP_SERVERS}, ...)
 * @param stdinIsTerminal whether standard input is a person at a terminal (then it is not read
 *     unless asked)
 * @param errIsTerminal whether {@code err} is a terminal (progress redraws in place)
 * @param topics the topic names
 */
public record CliContext(
        InputStream in,
        PrintStream out,
        PrintStream err,
        Map<String, String> env,
        boolean stdinIsTerminal,
        boolean errIsTerminal,
        TopicNames topics) {

    public CliContext {
        env = Map.copyOf(env);
    }

    /** This process: {@code System.in/out/err}, its environment, the standard topic names. */
    public static CliContext system() {
        return new CliContext(
                System.in,
                System.out,
                System.err,
                System.getenv(),
                Terminal.isTerminal(0),
                Terminal.isTerminal(2),
                TopicNames.DEFAULT);
    }
}
