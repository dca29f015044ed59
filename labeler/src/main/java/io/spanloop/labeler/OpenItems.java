package io.spanloop.labeler;

import java.util.Set;

/**
 * The review queue's open items: answered questions with no correction in the store and none this
 * instance just wrote, in queue order: an annotator's skipped ones last, then the most uncertain
 * first, then by question id.
 */
interface OpenItems {

    /** Items {@code offset} to {@code offset + limit} of the queue, and how many are open. */
    Views.QueuePage page(Set<String> skipped, WrittenCorrections written, int limit, int offset);

    /** How many are open, and the newest answer's model (reviewed answers too). */
    Summary summary(WrittenCorrections written);

    record Summary(int open, String modelName, Long modelVersion) {}
}
