package io.spanloop.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Reading what a test expects from a topic, the one poll loop the tests share. */
public final class Records {

    private static final Duration POLL = Duration.ofMillis(200);

    private Records() {}

    /**
     * Polls {@code consumer} until {@code expected} records arrived or {@code timeout} passed, then
     * keeps polling for {@code settle} so that any extra (duplicate) record shows up too.
     *
     * @return every record read, in the order polled: fewer than {@code expected} on timeout, more
     *     if more arrived; the caller asserts on them
     */
    public static <K, V> List<ConsumerRecord<K, V>> readAtLeast(
            Consumer<K, V> consumer, int expected, Duration timeout, Duration settle) {
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (records.size() < expected && System.nanoTime() < deadline) {
            consumer.poll(POLL).forEach(records::add);
        }
        long settleEnd = System.nanoTime() + settle.toNanos();
        while (System.nanoTime() < settleEnd) {
            consumer.poll(POLL).forEach(records::add);
        }
        return records;
    }
}
