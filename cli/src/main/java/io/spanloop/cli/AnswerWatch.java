package io.spanloop.cli;

import io.spanloop.events.Answer;
import io.spanloop.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Waits for the answer to one question: a {@code read_committed} reader of the answers topic (and
 * of the dead-letter topic, where the answerer puts questions it refuses), positioned at their ends
 * <em>before</em> the question is sent, so that only answers written after it count.
 */
final class AnswerWatch implements AutoCloseable {

    /** The dead-letter header holding why the answerer refused a question. */
    static final String DLQ_REASON_HEADER = "spanloop.dlq.reason";

    private final KafkaConsumer<String, byte[]> consumer;
    private final String answersTopic;
    private final Deserializer<Answer> answers;

    private AnswerWatch(
            KafkaConsumer<String, byte[]> consumer, String answersTopic, Deserializer<Answer> a) {
        this.consumer = consumer;
        this.answersTopic = answersTopic;
        this.answers = a;
    }

    /**
     * Opens the watch at the current ends of the answers and dead-letter topics.
     *
     * @throws CommandFailedException when Kafka is unreachable or the answers topic is missing
     */
    static AnswerWatch open(Connection connection, Topics topics) {
        KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(
                        connection.consumerProps("spanloop-cli-ask"),
                        new StringDeserializer(),
                        new ByteArrayDeserializer());
        try {
            List<TopicPartition> partitions =
                    new ArrayList<>(connection.partitions(consumer, topics.answers().name()));
            try {
                partitions.addAll(connection.partitions(consumer, topics.questionsDlq().name()));
            } catch (CommandFailedException noDeadLetters) {
                // an older or partial deployment without it: refusals then end in the timeout
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            for (TopicPartition partition : partitions) {
                consumer.position(partition, Connection.METADATA_TIMEOUT); // fix the end now
            }
            return new AnswerWatch(
                    consumer,
                    topics.answers().name(),
                    topics.answers().valueSerde().deserializer());
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            if (e instanceof KafkaException) {
                throw connection.unreachable(e);
            }
            throw e;
        }
    }

    /**
     * The first answer to {@code questionId} written after the watch opened, or {@code null} when
     * none came within {@code timeout}.
     *
     * @throws CommandFailedException when the answerer put the question on the dead-letter topic
     */
    Answer await(String questionId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            long leftMillis = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            for (ConsumerRecord<String, byte[]> record :
                    consumer.poll(Duration.ofMillis(Math.min(500, leftMillis)))) {
                if (!questionId.equals(record.key())) {
                    continue;
                }
                if (record.topic().equals(answersTopic)) {
                    return answers.deserialize(record.topic(), record.value());
                }
                throw new CommandFailedException(
                        "the answerer refused question " + questionId + ": " + reason(record));
            }
        }
        return null;
    }

    private static String reason(ConsumerRecord<String, byte[]> deadLetter) {
        Header header = deadLetter.headers().lastHeader(DLQ_REASON_HEADER);
        return header == null
                ? "(no reason given)"
                : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
