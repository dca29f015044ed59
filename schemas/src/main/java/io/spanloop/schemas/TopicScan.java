package io.spanloop.schemas;

import io.spanloop.config.KafkaConnection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;

/**
 * Reading a whole topic without a consumer group, as the services do with the small topics they
 * read in full (labels, model versions): every partition, from its start, up to the end offsets of
 * one moment.
 */
public final class TopicScan {

    private TopicScan() {}

    /**
     * Settings of a consumer that reads whole topics this way: {@code kafka}'s, {@code
     * read_committed}, never committing (it has no group), named {@code clientId} (null: Kafka's
     * default name).
     */
    public static Map<String, Object> consumerProps(KafkaConnection kafka, String clientId) {
        Map<String, Object> props = kafka.clientProps();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        if (clientId != null) {
            props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        }
        return props;
    }

    /** All partitions of {@code topic}; empty when the topic does not exist (yet). */
    public static List<TopicPartition> partitions(
            Consumer<?, ?> consumer, String topic, Duration timeout) {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, timeout);
        if (partitions == null) {
            return List.of();
        }
        return partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    /**
     * Assigns every partition of {@code topic} to {@code consumer} from its start and returns the
     * current end offsets (empty when the topic does not exist).
     */
    public static Map<TopicPartition, Long> fromStart(
            Consumer<?, ?> consumer, String topic, Duration timeout) {
        List<TopicPartition> all = partitions(consumer, topic, timeout);
        if (all.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, Long> end = consumer.endOffsets(all);
        consumer.assign(all);
        consumer.seekToBeginning(all);
        return end;
    }

    /** A record that could not be deserialised: where it is and why. */
    public record Unreadable(TopicPartition partition, long offset, String reason) {
        @Override
        public String toString() {
            return partition + "@" + offset + ": " + reason;
        }
    }

    /**
     * Polls once; a record that does not deserialise (bytes another writer put there) is handed to
     * {@code unreadable} and skipped, the consumer seeking past it, instead of failing the reader
     * for good: Kafka's consumer would stop at that record on every poll.
     */
    public static <K, V> ConsumerRecords<K, V> poll(
            Consumer<K, V> consumer,
            Duration timeout,
            java.util.function.Consumer<Unreadable> unreadable) {
        try {
            return consumer.poll(timeout);
        } catch (RecordDeserializationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            unreadable.accept(
                    new Unreadable(
                            e.topicPartition(),
                            e.offset(),
                            "the "
                                    + e.origin().name().toLowerCase(java.util.Locale.ROOT)
                                    + " does not deserialise: "
                                    + cause.getMessage()));
            consumer.seek(e.topicPartition(), e.offset() + 1);
            return ConsumerRecords.empty();
        }
    }

    /** Whether the consumer's position reached {@code end} on every partition. */
    public static boolean reached(Consumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> entry : end.entrySet()) {
            if (consumer.position(entry.getKey()) < entry.getValue()) {
                return false;
            }
        }
        return true;
    }
}
