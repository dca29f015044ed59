package io.spanloop.labeler;

import io.spanloop.events.Answer;
import io.spanloop.events.Correction;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The review queue kept in order as answers and corrections arrive, so that a request reads it
 * without scanning the stores: one {@link PartitionQueue} per partition this instance processes.
 * The review-state processors build and update them (see {@link ReviewQueueTopology}); the web API
 * reads them merged.
 */
public final class ReviewIndex {

    private static final Logger LOG = LoggerFactory.getLogger(ReviewIndex.class);

    private final QueueOrder order;
    private final Map<Integer, PartitionQueue> partitions = new ConcurrentHashMap<>();

    public ReviewIndex(QueueOrder order) {
        this.order = order;
    }

    /**
     * Indexes what a partition's stores hold and serves that from now on, replacing the partition's
     * older index if any. Restoring a store does not pass its records through the processor, so a
     * processor calls this when it starts (after restoration).
     */
    PartitionQueue rebuild(
            int partition,
            ReadOnlyKeyValueStore<String, Answer> answers,
            ReadOnlyKeyValueStore<String, Correction> corrections) {
        long start = System.nanoTime();
        PartitionQueue queue = PartitionQueue.of(answers, corrections, order);
        partitions.put(partition, queue);
        LOG.info(
                "Review index of partition {}: {} open items, rebuilt from the stores in {} ms",
                partition,
                queue.size(),
                (System.nanoTime() - start) / 1_000_000);
        return queue;
    }

    /** The partition's processor has closed (rebalance, shutdown): its index is no longer kept. */
    void drop(int partition, PartitionQueue queue) {
        partitions.remove(partition, queue);
    }

    boolean covers(int partition) {
        return partitions.containsKey(partition);
    }

    /** Open items of all partitions (answered, no correction in the store). */
    int size() {
        int size = 0;
        for (PartitionQueue queue : partitions.values()) {
            size += queue.size();
        }
        return size;
    }

    /** The question's place if it is open, else null. */
    QueueKey open(String questionId) {
        for (PartitionQueue queue : partitions.values()) {
            QueueKey key = queue.open(questionId);
            if (key != null) {
                return key;
            }
        }
        return null;
    }

    /** All open items in queue order, merged from the partitions as the caller reads on. */
    Iterator<QueueKey> inOrder() {
        List<Iterator<QueueKey>> sorted =
                partitions.values().stream().map(PartitionQueue::inOrder).toList();
        return new SortedMerge<>(sorted, QueueKey.ORDER);
    }

    /** The newest answer of all partitions, reviewed or not; null before any. */
    NewestAnswer newest() {
        NewestAnswer newest = null;
        for (PartitionQueue queue : partitions.values()) {
            newest = NewestAnswer.newer(newest, queue.newest());
        }
        return newest;
    }
}
