package io.spanloop.cli;

import io.spanloop.events.Answer;
import io.spanloop.events.Question;
import io.spanloop.schemas.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * {@code spanloop ask}: sends one question to the questions topic and prints its answer from the
 * answers topic.
 */
final class AskCommand extends KafkaCommand {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private static final String USAGE =
            """
            usage: spanloop ask --question TEXT [--context TEXT | --context-file FILE] [options]

            Sends a question about a context to qa.questions, waits for its answer on
            qa.answers and prints the span ("text" [start, end) with its probability) or
            "no answer", and the model version that answered.

              --question TEXT       the question
              --context TEXT        the context the answer is taken from; `-` reads it from
                                    standard input
              --context-file FILE   read the context from a UTF-8 file (`-`: standard input)
                                    Without either, the context is read from standard input
                                    when that is not a terminal (a pipe or a file). Trailing
                                    line breaks of a read context are dropped.
              --id ID               the question id (default: cli-<random UUID>)
              --timeout DURATION    how long to wait for the answer: 60, 90s, 2m, 500ms
                                    (default 60s); exit status 1 when it does not come
            """;

    AskCommand() {
        super(
                "ask",
                USAGE,
                Set.of("--question", "--context", "--context-file", "--id", "--timeout"),
                Set.of());
    }

    @Override
    int run(CommandLine line, Connection connection, CliContext context) {
        if (!line.positionals().isEmpty()) {
            throw new UsageException("unexpected argument " + line.positionals().get(0));
        }
        String question =
                line.value("--question")
                        .filter(q -> !q.isBlank())
                        .orElseThrow(() -> new UsageException("--question TEXT is required"));
        String id = line.value("--id").orElse("cli-" + UUID.randomUUID());
        if (id.isBlank()) {
            throw new UsageException("--id must not be empty");
        }
        Duration timeout = line.duration("--timeout", DEFAULT_TIMEOUT);
        String questionContext = context(line, context);

        Topics topics = connection.topics(context.topics());
        Question event =
                Question.newBuilder()
                        .setId(id)
                        .setQuestion(question)
                        .setContext(questionContext)
                        .setSubmittedAt(Instant.now())
                        .build();
        try (AnswerWatch watch = AnswerWatch.open(connection, topics)) {
            try (EventSender<Question> sender =
                    new EventSender<>(connection, topics.questions(), "spanloop-cli-ask")) {
                sender.sendAndWait(id, event);
            }
            context.err()
                    .printf(
                            "asked %s on %s; waiting up to %s for the answer%n",
                            id, topics.questions().name(), describe(timeout));
            Answer answer = watch.await(id, timeout);
            if (answer == null) {
                throw new CommandFailedException(
                        "no answer to "
                                + id
                                + " on "
                                + topics.answers().name()
                                + " within "
                                + describe(timeout)
                                + "; is the answerer running? (the question stays on "
                                + topics.questions().name()
                                + " and will still be answered)");
            }
            context.out().print(AnswerFormat.format(answer));
            return 0;
        }
    }

    /** The context from {@code --context}, {@code --context-file} or standard input. */
    private static String context(CommandLine line, CliContext context) {
        String text = line.value("--context").orElse(null);
        String file = line.value("--context-file").orElse(null);
        if (text != null && file != null) {
            throw new UsageException("give --context or --context-file, not both");
        }
        String result;
        if ("-".equals(text) || "-".equals(file)) {
            result = stripLineBreaks(readStdin(context));
        } else if (text != null) {
            result = text;
        } else if (file != null) {
            result = stripLineBreaks(readFile(Path.of(file)));
        } else if (!context.stdinIsTerminal()) {
            result = stripLineBreaks(readStdin(context));
        } else {
            throw new UsageException(
                    "no context: give --context TEXT or --context-file FILE, or pipe it in");
        }
        if (result.isBlank()) {
            throw new UsageException("the context is empty");
        }
        return result;
    }

    private static String readStdin(CliContext context) {
        try {
            return new String(context.in().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CommandFailedException("cannot read the context from standard input", e);
        }
    }

    private static String readFile(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CommandFailedException(
                    "cannot read the context file " + file + ": " + Cli.describe(e), e);
        }
    }

    static String stripLineBreaks(String text) {
        int end = text.length();
        while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
            end--;
        }
        return text.substring(0, end);
    }

    private static String describe(Duration duration) {
        return duration.toMillis() % 1000 == 0
                ? duration.toSeconds() + " s"
                : duration.toMillis() + " ms";
    }
}
