package io.spanloop.cli;

import io.spanloop.events.ModelVersion;
import io.spanloop.schemas.TopicScan;
import io.spanloop.schemas.Topics;
import java.time.Duration;
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
 * {@code spanloop versions}: the model versions topic from its start, one line per version,
 * following it until stopped (or, with {@code --once}, up to its current end).
 */
final class VersionsCommand extends KafkaCommand {

    /** How long {@code --once} may take to read up to the end before it gives up. */
    static final Duration ONCE_TIMEOUT = Duration.ofSeconds(60);

    private static final String USAGE =
            """
            usage: spanloop versions [--once] [options]

            Prints every model version on qa.model-versions from the first one (committed
            events only), one line each: model, version, status (PUBLISHED or REJECTED),
            parent version, candidate and incumbent exact match/F1 on the held-out
            examples, their number, training examples, training seconds, device, creation
            time (UTC) and, for a rejected version, why. Then keeps printing new versions as
            the retrainer publishes them, until Ctrl-C.

              --once                print the versions there are now, then exit
            """;

    VersionsCommand() {
        super("versions", USAGE, Set.of(), Set.of("--once"));
    }

    @Override
    int run(CommandLine line, Connection connection, CliContext context) {
        if (!line.positionals().isEmpty()) {
            throw new UsageException("unexpected argument " + line.positionals().get(0));
        }
        boolean once = line.flag("--once");
        Topics topics = connection.topics(context.topics());
        String topic = topics.modelVersions().name();
        boolean interrupted = false;
        try (KafkaConsumer<String, ModelVersion> consumer =
                new KafkaConsumer<>(
                        connection.consumerProps("spanloop-cli-versions"),
                        new StringDeserializer(),
                        topics.modelVersions().valueSerde().deserializer())) {
            List<TopicPartition> partitions = connection.partitions(consumer, topic);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions); // committed end
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            context.out().println(VersionFormat.HEADER);
            int printed = 0;
            long deadline = System.nanoTime() + ONCE_TIMEOUT.toNanos();
            try {
                while (!once || !TopicScan.reached(consumer, end)) {
                    if (once && System.nanoTime() > deadline) {
                        throw new CommandFailedException(
                                "could not read "
                                        + topic
                                        + " to its end within "
                                        + ONCE_TIMEOUT.toSeconds()
                                        + " s");
                    }
                    if (Thread.currentThread().isInterrupted()) {
                        throw new InterruptException(new InterruptedException());
                    }
                    printed += print(consumer.poll(Duration.ofMillis(500)), context);
                }
            } catch (InterruptException e) {
                // stopped by whoever runs the command: let the consumer close, then say so
                Thread.interrupted();
                interrupted = true;
            }
            if (once && printed == 0) {
                context.err().println("no model versions on " + topic + " yet");
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static int print(ConsumerRecords<String, ModelVersion> records, CliContext context) {
        int printed = 0;
        for (ConsumerRecord<String, ModelVersion> record : records) {
            if (record.value() != null) {
                VersionFormat.lines(record.value()).forEach(context.out()::println);
                printed++;
            }
        }
        context.out().flush();
        return printed;
    }
}
