package io.spanloop.labeler;

import io.spanloop.events.Answer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Answers per model version per minute (by each answer's {@code answeredAt}), counted by the review
 * queue's Kafka Streams app from the answers topic into a changelogged window store kept for {@link
 * #RETENTION}: which versions are answering, and how the traffic moves when a new one is served.
 */
final class AnswersPerVersion {

    static final String STORE = "review-answers-per-minute";

    /** How far back the counts go. */
    static final Duration RETENTION = Duration.ofHours(2);

    static final int MAX_MINUTES = (int) RETENTION.toMinutes();
    private static final long MINUTE_MS = Duration.ofMinutes(1).toMillis();

    private final KafkaStreams streams;
    private final Clock clock;

    AnswersPerVersion(KafkaStreams streams, Clock clock) {
        this.streams = streams;
        this.clock = clock;
    }

    /** Adds the counting processor and its store to {@code topology}, fed by {@code answers}. */
    static void addTo(Topology topology, String answersSource) {
        topology.addProcessor("answers-per-minute", Counter::new, answersSource);
        topology.addStateStore(
                Stores.windowStoreBuilder(
                        Stores.persistentWindowStore(
                                STORE, RETENTION, Duration.ofMinutes(1), false),
                        Serdes.String(),
                        Serdes.Long()),
                "answers-per-minute");
    }

    /** The key of a model version in the store: {@code name@version}. */
    static String key(String modelName, long version) {
        return modelName + "@" + version;
    }

    /** Counts of the last {@code minutes} whole minutes, the current one last. */
    synchronized ModelViews.AnswerRates lastMinutes(int minutes) {
        long thisMinute = clock.millis() / MINUTE_MS * MINUTE_MS;
        long first = thisMinute - (minutes - 1) * MINUTE_MS;
        Map<String, long[]> counts = new TreeMap<>();
        ReadOnlyWindowStore<String, Long> store =
                StreamsStores.store(streams, STORE, QueryableStoreTypes.windowStore());
        try (KeyValueIterator<Windowed<String>, Long> all =
                store.fetchAll(Instant.ofEpochMilli(first), Instant.ofEpochMilli(thisMinute))) {
            while (all.hasNext()) {
                KeyValue<Windowed<String>, Long> entry = all.next();
                int minute = (int) ((entry.key.window().start() - first) / MINUTE_MS);
                if (minute >= 0 && minute < minutes) {
                    // each partition counts its own answers: add them up
                    counts.computeIfAbsent(entry.key.key(), k -> new long[minutes])[minute] +=
                            entry.value;
                }
            }
        }
        List<String> starts = new ArrayList<>();
        for (int i = 0; i < minutes; i++) {
            starts.add(Instant.ofEpochMilli(first + i * MINUTE_MS).toString());
        }
        List<ModelViews.VersionCounts> versions = new ArrayList<>();
        counts.forEach(
                (key, perMinute) -> {
                    int at = key.lastIndexOf('@');
                    List<Long> series = new ArrayList<>();
                    long total = 0;
                    for (long count : perMinute) {
                        series.add(count);
                        total += count;
                    }
                    versions.add(
                            new ModelViews.VersionCounts(
                                    key.substring(0, at),
                                    Long.parseLong(key.substring(at + 1)),
                                    series,
                                    total));
                });
        versions.sort(
                Comparator.comparing(ModelViews.VersionCounts::modelName)
                        .thenComparingLong(ModelViews.VersionCounts::version));
        return new ModelViews.AnswerRates(minutes, starts, versions);
    }

    /** Adds one to the minute of each answer, under its model version. */
    private static final class Counter implements Processor<String, Object, Void, Void> {
        private WindowStore<String, Long> counts;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            counts = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<String, Object> record) {
            if (!(record.value() instanceof Answer answer)) {
                return;
            }
            String key = key(answer.getModelName(), answer.getModelVersion());
            long minute = answer.getAnsweredAt().toEpochMilli() / MINUTE_MS * MINUTE_MS;
            Long count = counts.fetch(key, minute);
            counts.put(key, count == null ? 1L : count + 1, minute);
        }
    }
}
