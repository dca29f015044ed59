package io.spanloop.cli;

import io.spanloop.events.Correction;
import io.spanloop.events.Question;
import io.spanloop.local.ProgressBar;
import io.spanloop.qa.SquadDataset;
import io.spanloop.qa.SquadFormatException;
import io.spanloop.qa.SquadReader;
import io.spanloop.qa.TrainingExample;
import io.spanloop.schemas.Topics;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code spanloop import FILE}: sends the questions of a SQuAD v1.1/v2.0 file to the questions
 * topic and, with {@code --with-corrections}, their gold answers to the feedback topic.
 */
final class ImportCommand extends KafkaCommand {

    static final String WITH_CORRECTIONS = "--with-corrections";
    static final String DEFAULT_ANNOTATOR = "squad-import";

    private static final String USAGE =
            """
            usage: spanloop import FILE [--with-corrections] [options]

            Reads a SQuAD v1.1 or v2.0 JSON file and sends every usable question to
            qa.questions (key and id: the SQuAD id), so that the answerer answers them.
            A question without a usable answer (e.g. an answer_start that does not point at
            its answer text) is reported and skipped; an answer_start at most 5 chars off is
            corrected and reported. Exit status 1 when the file cannot be read or parsed.

              --with-corrections    also send each question's gold answer to qa.feedback as a
                                    correction (its first usable answer as a CORRECTED span,
                                    NO_ANSWER for an unanswerable SQuAD 2.0 question), which
                                    the retrainer trains on
              --annotator NAME      the annotator the corrections name (default: squad-import)
            """;

    ImportCommand() {
        super("import", USAGE, Set.of("--annotator"), Set.of(WITH_CORRECTIONS));
    }

    @Override
    int run(CommandLine line, Connection connection, CliContext context) {
        List<String> files = line.positionals();
        if (files.size() != 1) {
            throw new UsageException(
                    files.isEmpty() ? "FILE is required" : "one FILE only, not " + files);
        }
        boolean corrections = line.flag(WITH_CORRECTIONS);
        String annotator = line.value("--annotator").orElse(DEFAULT_ANNOTATOR);
        if (annotator.isBlank()) {
            throw new UsageException("--annotator must not be empty");
        }
        Path file = Path.of(files.get(0));
        SquadDataset data = read(file);
        ImportReport report = ImportReport.of(data);
        report.printProblems(file, context.err());
        if (data.examples().isEmpty()) {
            throw new CommandFailedException("no usable questions in " + file);
        }

        Topics topics = connection.topics(context.topics());
        List<String> needed = new ArrayList<>(List.of(topics.questions().name()));
        if (corrections) {
            needed.add(topics.feedback().name());
        }
        connection.requireTopics(needed);
        Acks questionAcks = new Acks();
        Acks correctionAcks = new Acks();
        try (EventSender<Question> questions =
                        new EventSender<>(connection, topics.questions(), "spanloop-cli-import");
                EventSender<Correction> feedback =
                        corrections
                                ? new EventSender<>(
                                        connection,
                                        topics.feedback(),
                                        "spanloop-cli-import-feedback")
                                : null) {
            int total = data.examples().size();
            ProgressBar bar =
                    new ProgressBar(context.err(), total, "questions", context.errIsTerminal());
            bar.update(0);
            Instant now = Instant.now();
            for (TrainingExample example : data.examples()) {
                if (questionAcks.failed() + correctionAcks.failed() > 0) {
                    break; // Kafka refuses: stop and report
                }
                questions.send(example.id(), SquadEvents.question(example, now), questionAcks);
                if (corrections) {
                    feedback.send(
                            example.id(),
                            SquadEvents.correction(example, annotator, now),
                            correctionAcks);
                }
                bar.update(questionAcks.acknowledged());
            }
            questions.flush();
            if (corrections) {
                feedback.flush();
            }
            bar.finish(questionAcks.acknowledged());
            failIfRefused(questions, questionAcks, total);
            if (corrections) {
                failIfRefused(feedback, correctionAcks, total);
            }
        }
        report.printSummary(
                context.out(),
                file,
                questionAcks.acknowledged(),
                topics.questions().name(),
                corrections ? correctionAcks.acknowledged() : -1,
                topics.feedback().name());
        return 0;
    }

    private static SquadDataset read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CommandFailedException(
                    "cannot import "
                            + file
                            + ": "
                            + (Files.exists(file) ? "not a file" : "no such file"));
        }
        try {
            return SquadReader.read(file);
        } catch (SquadFormatException | UncheckedIOException e) {
            throw new CommandFailedException("cannot import " + file + ": " + e.getMessage(), e);
        }
    }

    private static void failIfRefused(EventSender<?> sender, Acks acks, int total) {
        if (acks.acknowledged() < total) {
            Exception cause = acks.firstFailure();
            throw new CommandFailedException(
                    "only "
                            + acks.acknowledged()
                            + " of "
                            + total
                            + " events were written to "
                            + sender.topic()
                            + (cause == null ? "" : ": " + Cli.describe(cause))
                            + " (the written ones stay; importing again is harmless for"
                            + " corrections, the latest per question wins)");
        }
    }
}
