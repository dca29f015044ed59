package io.spanloop.retrainer;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.spanloop.config.KafkaConnection;
import io.spanloop.events.Correction;
import io.spanloop.events.PartitionOffset;
import io.spanloop.metrics.ServiceMetrics;
import io.spanloop.schemas.TopicScan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consistent snapshot of the labels: the feedback topic read from its start up to the end offsets
 * taken at one moment, latest correction per question id winning (the topic is compacted by
 * question id, so it is itself the label store). The end offsets name exactly what a model version
 * was trained on, and what is "new" for the next one.
 */
final class LabelSnapshot implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LabelSnapshot.class);

    /** A correction with its position in the feedback topic. */
    record Label(Correction correction, int partition, long offset) {}

    /** A record of the feedback topic that is no label, and why. */
    record Skipped(int partition, long offset, String reason) {}

    /** The labels, the offsets they cover, and the records skipped on the way. */
    record Labels(Map<String, Label> latest, Map<Integer, Long> endOffsets, List<Skipped> skipped) {

        /** Labels written after {@code covered} (what a previous version was trained on). */
        List<Label> newerThan(Map<Integer, Long> covered) {
            List<Label> newer = new ArrayList<>();
            for (Label label : latest.values()) {
                if (label.offset() >= covered.getOrDefault(label.partition(), 0L)) {
                    newer.add(label);
                }
            }
            return newer;
        }

        List<PartitionOffset> asPartitionOffsets() {
            return endOffsets.entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .map(e -> new PartitionOffset(e.getKey(), e.getValue()))
                    .toList();
        }
    }

    private final KafkaConnection kafka;
    private final String topic;
    private final Deserializer<Correction> deserializer;
    // asked every few seconds by the trigger check: one consumer for the retrainer's life
    private KafkaConsumer<String, Correction> counter;
    private volatile long lastNewLabelCount;
    private ServiceMetrics metrics;

    LabelSnapshot(KafkaConnection kafka, String topic, Deserializer<Correction> deserializer) {
        this.kafka = kafka;
        this.topic = topic;
        this.deserializer = deserializer;
    }

    /**
     * Shows the new labels of the last count on {@code metrics}, and the counting consumer's own
     * metrics.
     */
    LabelSnapshot withMetrics(ServiceMetrics metrics) {
        this.metrics = metrics;
        RetrainerMetrics.pendingLabels(metrics.registry(), () -> lastNewLabelCount);
        return this;
    }

    private KafkaConsumer<String, Correction> consumer() {
        return new KafkaConsumer<>(
                TopicScan.consumerProps(kafka, "spanloop-retrainer-labels"),
                new StringDeserializer(),
                deserializer);
    }

    /** Corrections written after {@code covered}, counted from offsets (no records read). */
    long newLabelCount(Map<Integer, Long> covered) {
        if (counter == null) {
            counter = consumer();
            if (metrics != null) {
                metrics.bind(new KafkaClientMetrics(counter));
            }
        }
        List<TopicPartition> partitions =
                TopicScan.partitions(counter, topic, Duration.ofSeconds(30));
        long count = 0;
        for (Map.Entry<TopicPartition, Long> end : counter.endOffsets(partitions).entrySet()) {
            count +=
                    Math.max(
                            0, end.getValue() - covered.getOrDefault(end.getKey().partition(), 0L));
        }
        lastNewLabelCount = count;
        return count;
    }

    /**
     * Reads every label up to the current end offsets. A record that is no correction (bytes that
     * do not deserialise) or no valid label ({@link Examples#problem}) is skipped, logged with its
     * position and counted, never fatal: one bad writer must not stop the training of everyone's
     * labels.
     */
    Labels read() {
        try (KafkaConsumer<String, Correction> consumer = consumer()) {
            Map<TopicPartition, Long> end =
                    TopicScan.fromStart(consumer, topic, Duration.ofSeconds(30));
            Map<String, Label> latest = new LinkedHashMap<>();
            List<Skipped> skipped = new ArrayList<>();
            while (!TopicScan.reached(consumer, end)) {
                ConsumerRecords<String, Correction> records =
                        TopicScan.poll(
                                consumer,
                                Duration.ofMillis(500),
                                bad ->
                                        skip(
                                                skipped,
                                                bad.partition().partition(),
                                                bad.offset(),
                                                "not a Correction: " + bad.reason()));
                for (ConsumerRecord<String, Correction> record : records) {
                    TopicPartition partition =
                            new TopicPartition(record.topic(), record.partition());
                    if (record.offset() >= end.get(partition) || record.key() == null) {
                        continue;
                    }
                    if (record.value() == null) {
                        latest.remove(record.key());
                        continue;
                    }
                    Optional<String> problem = Examples.problem(record.value());
                    if (problem.isPresent()) {
                        skip(skipped, record.partition(), record.offset(), problem.get());
                    } else {
                        latest.put(
                                record.key(),
                                new Label(record.value(), record.partition(), record.offset()));
                    }
                }
            }
            Map<Integer, Long> offsets = new HashMap<>();
            end.forEach((tp, offset) -> offsets.put(tp.partition(), offset));
            return new Labels(latest, offsets, List.copyOf(skipped));
        }
    }

    private void skip(List<Skipped> skipped, int partition, long offset, String reason) {
        LOG.warn("Skipped {}-{}@{}: {}", topic, partition, offset, reason);
        skipped.add(new Skipped(partition, offset, reason));
    }

    @Override
    public void close() {
        if (counter != null) {
            counter.close(Duration.ofSeconds(5));
        }
    }
}
