package io.spanloop.labeler;

import io.spanloop.events.Answer;
import io.spanloop.events.Correction;
import io.spanloop.events.ModelVersion;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The review state's stores, each over all local partitions. A read throws {@link
 * InvalidStateStoreException} while they load, and an {@link ApiException} (503) once the app has
 * stopped.
 */
final class ReviewStores {

    private final Function<String, ReadOnlyKeyValueStore<String, ?>> stores;
    // one request at a time iterates the stores: Kafka Streams' iterator metrics raced when two
    // iterators opened in the same millisecond (KAFKA-19678, an NPE on close, code gone in the
    // 4.4.0 spanloop pins; KAFKA-20902, the same set); a scan of the small stores takes
    // milliseconds
    private final Object scans = new Object();

    ReviewStores(Function<String, ReadOnlyKeyValueStore<String, ?>> stores) {
        this.stores = stores;
    }

    /** Through the app's interactive queries. */
    static ReviewStores of(KafkaStreams streams) {
        return new ReviewStores(
                name ->
                        StreamsStores.store(
                                streams,
                                name,
                                QueryableStoreTypes.<String, Object>keyValueStore()));
    }

    ReadOnlyKeyValueStore<String, Answer> answers() {
        return store(ReviewQueueTopology.ANSWERS_STORE);
    }

    ReadOnlyKeyValueStore<String, Correction> corrections() {
        return store(ReviewQueueTopology.CORRECTIONS_STORE);
    }

    ReadOnlyKeyValueStore<String, Long> dailyCounts() {
        return store(ReviewQueueTopology.DAILY_COUNTS_STORE);
    }

    ReadOnlyKeyValueStore<String, ModelVersion> modelVersions() {
        return store(ReviewQueueTopology.MODEL_VERSIONS_STORE);
    }

    /** Throws as any read would while the stores cannot be read; a cheap read otherwise. */
    void requireReadable() {
        answers().approximateNumEntries();
    }

    /** Runs a scan (store iterators) while no other request scans. */
    <T> T scanning(Supplier<T> scan) {
        synchronized (scans) {
            return scan.get();
        }
    }

    @SuppressWarnings("unchecked")
    private <V> ReadOnlyKeyValueStore<String, V> store(String name) {
        return (ReadOnlyKeyValueStore<String, V>) stores.apply(name);
    }
}
