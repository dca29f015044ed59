package io.spanloop.labeler;

import io.spanloop.events.Answer;
import io.spanloop.events.Correction;
import io.spanloop.events.ModelVersion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads the review state through interactive queries. Corrections this instance just wrote count as
 * reviewed at once (until the feedback topic catches up), and each annotator's skipped items go to
 * the back of their queue (kept in memory).
 *
 * <p>One labeler instance serves the whole queue (all partitions are local); the queue is sorted on
 * each request, which is fine for tens of thousands of open items.
 */
final class ReviewQueue {

    private final KafkaStreams streams;
    private final QueueOrder order;
    private final Map<String, Correction> justWritten = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> skippedByAnnotator = new ConcurrentHashMap<>();
    // one request at a time iterates the stores: Kafka Streams' iterator metrics raced when two
    // iterators opened in the same millisecond (KAFKA-19678, an NPE on close, code gone in the
    // 4.4.0 spanloop pins; KAFKA-20902, the same set); a scan takes milliseconds
    private final Object scans = new Object();

    ReviewQueue(KafkaStreams streams, QueueOrder order) {
        this.streams = streams;
        this.order = order;
    }

    private record Open(Answer answer, double uncertainty, boolean skipped) {}

    Views.QueuePage page(String annotator, int limit, int offset) {
        Set<String> skipped = skippedByAnnotator.getOrDefault(annotator, Set.of());
        List<Open> open = new ArrayList<>();
        synchronized (scans) {
            try (KeyValueIterator<String, Answer> all = answers().all()) {
                ReadOnlyKeyValueStore<String, Correction> corrections = corrections();
                while (all.hasNext()) {
                    KeyValue<String, Answer> entry = all.next();
                    if (!isReviewed(entry.key, corrections)) {
                        open.add(
                                new Open(
                                        entry.value,
                                        order.uncertainty(entry.value),
                                        skipped.contains(entry.key)));
                    }
                }
            }
        }
        open.sort(
                Comparator.comparing(Open::skipped)
                        .thenComparing(Comparator.comparingDouble(Open::uncertainty).reversed())
                        .thenComparing(o -> o.answer().getQuestionId()));
        List<Views.ItemView> items =
                open.stream()
                        .skip(offset)
                        .limit(limit)
                        .map(o -> Views.ItemView.of(o.answer(), o.uncertainty(), null))
                        .toList();
        return new Views.QueuePage(open.size(), items);
    }

    Optional<Answer> answer(String questionId) {
        return Optional.ofNullable(answers().get(questionId));
    }

    Optional<Views.ItemView> item(String questionId) {
        return answer(questionId)
                .map(a -> Views.ItemView.of(a, order.uncertainty(a), review(questionId)));
    }

    /** The latest correction of a question, including one this instance just wrote. */
    Correction review(String questionId) {
        Correction stored = corrections().get(questionId);
        Correction written = justWritten.get(questionId);
        if (written == null) {
            return stored;
        }
        if (stored != null && !stored.getCorrectedAt().isBefore(written.getCorrectedAt())) {
            justWritten.remove(questionId, written);
            return stored;
        }
        return written;
    }

    private boolean isReviewed(String questionId, ReadOnlyKeyValueStore<String, Correction> store) {
        return justWritten.containsKey(questionId) || store.get(questionId) != null;
    }

    void recordWritten(Correction correction) {
        justWritten.put(correction.getQuestionId(), correction);
    }

    void skip(String annotator, String questionId) {
        skippedByAnnotator
                .computeIfAbsent(annotator, a -> ConcurrentHashMap.newKeySet())
                .add(questionId);
    }

    /** How many answers wait for review (for everyone); NaN while the queue cannot be read. */
    double openCount() {
        synchronized (scans) {
            try (KeyValueIterator<String, Answer> all = answers().all()) {
                ReadOnlyKeyValueStore<String, Correction> corrections = corrections();
                long open = 0;
                while (all.hasNext()) {
                    if (!isReviewed(all.next().key, corrections)) {
                        open++;
                    }
                }
                return open;
            } catch (InvalidStateStoreException | ApiException e) {
                return Double.NaN;
            }
        }
    }

    Views.StatusView status(String annotator, Instant now) {
        synchronized (scans) {
            return scanStatus(annotator, now);
        }
    }

    private Views.StatusView scanStatus(String annotator, Instant now) {
        int open = 0;
        Answer newest = null;
        try (KeyValueIterator<String, Answer> all = answers().all()) {
            ReadOnlyKeyValueStore<String, Correction> corrections = corrections();
            while (all.hasNext()) {
                KeyValue<String, Answer> entry = all.next();
                if (!isReviewed(entry.key, corrections)) {
                    open++;
                }
                if (newest == null || entry.value.getModelVersion() > newest.getModelVersion()) {
                    newest = entry.value;
                }
            }
        }
        String today = ReviewQueueTopology.dayKey(now, null);
        String mine = ReviewQueueTopology.dayKey(now, annotator);
        long reviewedToday = 0;
        long reviewedByMe = 0;
        // each partition's task counts its own corrections: add them up
        ReadOnlyKeyValueStore<String, Long> counts = store(ReviewQueueTopology.DAILY_COUNTS_STORE);
        try (KeyValueIterator<String, Long> day =
                counts.prefixScan(today, new StringSerializer())) {
            while (day.hasNext()) {
                KeyValue<String, Long> entry = day.next();
                if (entry.key.equals(today)) {
                    reviewedToday += entry.value;
                } else if (entry.key.equals(mine)) {
                    reviewedByMe += entry.value;
                }
            }
        }
        return new Views.StatusView(
                annotator,
                open,
                reviewedToday,
                reviewedByMe,
                newest == null ? null : newest.getModelName(),
                newest == null ? null : newest.getModelVersion(),
                Views.TrainingView.of(lastTraining(newest)));
    }

    /** The last model-version event of the model answering (any model's before answers exist). */
    private ModelVersion lastTraining(Answer newest) {
        ReadOnlyKeyValueStore<String, ModelVersion> versions =
                store(ReviewQueueTopology.MODEL_VERSIONS_STORE);
        if (newest != null) {
            return versions.get(newest.getModelName());
        }
        ModelVersion latest = null;
        try (KeyValueIterator<String, ModelVersion> all = versions.all()) {
            while (all.hasNext()) {
                ModelVersion event = all.next().value;
                if (latest == null || event.getCreatedAt().isAfter(latest.getCreatedAt())) {
                    latest = event;
                }
            }
        }
        return latest;
    }

    private ReadOnlyKeyValueStore<String, Answer> answers() {
        return store(ReviewQueueTopology.ANSWERS_STORE);
    }

    private ReadOnlyKeyValueStore<String, Correction> corrections() {
        return store(ReviewQueueTopology.CORRECTIONS_STORE);
    }

    /** A store of all local partitions ({@link InvalidStateStoreException} while loading). */
    private <V> ReadOnlyKeyValueStore<String, V> store(String name) {
        return StreamsStores.store(streams, name, QueryableStoreTypes.<String, V>keyValueStore());
    }
}
