package io.spanloop.labeler;

import io.spanloop.events.Answer;
import io.spanloop.events.Correction;
import io.spanloop.events.ModelVersion;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The review queue as the API reads it: its open items ({@link OpenItems}), the items themselves
 * and the day's progress. Corrections this instance just wrote count as reviewed at once (until the
 * feedback topic catches up), and each annotator's skipped items go to the back of their queue
 * (kept in memory).
 *
 * <p>One labeler instance serves the whole queue (all partitions are local).
 */
final class ReviewQueue {

    private final ReviewStores stores;
    private final QueueOrder order;
    private final OpenItems openItems;
    private final WrittenCorrections written = new WrittenCorrections();
    private final Map<String, Set<String>> skippedByAnnotator = new ConcurrentHashMap<>();

    ReviewQueue(ReviewStores stores, QueueOrder order, OpenItems openItems) {
        this.stores = stores;
        this.order = order;
        this.openItems = openItems;
    }

    Views.QueuePage page(String annotator, int limit, int offset) {
        return openItems.page(
                skippedByAnnotator.getOrDefault(annotator, Set.of()), written, limit, offset);
    }

    Optional<Answer> answer(String questionId) {
        return Optional.ofNullable(stores.answers().get(questionId));
    }

    Optional<Views.ItemView> item(String questionId) {
        return answer(questionId)
                .map(a -> Views.ItemView.of(a, order.uncertainty(a), review(questionId)));
    }

    /** The latest correction of a question, including one this instance just wrote. */
    Correction review(String questionId) {
        return written.review(questionId, stores.corrections().get(questionId));
    }

    /** A correction Kafka acknowledged, written to {@code partition} of the feedback topic. */
    void recordWritten(Correction correction, int partition) {
        written.record(correction, partition);
    }

    void skip(String annotator, String questionId) {
        skippedByAnnotator
                .computeIfAbsent(annotator, a -> ConcurrentHashMap.newKeySet())
                .add(questionId);
    }

    /** How many answers wait for review (for everyone); NaN while the queue cannot be read. */
    double openCount() {
        try {
            return openItems.summary(written).open();
        } catch (InvalidStateStoreException | ApiException e) {
            return Double.NaN;
        }
    }

    Views.StatusView status(String annotator, Instant now) {
        OpenItems.Summary summary = openItems.summary(written);
        String today = ReviewQueueTopology.dayKey(now, null);
        String mine = ReviewQueueTopology.dayKey(now, annotator);
        Reviewed reviewed = stores.scanning(() -> reviewedOn(today, mine));
        return new Views.StatusView(
                annotator,
                summary.open(),
                reviewed.all(),
                reviewed.byMe(),
                summary.modelName(),
                summary.modelVersion(),
                Views.TrainingView.of(lastTraining(summary.modelName())));
    }

    private record Reviewed(long all, long byMe) {}

    /** Corrections on the day {@code today}, and the annotator's ({@code mine}). */
    private Reviewed reviewedOn(String today, String mine) {
        long all = 0;
        long byMe = 0;
        // each partition's task counts its own corrections: add them up
        try (KeyValueIterator<String, Long> day =
                stores.dailyCounts().prefixScan(today, new StringSerializer())) {
            while (day.hasNext()) {
                KeyValue<String, Long> entry = day.next();
                if (entry.key.equals(today)) {
                    all += entry.value;
                } else if (entry.key.equals(mine)) {
                    byMe += entry.value;
                }
            }
        }
        return new Reviewed(all, byMe);
    }

    /** The last model-version event of the model answering (any model's before answers exist). */
    private ModelVersion lastTraining(String answeringModel) {
        ReadOnlyKeyValueStore<String, ModelVersion> versions = stores.modelVersions();
        if (answeringModel != null) {
            return versions.get(answeringModel);
        }
        return stores.scanning(
                () -> {
                    ModelVersion latest = null;
                    try (KeyValueIterator<String, ModelVersion> all = versions.all()) {
                        while (all.hasNext()) {
                            ModelVersion event = all.next().value;
                            if (latest == null
                                    || event.getCreatedAt().isAfter(latest.getCreatedAt())) {
                                latest = event;
                            }
                        }
                    }
                    return latest;
                });
    }
}
