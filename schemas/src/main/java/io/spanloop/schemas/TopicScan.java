package io.spanloop.schemas;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reading a whole topic without a consumer group, as the services do with the small topics they
 * read in full (labels, model versions): every partition, from its start, up to the end offsets of
 * one moment.
 */
public final class TopicScan {

    private TopicScan() {}

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
