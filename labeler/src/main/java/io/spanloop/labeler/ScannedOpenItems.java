package io.spanloop.labeler;

import io.spanloop.events.Answer;
import io.spanloop.events.Correction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The open items found by scanning every answer in the stores and sorting them, per request: what
 * the labeler did before {@link IndexedOpenItems}, linear in the answers stored. Kept as the
 * benchmark's baseline and the tests' oracle.
 */
final class ScannedOpenItems implements OpenItems {

    private final ReviewStores stores;
    private final QueueOrder order;

    ScannedOpenItems(ReviewStores stores, QueueOrder order) {
        this.stores = stores;
        this.order = order;
    }

    private record Open(Answer answer, double uncertainty, boolean skipped) {}

    @Override
    public Views.QueuePage page(
            Set<String> skipped, WrittenCorrections written, int limit, int offset) {
        List<Open> open =
                stores.scanning(
                        () -> {
                            List<Open> found = new ArrayList<>();
                            try (KeyValueIterator<String, Answer> all = stores.answers().all()) {
                                ReadOnlyKeyValueStore<String, Correction> corrections =
                                        stores.corrections();
                                while (all.hasNext()) {
                                    KeyValue<String, Answer> entry = all.next();
                                    if (!isReviewed(entry.key, corrections, written)) {
                                        found.add(
                                                new Open(
                                                        entry.value,
                                                        order.uncertainty(entry.value),
                                                        skipped.contains(entry.key)));
                                    }
                                }
                            }
                            return found;
                        });
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

    @Override
    public Summary summary(WrittenCorrections written) {
        return stores.scanning(
                () -> {
                    int open = 0;
                    Answer newest = null;
                    try (KeyValueIterator<String, Answer> all = stores.answers().all()) {
                        ReadOnlyKeyValueStore<String, Correction> corrections =
                                stores.corrections();
                        while (all.hasNext()) {
                            KeyValue<String, Answer> entry = all.next();
                            if (!isReviewed(entry.key, corrections, written)) {
                                open++;
                            }
                            if (newest == null
                                    || entry.value.getModelVersion() > newest.getModelVersion()) {
                                newest = entry.value;
                            }
                        }
                    }
                    return new Summary(
                            open,
                            newest == null ? null : newest.getModelName(),
                            newest == null ? null : newest.getModelVersion());
                });
    }

    private static boolean isReviewed(
            String questionId,
            ReadOnlyKeyValueStore<String, Correction> corrections,
            WrittenCorrections written) {
        return written.contains(questionId) || corrections.get(questionId) != null;
    }
}
