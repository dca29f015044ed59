package io.spanloop.cli;

import io.spanloop.schemas.Topic;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes events to one topic, keyed by id, with {@code acks=all} and idempotence; failures become
 * {@link CommandFailedException}s that say what and where.
 *
 * @param <V> the event type
 */
final class EventSender<V> implements AutoCloseable {

    private final KafkaProducer<String, V> producer;
    private final String topic;
    private final Connection connection;

    EventSender(Connection connection, Topic<String, V> topic, String clientId) {
        this.producer =
                new KafkaProducer<>(
                        connection.producerProps(clientId),
                        topic.keySerde().serializer(),
                        topic.valueSerde().serializer());
        this.topic = topic.name();
        this.connection = connection;
    }

    /** The topic written to. */
    String topic() {
        return topic;
    }

    /** Sends and returns once Kafka acknowledged the event. */
    void sendAndWait(String key, V event) {
        try {
            producer.send(new ProducerRecord<>(topic, key, event)).get();
        } catch (ExecutionException e) {
            throw notWritten(e.getCause());
        } catch (RuntimeException e) {
            throw notWritten(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailedException("interrupted while writing to " + topic, e);
        }
    }

    /** Hands the event to the producer; {@code callback} learns whether Kafka took it. */
    void send(String key, V event, Callback callback) {
        try {
            producer.send(new ProducerRecord<>(topic, key, event), callback);
        } catch (RuntimeException e) {
            throw notWritten(e);
        }
    }

    /** Blocks until every event sent so far completed. */
    void flush() {
        producer.flush();
    }

    /** The failure to report for an event that could not be written. */
    CommandFailedException notWritten(Throwable cause) {
        return new CommandFailedException(
                "could not write to "
                        + topic
                        + " (Kafka at "
                        + connection.bootstrapServers()
                        + ", registry at "
                        + connection.registryUrl()
                        + "): "
                        + Cli.describe(cause),
                cause);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
