package io.spanloop.labeler;

import io.spanloop.events.Answer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The open items read from the {@link ReviewIndex}: a page walks the partitions' ordered indexes
 * merged, only as far as it shows, and counts come from their sizes.
 */
final class IndexedOpenItems implements OpenItems {

    private final ReviewIndex index;
    private final ReviewStores stores;
    private final QueueOrder order;

    IndexedOpenItems(ReviewIndex index, ReviewStores stores, QueueOrder order) {
        this.index = index;
        this.stores = stores;
        this.order = order;
    }

    @Override
    public Views.QueuePage page(
            Set<String> skipped, WrittenCorrections written, int limit, int offset) {
        stores.requireReadable();
        ReadOnlyKeyValueStore<String, Answer> answers = stores.answers();
        List<Views.ItemView> items = new ArrayList<>();
        for (String questionId : pageIds(skipped, written, limit, offset)) {
            Answer answer = answers.get(questionId);
            if (answer != null) {
                items.add(Views.ItemView.of(answer, order.uncertainty(answer), null));
            }
        }
        return new Views.QueuePage(open(written), items);
    }

    private List<String> pageIds(
            Set<String> skipped, WrittenCorrections written, int limit, int offset) {
        long end = (long) offset + limit;
        long position = 0;
        List<String> ids = new ArrayList<>(limit);
        // a question answered again while the walk runs may show up at its old and new place
        Set<String> seen = new HashSet<>();
        Iterator<QueueKey> queue = index.inOrder();
        while (position < end && queue.hasNext()) {
            String questionId = queue.next().questionId();
            if (!skipped.contains(questionId)
                    && !written.contains(questionId)
                    && seen.add(questionId)
                    && position++ >= offset) {
                ids.add(questionId);
            }
        }
        Iterator<String> skippedLast = openSkipped(skipped, written).iterator();
        while (position < end && skippedLast.hasNext()) {
            String questionId = skippedLast.next();
            if (position++ >= offset) {
                ids.add(questionId);
            }
        }
        return ids;
    }

    /** The annotator's skipped items that are still open, in queue order. */
    private List<String> openSkipped(Set<String> skipped, WrittenCorrections written) {
        return skipped.stream()
                .filter(questionId -> !written.contains(questionId))
                .map(index::open)
                .filter(Objects::nonNull)
                .sorted(QueueKey.ORDER)
                .map(QueueKey::questionId)
                .toList();
    }

    @Override
    public Summary summary(WrittenCorrections written) {
        stores.requireReadable();
        NewestAnswer newest = index.newest();
        return new Summary(
                open(written),
                newest == null ? null : newest.modelName(),
                newest == null ? null : newest.modelVersion());
    }

    private int open(WrittenCorrections written) {
        int open = index.size();
        // a written question's correction has arrived once its partition's index no longer has
        // it open (answers never leave the store)
        return open
                - written.stillOpen(
                        questionId -> index.open(questionId) != null,
                        (questionId, partition) -> index.covers(partition));
    }
}
