package io.spanloop.cli;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;

/** Counts the acknowledgements (and failures) of asynchronous sends; keeps the first failure. */
final class Acks implements Callback {

    private final AtomicInteger acknowledged = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();

    @Override
    public void onCompletion(RecordMetadata metadata, Exception exception) {
        if (exception == null) {
            acknowledged.incrementAndGet();
        } else {
            firstFailure.compareAndSet(null, exception);
            failed.incrementAndGet();
        }
    }

    /** Records Kafka acknowledged. */
    int acknowledged() {
        return acknowledged.get();
    }

    /** Records Kafka did not take. */
    int failed() {
        return failed.get();
    }

    /** Sends that completed either way. */
    int completed() {
        return acknowledged.get() + failed.get();
    }

    /** The first failure, or null. */
    Exception firstFailure() {
        return firstFailure.get();
    }
}
