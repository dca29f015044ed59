package io.spanloop.labeler;

import io.spanloop.events.Correction;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * Corrections this instance wrote: they count as reviewed at once, before the feedback topic brings
 * them to the review state.
 */
final class WrittenCorrections {

    private final Map<String, Correction> latest = new ConcurrentHashMap<>();
    // question id -> feedback partition, until the index has seen the correction arrive there
    private final Map<String, Integer> unconfirmed = new ConcurrentHashMap<>();

    void record(Correction correction, int partition) {
        latest.put(correction.getQuestionId(), correction);
        unconfirmed.put(correction.getQuestionId(), partition);
    }

    boolean contains(String questionId) {
        return latest.containsKey(questionId);
    }

    /** The latest correction of a question: {@code stored}, or a newer one written here. */
    Correction review(String questionId, Correction stored) {
        Correction written = latest.get(questionId);
        if (written == null) {
            return stored;
        }
        if (stored != null && !stored.getCorrectedAt().isBefore(written.getCorrectedAt())) {
            latest.remove(questionId, written);
            return stored;
        }
        return written;
    }

    /**
     * How many written questions {@code open} still has open; forgets those {@code arrived} says
     * the review state now holds (question id, partition written to).
     */
    int stillOpen(Predicate<String> open, BiPredicate<String, Integer> arrived) {
        int count = 0;
        for (Map.Entry<String, Integer> entry : unconfirmed.entrySet()) {
            String questionId = entry.getKey();
            if (open.test(questionId)) {
                if (contains(questionId)) {
                    count++;
                }
            } else if (arrived.test(questionId, entry.getValue())) {
                unconfirmed.remove(questionId, entry.getValue());
            }
        }
        return count;
    }
}
