package io.spanloop.answerer;

import io.spanloop.config.KafkaConnection;
import io.spanloop.events.ModelStatus;
import io.spanloop.events.ModelVersion;
import io.spanloop.schemas.TopicScan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the model-versions topic from its start (every instance reads all of it: no consumer
 * group) and hands each event to the {@link ModelReloader} on its own thread, so loading a new
 * version never blocks the stream threads. On start, {@link #catchUp()} reads up to the current end
 * and serves only the newest PUBLISHED version.
 */
final class ModelVersionFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelVersionFollower.class);

    private final KafkaConsumer<String, ModelVersion> consumer;
    private final String topic;
    private final ModelReloader reloader;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private boolean assigned;

    ModelVersionFollower(
            KafkaConnection kafka,
            String topic,
            Deserializer<ModelVersion> deserializer,
            ModelReloader reloader) {
        this.consumer =
                new KafkaConsumer<>(
                        TopicScan.consumerProps(kafka, "spanloop-answerer-model-versions"),
                        new StringDeserializer(),
                        deserializer);
        this.topic = topic;
        this.reloader = reloader;
        this.thread = new Thread(this::follow, "model-version-follower");
        this.thread.setDaemon(true);
    }

    /**
     * Reads every event published so far and serves the newest PUBLISHED version among them that
     * loads (a refused one falls back to the next older).
     */
    void catchUp() {
        if (!assign()) {
            LOG.info("No {} topic yet: serving the configured model", topic);
            return;
        }
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        List<ModelVersion> published = new ArrayList<>();
        while (!TopicScan.reached(consumer, end)) {
            for (ConsumerRecord<String, ModelVersion> record :
                    TopicScan.poll(consumer, Duration.ofMillis(500), reloader::onUnreadable)) {
                ModelVersion event = record.value();
                if (event != null
                        && event.getStatus() == ModelStatus.PUBLISHED
                        && event.getModelName().equals(reloader.servedModelName())) {
                    published.add(event);
                }
            }
        }
        published.sort(Comparator.comparingLong(ModelVersion::getVersion).reversed());
        for (ModelVersion event : published) {
            if (reloader.onEvent(event)) {
                return;
            }
        }
    }

    private boolean assign() {
        if (assigned) {
            return true;
        }
        assigned = !TopicScan.fromStart(consumer, topic, Duration.ofSeconds(10)).isEmpty();
        return assigned;
    }

    void start() {
        thread.start();
    }

    private void follow() {
        try {
            while (running.get()) {
                if (!assign()) {
                    Thread.sleep(5_000);
                    continue;
                }
                for (ConsumerRecord<String, ModelVersion> record :
                        TopicScan.poll(consumer, Duration.ofSeconds(1), reloader::onUnreadable)) {
                    if (record.value() != null) {
                        reloader.onEvent(record.value());
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("Stopped following {}: model versions will not be reloaded", topic, e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public void close() {
        running.set(false);
        if (thread.isAlive()) {
            consumer.wakeup();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
