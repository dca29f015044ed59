package io.spanloop.labeler;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.spanloop.config.KafkaConnection;
import io.spanloop.events.Correction;
import io.spanloop.schemas.Topic;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes corrections to the feedback topic and returns only once Kafka acknowledged them ({@code
 * acks=all}, idempotent). A correction Kafka did not acknowledge within the timeout is reported as
 * not confirmed (503) and the producer gives up on it; in the rare case that the broker wrote it
 * but the acknowledgement was lost, the person's retry is harmless, as the latest correction per
 * question wins.
 */
final class CorrectionWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CorrectionWriter.class);

    private final KafkaProducer<String, Correction> producer;
    private final String topic;
    private final Duration timeout;

    CorrectionWriter(
            KafkaConnection kafka,
            Topic<String, Correction> feedback,
            Duration timeout,
            Map<String, Object> overrides) {
        Map<String, Object> props = kafka.clientProps();
        props.putAll(overrides);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        // the whole life of a send (metadata wait, retries) fits in the timeout
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis() / 2);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) (timeout.toMillis() / 2));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout.toMillis() / 2);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "spanloop-labeler-corrections");
        this.producer =
                new KafkaProducer<>(
                        props,
                        feedback.keySerde().serializer(),
                        feedback.valueSerde().serializer());
        this.topic = feedback.name();
        this.timeout = timeout;
    }

    /** Writes and waits for the acknowledgement; 503 when Kafka did not take it. */
    RecordMetadata write(Correction correction) {
        try {
            return producer.send(
                            new ProducerRecord<>(topic, correction.getQuestionId(), correction))
                    .get();
        } catch (ExecutionException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            LOG.warn(
                    "Correction of {} by {} not recorded: {}",
                    correction.getQuestionId(),
                    correction.getAnnotator(),
                    cause.toString());
            throw new ApiException(
                    503,
                    "Kafka did not acknowledge the correction within "
                            + timeout.toSeconds()
                            + " s ("
                            + cause.getClass().getSimpleName()
                            + "); it is not confirmed, please retry");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "interrupted; the correction is not confirmed");
        }
    }

    /** The producer's own metrics, for the labeler's registry. */
    KafkaClientMetrics clientMetrics() {
        return new KafkaClientMetrics(producer);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
