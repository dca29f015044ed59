package io.spanloop.answerer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Questions accepted but not yet answered, in arrival order. The changelogged store is the truth
 * (it commits in the same transaction as input offsets and answers, so a crash never loses a
 * buffered question nor answers one twice); the deque mirrors it for speed.
 */
final class QuestionBuffer {

    private final KeyValueStore<Long, byte[]> store;
    private final Deque<BufferedQuestion> pending = new ArrayDeque<>();
    private long nextSequence;

    /** Restores the pending questions the store holds (after a restart or rebalance). */
    QuestionBuffer(KeyValueStore<Long, byte[]> store, QuestionParser parser) {
        this.store = store;
        try (KeyValueIterator<Long, byte[]> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<Long, byte[]> entry = all.next();
                pending.add(BufferedQuestion.decode(entry.key, entry.value, parser));
                nextSequence = Math.max(nextSequence, entry.key + 1);
            }
        }
        List<BufferedQuestion> sorted = new ArrayList<>(pending);
        sorted.sort((a, b) -> Long.compare(a.sequence(), b.sequence()));
        pending.clear();
        pending.addAll(sorted);
    }

    long nextSequence() {
        return nextSequence++;
    }

    void add(BufferedQuestion question) {
        store.put(question.sequence(), question.encode());
        pending.addLast(question);
    }

    int size() {
        return pending.size();
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    /** When the oldest buffered question arrived (stream system time, ms). */
    long oldestArrivedMs() {
        return pending.getFirst().arrivedMs();
    }

    /** The oldest {@code max} questions, left in the buffer. */
    List<BufferedQuestion> peek(int max) {
        List<BufferedQuestion> batch = new ArrayList<>(Math.min(max, pending.size()));
        for (BufferedQuestion question : pending) {
            if (batch.size() == max) {
                break;
            }
            batch.add(question);
        }
        return batch;
    }

    /** Removes the oldest {@code count} questions (answered or dead-lettered). */
    void removeOldest(int count) {
        for (int i = 0; i < count; i++) {
            store.delete(pending.removeFirst().sequence());
        }
    }
}
