package io.spanloop.labeler;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreType;

/** The review queue's stores, read through interactive queries. */
final class StreamsStores {

    private StreamsStores() {}

    /**
     * The store {@code name} of all local partitions: 503 when the app has stopped, {@link
     * InvalidStateStoreException} while it loads.
     */
    static <T> T store(KafkaStreams streams, String name, QueryableStoreType<T> type) {
        KafkaStreams.State state = streams.state();
        if (state == KafkaStreams.State.ERROR
                || state == KafkaStreams.State.PENDING_ERROR
                || state == KafkaStreams.State.NOT_RUNNING
                || state == KafkaStreams.State.PENDING_SHUTDOWN) {
            // e.g. a topic it reads is missing: say so instead of an internal error
            throw new ApiException(
                    503,
                    "the review queue has stopped (Kafka Streams state "
                            + state
                            + "); the labeler's log says why");
        }
        return streams.store(StoreQueryParameters.fromNameAndType(name, type));
    }
}
