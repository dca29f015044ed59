package io.spanloop.retrainer;

import io.spanloop.config.KafkaConnection;
import io.spanloop.events.ModelVersion;
import io.spanloop.schemas.Topic;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;

/**
 * The one writer of the model-versions topic: a transactional producer whose transactional id is
 * fixed per model, so a newly started retrainer fences the previous one — a fenced instance can no
 * longer publish and stops ({@link FencedException}).
 */
final class VersionPublisher implements AutoCloseable {

    /** Another retrainer instance took over publishing for this model. */
    static final class FencedException extends RuntimeException {
        FencedException(Throwable cause) {
            super("another retrainer for this model took over; this one stops", cause);
        }
    }

    private final KafkaProducer<String, ModelVersion> producer;
    private final String topic;

    VersionPublisher(KafkaConnection kafka, Topic<String, ModelVersion> topic, String modelName) {
        Map<String, Object> props = kafka.clientProps();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "spanloop-retrainer-" + modelName);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "spanloop-retrainer-" + modelName);
        producer =
                new KafkaProducer<>(
                        props, topic.keySerde().serializer(), topic.valueSerde().serializer());
        this.topic = topic.name();
        try {
            producer.initTransactions();
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
    }

    /** Publishes one event in its own transaction; returns once it is committed. */
    void publish(ModelVersion event) {
        try {
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, event.getModelName(), event));
            producer.commitTransaction();
        } catch (ProducerFencedException e) {
            throw new FencedException(e);
        } catch (KafkaException e) {
            try {
                producer.abortTransaction();
            } catch (ProducerFencedException fenced) {
                throw new FencedException(fenced);
            }
            throw e;
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
