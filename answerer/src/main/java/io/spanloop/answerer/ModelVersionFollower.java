package io.spanloop.answerer;

import io.spanloop.config.KafkaConnection;
import io.spanloop.events.ModelVersion;
import io.spanloop.schemas.TopicScan;
import io.spanloop.versions.VersionLog;
import java.time.Duration;
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
 * group), folds the served model's events into a {@link VersionLog}, and whenever the log's served
 * version changes (a passing candidate, a promote, a pin) has the {@link ModelReloader} serve it,
 * on a thread of its own, so loading never blocks the stream threads. On start, {@link #catchUp()}
 * reads up to the current end and serves what the log says then.
 */
final class ModelVersionFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelVersionFollower.class);

    private final KafkaConsumer<String, ModelVersion> consumer;
    private final String topic;
    private final ModelReloader reloader;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private final VersionLog log;
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
        this.log = new VersionLog(reloader.servedModelName());
        this.thread = new Thread(this::follow, "model-version-follower");
        this.thread.setDaemon(true);
    }

    /**
     * Reads every event published so far and serves the version the log says is served; if that one
     * does not load, the one served before it, and so on.
     */
    void catchUp() {
        if (!assign()) {
            LOG.info("No {} topic yet: serving the configured model", topic);
            return;
        }
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        while (!TopicScan.reached(consumer, end)) {
            for (ConsumerRecord<String, ModelVersion> record :
                    TopicScan.poll(consumer, Duration.ofMillis(500), reloader::onUnreadable)) {
                apply(record.value());
            }
        }
        for (VersionLog.Served served : log.servedMostRecentFirst()) {
            if (reloader.serve(served)) {
                return;
            }
        }
    }

    /** Folds one event into the log; whether the served version changed. */
    private boolean apply(ModelVersion event) {
        if (event == null) {
            return false;
        }
        if (!event.getModelName().equals(log.modelName())) {
            reloader.onOtherModel(event);
            return false;
        }
        return log.add(event);
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
                    if (apply(record.value())) {
                        reloader.serve(log.served().get());
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
