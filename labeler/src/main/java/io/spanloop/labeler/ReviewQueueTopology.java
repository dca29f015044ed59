package io.spanloop.labeler;

import io.spanloop.events.Answer;
import io.spanloop.events.Correction;
import io.spanloop.events.ModelVersion;
import io.spanloop.events.VersionAction;
import io.spanloop.schemas.AvroSerdes;
import io.spanloop.schemas.Topics;
import java.time.ZoneOffset;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The review queue's state, kept by Kafka Streams from the answers and feedback topics (both keyed
 * by question id, co-partitioned): the newest answer per question, the latest correction per
 * question, and corrections per UTC day and annotator. The web API reads it through interactive
 * queries; a question is in the queue while it has an answer and no correction, and the
 * review-state processors keep the open questions in queue order in a {@link ReviewIndex} as
 * records arrive, so that reading the queue scans nothing. It also keeps the latest TRAINED
 * model-version event per model (the model-versions topic is keyed by model name), so that people
 * see how the last training went, slice by slice, and answers per model version per minute ({@link
 * AnswersPerVersion}).
 */
public final class ReviewQueueTopology {

    static final String ANSWERS_STORE = "review-answers";
    static final String CORRECTIONS_STORE = "review-corrections";
    static final String DAILY_COUNTS_STORE = "review-daily-counts";
    static final String MODEL_VERSIONS_STORE = "review-model-versions";

    private ReviewQueueTopology() {}

    /** The topology; its review-state processors keep {@code index} in step with their stores. */
    public static Topology buildTopology(Topics topics, AvroSerdes storeSerdes, ReviewIndex index) {
        Topology topology = new Topology();
        topology.addSource(
                "answers",
                topics.answers().keySerde().deserializer(),
                topics.answers().valueSerde().deserializer(),
                topics.answers().name());
        topology.addSource(
                "feedback",
                topics.feedback().keySerde().deserializer(),
                topics.feedback().valueSerde().deserializer(),
                topics.feedback().name());
        topology.addProcessor(
                "review-state", () -> new ReviewStateProcessor(index), "answers", "feedback");
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(ANSWERS_STORE),
                        Serdes.String(),
                        storeSerdes.valueSerde(Answer.class)),
                "review-state");
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(CORRECTIONS_STORE),
                        Serdes.String(),
                        storeSerdes.valueSerde(Correction.class)),
                "review-state");
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(DAILY_COUNTS_STORE),
                        Serdes.String(),
                        Serdes.Long()),
                "review-state");
        AnswersPerVersion.addTo(topology, "answers");
        topology.addSource(
                "model-versions",
                topics.modelVersions().keySerde().deserializer(),
                topics.modelVersions().valueSerde().deserializer(),
                topics.modelVersions().name());
        topology.addProcessor("versions-state", LatestVersionProcessor::new, "model-versions");
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(MODEL_VERSIONS_STORE),
                        Serdes.String(),
                        storeSerdes.valueSerde(ModelVersion.class)),
                "versions-state");
        return topology;
    }

    /** Exactly-once, so the daily counts count each correction once. */
    public static Properties streamsProperties(LabelerConfig config) {
        Properties props = new Properties();
        props.put(
                StreamsConfig.APPLICATION_ID_CONFIG,
                config.getString(LabelerConfig.APPLICATION_ID));
        props.putAll(config.kafka().clientProps());
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        // a record another writer put on a topic it reads is logged (topic, partition, offset)
        // and counted in the dropped-records metric, not the end of the review queue
        props.put(
                StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueExceptionHandler.class);
        props.putAll(config.streamsOverrides());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        return props;
    }

    /** Day keys of the counts store: {@code 2026-11-23} and {@code 2026-11-23|alice}. */
    static String dayKey(java.time.Instant at, String annotator) {
        String day = at.atZone(ZoneOffset.UTC).toLocalDate().toString();
        return annotator == null ? day : day + "|" + annotator;
    }

    private static final class ReviewStateProcessor
            implements Processor<String, Object, Void, Void> {
        private final ReviewIndex index;
        private KeyValueStore<String, Answer> answers;
        private KeyValueStore<String, Correction> corrections;
        private KeyValueStore<String, Long> dailyCounts;
        private int partition;
        private PartitionQueue queue;

        ReviewStateProcessor(ReviewIndex index) {
            this.index = index;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            answers = context.getStateStore(ANSWERS_STORE);
            corrections = context.getStateStore(CORRECTIONS_STORE);
            dailyCounts = context.getStateStore(DAILY_COUNTS_STORE);
            // the stores are restored by now, and restored records never pass through process()
            partition = context.taskId().partition();
            queue = index.rebuild(partition, answers, corrections);
        }

        @Override
        public void close() {
            if (queue != null) {
                index.drop(partition, queue);
            }
        }

        @Override
        public void process(Record<String, Object> record) {
            if (record.key() == null) {
                return;
            }
            if (record.value() instanceof Answer answer) {
                Answer previous = answers.get(record.key());
                // a question answered twice: the newest model version is the one to review
                if (previous == null || answer.getModelVersion() >= previous.getModelVersion()) {
                    answers.put(record.key(), answer);
                    queue.answered(record.key(), answer, corrections.get(record.key()) != null);
                }
            } else if (record.value() instanceof Correction correction) {
                corrections.put(record.key(), correction);
                queue.reviewed(record.key());
                increment(dayKey(correction.getCorrectedAt(), null));
                increment(dayKey(correction.getCorrectedAt(), correction.getAnnotator()));
            }
        }

        private void increment(String key) {
            Long count = dailyCounts.get(key);
            dailyCounts.put(key, count == null ? 1L : count + 1);
        }
    }

    /**
     * The newest TRAINED model-version event per model name (an admin's promote, pin or unpin is no
     * training).
     */
    private static final class LatestVersionProcessor
            implements Processor<String, ModelVersion, Void, Void> {
        private KeyValueStore<String, ModelVersion> latest;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            latest = context.getStateStore(MODEL_VERSIONS_STORE);
        }

        @Override
        public void process(Record<String, ModelVersion> record) {
            ModelVersion event = record.value();
            if (event == null || event.getAction() != VersionAction.TRAINED) {
                return;
            }
            ModelVersion previous = latest.get(event.getModelName());
            if (previous == null || event.getVersion() >= previous.getVersion()) {
                latest.put(event.getModelName(), event);
            }
        }
    }
}
