package io.spanloop.cli;

import io.spanloop.schemas.TopicNames;
import io.spanloop.testkit.KafkaEnvironment;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One run of a CLI command with captured output: what {@code ./spanloop COMMAND ARGS} does, on the
 * given topics, with the environment's broker and registry passed as flags.
 *
 * @param status the exit status
 * @param out what went to stdout
 * @param err what went to stderr
 */
record CliRun(int status, String out, String err) {

    /** Runs {@code args} against {@code env}'s broker and registry with {@code topics}. */
    static CliRun against(KafkaEnvironment env, TopicNames topics, String stdin, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(
                List.of(
                        "--bootstrap-servers",
                        env.bootstrapServers(),
                        "--registry-url",
                        env.registryUrl()));
        return run(topics, Map.of(), stdin, all.toArray(String[]::new));
    }

    /**
     * Runs {@code args} as typed. {@code stdin} null: standard input is a terminal (never read);
     * otherwise a pipe carrying {@code stdin}.
     */
    static CliRun run(TopicNames topics, Map<String, String> env, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CliContext context =
                new CliContext(
                        new ByteArrayInputStream(
                                (stdin == null ? "" : stdin).getBytes(StandardCharsets.UTF_8)),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        env,
                        stdin == null,
                        false,
                        topics);
        int status = Cli.run(args, context);
        return new CliRun(
                status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The lines of stdout. */
    List<String> outLines() {
        return out.lines().toList();
    }
}
