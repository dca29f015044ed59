package io.spanloop.labeler;

import io.spanloop.config.KafkaConnection;
import io.spanloop.events.ModelVersion;
import io.spanloop.schemas.Topic;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Writes an admin's promote, pin and unpin events to the model-versions topic (key: the model name)
 * and returns only once Kafka acknowledged them ({@code acks=all}, idempotent); 503 when it did not
 * within the timeout.
 */
final class VersionEventWriter implements AutoCloseable {

    private final KafkaProducer<String, ModelVersion> producer;
    private final String topic;
    private final Duration timeout;

    VersionEventWriter(KafkaConnection kafka, Topic<String, ModelVersion> topic, Duration timeout) {
        Map<String, Object> props = kafka.clientProps();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis() / 2);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) (timeout.toMillis() / 2));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) (timeout.toMillis() / 2));
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "spanloop-labeler-version-actions");
        this.producer =
                new KafkaProducer<>(
                        props, topic.keySerde().serializer(), topic.valueSerde().serializer());
        this.topic = topic.name();
        this.timeout = timeout;
    }

    RecordMetadata write(ModelVersion event) {
        try {
            return producer.send(new ProducerRecord<>(topic, event.getModelName(), event)).get();
        } catch (ExecutionException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new ApiException(
                    503,
                    "Kafka did not acknowledge the "
                            + event.getAction()
                            + " event within "
                            + timeout.toSeconds()
                            + " s ("
                            + cause.getClass().getSimpleName()
                            + "); it is not confirmed, look at the versions and try again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "interrupted; the event is not confirmed");
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
