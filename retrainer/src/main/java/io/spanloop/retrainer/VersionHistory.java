package io.spanloop.retrainer;

import io.spanloop.config.KafkaConnection;
import io.spanloop.events.ModelStatus;
import io.spanloop.events.ModelVersion;
import io.spanloop.events.PartitionOffset;
import io.spanloop.schemas.TopicScan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the model-versions topic says about one model: every committed event in order. A restarted
 * retrainer learns from it which feedback it already trained on and which version is serving.
 */
record VersionHistory(List<ModelVersion> events) {

    private static final Logger LOG = LoggerFactory.getLogger(VersionHistory.class);

    static VersionHistory read(
            KafkaConnection kafka,
            String topic,
            String modelName,
            Deserializer<ModelVersion> deserializer) {
        Map<String, Object> props = TopicScan.consumerProps(kafka, null);
        List<ModelVersion> events = new ArrayList<>();
        try (KafkaConsumer<String, ModelVersion> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), deserializer)) {
            Map<TopicPartition, Long> end =
                    TopicScan.fromStart(consumer, topic, Duration.ofSeconds(30));
            while (!TopicScan.reached(consumer, end)) {
                for (ConsumerRecord<String, ModelVersion> record :
                        TopicScan.poll(
                                consumer,
                                Duration.ofMillis(500),
                                bad -> LOG.warn("Skipped a record of {}: {}", topic, bad))) {
                    if (record.value() != null && record.value().getModelName().equals(modelName)) {
                        events.add(record.value());
                    }
                }
            }
        }
        events.sort((a, b) -> Long.compare(a.getVersion(), b.getVersion()));
        return new VersionHistory(List.copyOf(events));
    }

    /** The newest PUBLISHED version, if any. */
    Optional<ModelVersion> serving() {
        ModelVersion newest = null;
        for (ModelVersion event : events) {
            if (event.getStatus() == ModelStatus.PUBLISHED) {
                newest = event;
            }
        }
        return Optional.ofNullable(newest);
    }

    /** The feedback offsets the last training (published or rejected) covered. */
    Map<Integer, Long> coveredOffsets() {
        Map<Integer, Long> covered = new HashMap<>();
        if (!events.isEmpty()) {
            for (PartitionOffset offset : events.get(events.size() - 1).getFeedbackOffsets()) {
                covered.put(offset.getPartition(), offset.getOffset());
            }
        }
        return covered;
    }

    long highestVersion() {
        return events.isEmpty() ? 0 : events.get(events.size() - 1).getVersion();
    }
}
