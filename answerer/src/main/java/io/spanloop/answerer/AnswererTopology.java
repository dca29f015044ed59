package io.spanloop.answerer;

import io.spanloop.schemas.Topics;
import java.time.Duration;
import java.util.Properties;
import java.util.function.LongSupplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/** The answerer's Kafka Streams topology: questions → batched model calls → answers / DLQ. */
public final class AnswererTopology {

    static final String SOURCE = "questions";
    static final String PROCESSOR = "answer";
    static final String ANSWERS_SINK = "answers";
    static final String DEAD_LETTER_SINK = "dead-letters";
    static final String BUFFER_STORE = "question-buffer";

    private AnswererTopology() {}

    /**
     * Questions are read as raw bytes so that a record that is no valid question can be
     * dead-lettered byte for byte.
     */
    public static Topology buildTopology(
            BatchSettings settings, Topics topics, ModelSlot models, AnswerMetrics metrics) {
        return buildTopology(settings, topics, models, metrics, System::currentTimeMillis);
    }

    /** As above, with the wall clock that stamps arrivals (tests pass the driver's mock time). */
    public static Topology buildTopology(
            BatchSettings settings,
            Topics topics,
            ModelSlot models,
            AnswerMetrics metrics,
            LongSupplier clock) {
        Topology topology = new Topology();
        topology.addSource(
                SOURCE,
                Serdes.ByteArray().deserializer(),
                Serdes.ByteArray().deserializer(),
                topics.questions().name());
        String questionsTopic = topics.questions().name();
        topology.addProcessor(
                PROCESSOR,
                () ->
                        new AnswerProcessor(
                                settings,
                                models,
                                metrics,
                                new QuestionParser(
                                        topics.questions().valueSerde().deserializer(),
                                        questionsTopic),
                                questionsTopic,
                                clock),
                SOURCE);
        // cached: questions answered within one commit interval are never written to the
        // changelog (their deletes still are, as tombstones)
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore(BUFFER_STORE),
                                Serdes.Long(),
                                Serdes.ByteArray())
                        .withCachingEnabled(),
                PROCESSOR);
        topology.addSink(
                ANSWERS_SINK,
                topics.answers().name(),
                topics.answers().keySerde().serializer(),
                topics.answers().valueSerde().serializer(),
                PROCESSOR);
        topology.addSink(
                DEAD_LETTER_SINK,
                topics.questionsDlq().name(),
                Serdes.ByteArray().serializer(),
                Serdes.ByteArray().serializer(),
                PROCESSOR);
        return topology;
    }

    /**
     * How long the stream thread may block in {@code poll} when no question arrives. The batch
     * flush is a wall-clock punctuation, and punctuations only run between polls: at Streams'
     * default (100 ms) a partial batch with nothing arriving after it waited up to 100 ms instead
     * of {@code batch.max.wait.ms}.
     */
    static long pollMs(Duration maxWait) {
        return Math.max(1, Math.min(100, maxWait.toMillis() / 4));
    }

    /** Kafka Streams settings: exactly-once v2 always; {@code streams.*} overrides last. */
    public static Properties streamsProperties(AnswererConfig config) {
        Properties props = new Properties();
        props.put(
                StreamsConfig.APPLICATION_ID_CONFIG,
                config.getString(AnswererConfig.APPLICATION_ID));
        props.putAll(config.kafka().clientProps());
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir());
        props.put(
                StreamsConfig.NUM_STREAM_THREADS_CONFIG,
                config.getInt(AnswererConfig.STREAM_THREADS));
        props.put(
                StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
                config.getLong(AnswererConfig.COMMIT_INTERVAL_MS));
        props.put(StreamsConfig.POLL_MS_CONFIG, pollMs(config.batchSettings().maxWait()));
        props.putAll(config.streamsOverrides());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        return props;
    }
}
