package io.spanloop.labeler;

import java.util.Comparator;

/** An open item's place in the review queue: the most uncertain first, then by question id. */
record QueueKey(double uncertainty, String questionId) {

    static final Comparator<QueueKey> ORDER =
            Comparator.comparingDouble(QueueKey::uncertainty)
                    .reversed()
                    .thenComparing(QueueKey::questionId);
}
