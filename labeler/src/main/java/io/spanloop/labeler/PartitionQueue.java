package io.spanloop.labeler;

import io.spanloop.events.Answer;
import io.spanloop.events.Correction;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * One partition's open items (answered, no correction in the store) in queue order, and its newest
 * answer. The partition's review-state processor writes it (one stream thread); web requests read
 * it at the same time.
 */
final class PartitionQueue {

    private final QueueOrder order;
    private final NavigableSet<QueueKey> inOrder = new ConcurrentSkipListSet<>(QueueKey.ORDER);
    private final Map<String, QueueKey> open = new ConcurrentHashMap<>();
    private volatile NewestAnswer newest;

    PartitionQueue(QueueOrder order) {
        this.order = order;
    }

    /** The index of what a partition's stores hold (after a restart, restoration, a rebalance). */
    static PartitionQueue of(
            ReadOnlyKeyValueStore<String, Answer> answers,
            ReadOnlyKeyValueStore<String, Correction> corrections,
            QueueOrder order) {
        PartitionQueue queue = new PartitionQueue(order);
        try (KeyValueIterator<String, Answer> all = answers.all()) {
            while (all.hasNext()) {
                KeyValue<String, Answer> entry = all.next();
                queue.answered(entry.key, entry.value, corrections.get(entry.key) != null);
            }
        }
        return queue;
    }

    /**
     * The store now holds {@code answer} for the question; {@code reviewed}: it has a correction.
     */
    void answered(String questionId, Answer answer, boolean reviewed) {
        newest = NewestAnswer.newer(newest, NewestAnswer.of(questionId, answer));
        if (reviewed) {
            reviewed(questionId);
            return;
        }
        QueueKey key = new QueueKey(order.uncertainty(answer), questionId);
        QueueKey previous = open.put(questionId, key);
        if (previous != null) {
            inOrder.remove(previous);
        }
        inOrder.add(key);
    }

    /** The store now holds a correction of the question. */
    void reviewed(String questionId) {
        QueueKey key = open.remove(questionId);
        if (key != null) {
            inOrder.remove(key);
        }
    }

    /** The question's place if it is open here, else null. */
    QueueKey open(String questionId) {
        return open.get(questionId);
    }

    int size() {
        return open.size();
    }

    /** Open items in queue order (weakly consistent: items changed meanwhile may be missed). */
    Iterator<QueueKey> inOrder() {
        return inOrder.iterator();
    }

    NewestAnswer newest() {
        return newest;
    }
}
