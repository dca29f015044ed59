package io.spanloop.cli;

import io.spanloop.events.ModelVersion;
import io.spanloop.schemas.TopicScan;
import io.spanloop.schemas.Topics;
import io.spanloop.versions.VersionActions;
import io.spanloop.versions.VersionLog;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * {@code spanloop versions}: the model versions topic from its start, one line per event and which
 * version is served, following it until stopped (or, with {@code --once}, up to its current end);
 * {@code versions promote N}, {@code pin N} and {@code unpin} write an operator's event.
 */
final class VersionsCommand extends KafkaCommand {

    /** How long reading up to the end may take before the command gives up. */
    static final Duration ONCE_TIMEOUT = Duration.ofSeconds(60);

    private static final String USAGE =
            """
            usage: spanloop versions [--once] [options]
                   spanloop versions promote N | pin N | unpin [--model NAME] [--by NAME]
                                     [--note TEXT] [options]

            Prints every event on qa.model-versions from the first one (committed events
            only), one line each: model, version, status (PUBLISHED, REJECTED, HELD: passed
            the gate but not served; or an operator's PROMOTED, PINNED, UNPINNED), parent
            version, candidate and incumbent exact match/F1 on the held-out examples, their
            number, training examples, training seconds, device, creation time (UTC) and
            why (a rejection, a hold, who acted). Then a "served:" line per model: the served
            version and why (the newest version that passed the gate, promoted, pinned).
            Keeps printing new events as they come, until Ctrl-C.

              --once                print what there is now, then exit

            promote N               serve version N (any version that passed the gate, or
                                    the base version); the next candidate is trained from
                                    it and must beat it
            pin N                   serve version N and freeze serving: new candidates are
                                    trained and evaluated but held, until unpin
            unpin                   serve candidates that pass the gate again
              --model NAME          the model (needed when the topic holds several)
              --by NAME             who acts (default: the user name, $USER)
              --note TEXT           why, kept in the event
            """;

    private static final Set<String> ACTIONS = Set.of("promote", "pin", "unpin");

    VersionsCommand() {
        super("versions", USAGE, Set.of("--model", "--by", "--note"), Set.of("--once"));
    }

    @Override
    int run(CommandLine line, Connection connection, CliContext context) {
        List<String> positionals = line.positionals();
        if (!positionals.isEmpty() && ACTIONS.contains(positionals.get(0))) {
            return act(line, connection, context);
        }
        if (!positionals.isEmpty()) {
            throw new UsageException("unexpected argument " + positionals.get(0));
        }
        for (String option : List.of("--model", "--by", "--note")) {
            if (line.value(option).isPresent()) {
                throw new UsageException(option + " is only for promote, pin and unpin");
            }
        }
        return list(line.flag("--once"), connection, context);
    }

    private int list(boolean once, Connection connection, CliContext context) {
        Topics topics = connection.topics(context.topics());
        String topic = topics.modelVersions().name();
        boolean interrupted = false;
        Map<String, VersionLog> logs = new LinkedHashMap<>();
        try (KafkaConsumer<String, ModelVersion> consumer = consumer(connection, topics)) {
            Map<TopicPartition, Long> end = fromStart(consumer, connection, topic);
            context.out().println(VersionFormat.HEADER);
            long deadline = System.nanoTime() + ONCE_TIMEOUT.toNanos();
            boolean caughtUp = false;
            try {
                while (!once || !caughtUp) {
                    if (once && System.nanoTime() > deadline) {
                        throw notRead(topic);
                    }
                    if (Thread.currentThread().isInterrupted()) {
                        throw new InterruptException(new InterruptedException());
                    }
                    List<String> changed =
                            print(consumer.poll(Duration.ofMillis(500)), logs, context);
                    if (!caughtUp && TopicScan.reached(consumer, end)) {
                        caughtUp = true;
                        logs.values()
                                .forEach(log -> context.out().println(VersionFormat.served(log)));
                    } else if (caughtUp) {
                        changed.forEach(
                                model ->
                                        context.out()
                                                .println(VersionFormat.served(logs.get(model))));
                    }
                    context.out().flush();
                }
            } catch (InterruptException e) {
                // stopped by whoever runs the command: let the consumer close, then say so
                Thread.interrupted();
                interrupted = true;
            }
            if (once && logs.isEmpty()) {
                context.err().println("no model versions on " + topic + " yet");
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static KafkaConsumer<String, ModelVersion> consumer(
            Connection connection, Topics topics) {
        return new KafkaConsumer<>(
                connection.consumerProps("spanloop-cli-versions"),
                new StringDeserializer(),
                topics.modelVersions().valueSerde().deserializer());
    }

    private static Map<TopicPartition, Long> fromStart(
            KafkaConsumer<String, ModelVersion> consumer, Connection connection, String topic) {
        List<TopicPartition> partitions = connection.partitions(consumer, topic);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions); // committed end
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return end;
    }

    private static CommandFailedException notRead(String topic) {
        return new CommandFailedException(
                "could not read "
                        + topic
                        + " to its end within "
                        + ONCE_TIMEOUT.toSeconds()
                        + " s");
    }

    /**
     * Prints each event and folds it into its model's log; the models whose served version changed.
     */
    private static List<String> print(
            ConsumerRecords<String, ModelVersion> records,
            Map<String, VersionLog> logs,
            CliContext context) {
        List<String> changed = new java.util.ArrayList<>();
        for (ConsumerRecord<String, ModelVersion> record : records) {
            ModelVersion event = record.value();
            if (event != null) {
                VersionFormat.lines(event).forEach(context.out()::println);
                VersionLog log = logs.computeIfAbsent(event.getModelName(), VersionLog::new);
                if (log.add(event) && !changed.contains(event.getModelName())) {
                    changed.add(event.getModelName());
                }
            }
        }
        return changed;
    }

    private int act(CommandLine line, Connection connection, CliContext context) {
        List<String> positionals = line.positionals();
        String action = positionals.get(0);
        int expected = action.equals("unpin") ? 1 : 2;
        if (positionals.size() < expected) {
            throw new UsageException(action + " needs the version number, e.g. " + action + " 3");
        }
        if (positionals.size() > expected) {
            throw new UsageException("unexpected argument " + positionals.get(expected));
        }
        if (line.flag("--once")) {
            throw new UsageException("--once is only for listing versions");
        }
        long version = expected == 2 ? version(positionals.get(1)) : 0;
        String actor = line.value("--by").orElseGet(() -> defaultActor(context));
        String note = line.value("--note").orElse(null);
        Topics topics = connection.topics(context.topics());
        VersionLog log = readLog(connection, topics, line.value("--model").orElse(null));
        ModelVersion event;
        try {
            event =
                    switch (action) {
                        case "promote" ->
                                VersionActions.promote(
                                        log, version, actor, note, Clock.systemUTC().instant());
                        case "pin" ->
                                VersionActions.pin(
                                        log, version, actor, note, Clock.systemUTC().instant());
                        default ->
                                VersionActions.unpin(log, actor, note, Clock.systemUTC().instant());
                    };
        } catch (VersionActions.RefusedActionException e) {
            throw new CommandFailedException(action + " refused: " + e.getMessage());
        }
        try (EventSender<ModelVersion> sender =
                new EventSender<>(connection, topics.modelVersions(), "spanloop-cli-versions")) {
            sender.sendAndWait(event.getModelName(), event);
        }
        log.add(event);
        context.out().println(VersionFormat.line(event));
        context.out().println(VersionFormat.served(log));
        context.out().flush();
        return 0;
    }

    private static long version(String value) {
        try {
            long version = Long.parseLong(value.startsWith("v") ? value.substring(1) : value);
            if (version > 0) {
                return version;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new UsageException("the version must be a positive number, not " + value);
    }

    private static String defaultActor(CliContext context) {
        String user = context.env().get("USER");
        return user == null || user.isBlank() ? System.getProperty("user.name") : user;
    }

    /** The log of {@code model}, or of the only model on the topic. */
    private static VersionLog readLog(Connection connection, Topics topics, String model) {
        String topic = topics.modelVersions().name();
        Map<String, VersionLog> logs = new LinkedHashMap<>();
        try (KafkaConsumer<String, ModelVersion> consumer = consumer(connection, topics)) {
            Map<TopicPartition, Long> end = fromStart(consumer, connection, topic);
            long deadline = System.nanoTime() + ONCE_TIMEOUT.toNanos();
            while (!TopicScan.reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw notRead(topic);
                }
                for (ConsumerRecord<String, ModelVersion> record :
                        consumer.poll(Duration.ofMillis(500))) {
                    if (record.value() != null) {
                        logs.computeIfAbsent(record.value().getModelName(), VersionLog::new)
                                .add(record.value());
                    }
                }
            }
        }
        if (model != null) {
            VersionLog log = logs.get(model);
            if (log == null) {
                throw new CommandFailedException(
                        "no versions of model "
                                + model
                                + " on "
                                + topic
                                + " (models there: "
                                + (logs.isEmpty() ? "none" : String.join(", ", logs.keySet()))
                                + ")");
            }
            return log;
        }
        if (logs.size() != 1) {
            throw new CommandFailedException(
                    logs.isEmpty()
                            ? "no model versions on " + topic + " yet"
                            : "the topic holds several models ("
                                    + String.join(", ", logs.keySet())
                                    + "): say which with --model");
        }
        return logs.values().iterator().next();
    }
}
