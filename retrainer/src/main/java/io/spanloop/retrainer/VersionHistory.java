package io.spanloop.retrainer;

import io.spanloop.config.KafkaConnection;
import io.spanloop.events.ModelVersion;
import io.spanloop.events.PartitionOffset;
import io.spanloop.schemas.TopicScan;
import io.spanloop.versions.VersionLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the model-versions topic says about one model: every committed event in topic order, folded
 * into a {@link VersionLog}. The retrainer reads it on start and before each training, so it learns
 * which feedback it already trained on, which version is served (an operator may have promoted or
 * pinned one) and whether a passing candidate would be served.
 */
record VersionHistory(VersionLog log) {

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
        return new VersionHistory(VersionLog.of(modelName, events));
    }

    /** The version served now, if an event decided one (else the base version serves). */
    OptionalLong served() {
        return log.served()
                .map(served -> OptionalLong.of(served.version()))
                .orElse(OptionalLong.empty());
    }

    /** The feedback offsets the last training (published, held or rejected) covered. */
    Map<Integer, Long> coveredOffsets() {
        Map<Integer, Long> covered = new HashMap<>();
        log.lastTrained()
                .ifPresent(
                        last -> {
                            for (PartitionOffset offset : last.getFeedbackOffsets()) {
                                covered.put(offset.getPartition(), offset.getOffset());
                            }
                        });
        return covered;
    }

    /** The highest version trained (0 when none). */
    long highestVersion() {
        return log.trainedEvents().stream().mapToLong(ModelVersion::getVersion).max().orElse(0);
    }

    /** The TRAINED events by version (which training first covered which label). */
    List<ModelVersion> trainedEvents() {
        return log.trainedEvents();
    }
}
