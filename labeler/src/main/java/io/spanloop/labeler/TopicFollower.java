package io.spanloop.labeler;

import io.spanloop.config.KafkaConnection;
import io.spanloop.schemas.Topic;
import io.spanloop.schemas.TopicScan;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a whole topic from its start on a thread of its own and keeps following it, handing each
 * record (key, value) to a sink in partition order. No consumer group: every labeler instance reads
 * all of it ({@code read_committed}). A topic that does not exist yet, or that Kafka refuses to
 * show, is looked for again every few seconds; records that do not deserialise are logged and
 * skipped.
 */
final class TopicFollower<V> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopicFollower.class);
    private static final Duration RETRY = Duration.ofSeconds(2);

    private final String topic;
    private final KafkaConsumer<String, V> consumer;
    private final Admin admin;
    private final BiConsumer<String, V> sink;
    private final Map<TopicPartition, Long> handedOver = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private volatile Map<TopicPartition, Long> endAtStart;
    private volatile boolean loaded;

    TopicFollower(
            KafkaConnection kafka,
            Topic<String, V> topic,
            String clientId,
            BiConsumer<String, V> sink) {
        this.topic = topic.name();
        this.sink = sink;
        Map<String, Object> consumerProps = TopicScan.consumerProps(kafka, clientId);
        // looking for a topic must not create it (on brokers that create topics on demand)
        consumerProps.put("allow.auto.create.topics", false);
        this.consumer =
                new KafkaConsumer<>(
                        consumerProps,
                        topic.keySerde().deserializer(),
                        topic.valueSerde().deserializer());
        Map<String, Object> adminProps = kafka.clientProps();
        adminProps.put("client.id", clientId + "-admin");
        this.admin = Admin.create(adminProps);
        this.thread = new Thread(this::follow, clientId);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    String topic() {
        return topic;
    }

    /** Whether the follower has read, once, up to where the topic ended when it started. */
    boolean loaded() {
        return loaded;
    }

    /**
     * Waits until every record committed to the topic before this call has reached the sink.
     *
     * @return false when that did not happen within {@code timeout}
     */
    boolean awaitCaughtUp(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, Long> end;
        try {
            end = endOffsets(timeout);
        } catch (TimeoutException e) {
            return false;
        }
        while (true) {
            if (reached(end)) {
                return true;
            }
            if (System.nanoTime() >= deadline || !thread.isAlive()) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
            if (handedOver.getOrDefault(partition.getKey(), -1L) < partition.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** The topic's committed end offsets now (none when it does not exist). */
    private Map<TopicPartition, Long> endOffsets(Duration timeout) throws TimeoutException {
        try {
            List<TopicPartition> partitions =
                    admin
                            .describeTopics(List.of(topic))
                            .allTopicNames()
                            .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                            .get(topic)
                            .partitions()
                            .stream()
                            .map(p -> new TopicPartition(topic, p.partition()))
                            .toList();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
            Map<TopicPartition, Long> end = new HashMap<>();
            admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .forEach((partition, info) -> end.put(partition, info.offset()));
            return end;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Map.of();
            }
            throw new TimeoutException(e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("interrupted");
        }
    }

    private void follow() {
        int failures = 0;
        try {
            while (running.get()) {
                try {
                    if (endAtStart == null && !assign()) {
                        sleep(RETRY);
                        continue;
                    }
                    for (ConsumerRecord<String, V> record :
                            TopicScan.poll(
                                    consumer,
                                    Duration.ofMillis(500),
                                    unreadable ->
                                            LOG.warn(
                                                    "Skipped a record of {} that is no event: {}",
                                                    topic,
                                                    unreadable))) {
                        if (record.value() != null) {
                            sink.accept(record.key(), record.value());
                        }
                    }
                    for (TopicPartition partition : consumer.assignment()) {
                        handedOver.put(partition, consumer.position(partition));
                    }
                    loaded = loaded || reached(endAtStart);
                    failures = 0;
                } catch (WakeupException e) {
                    return;
                } catch (RuntimeException e) {
                    if (failures++ % 30 == 0) {
                        LOG.warn(
                                "Cannot read {} (trying again every {} s): {}",
                                topic,
                                RETRY.toSeconds(),
                                e.toString());
                    }
                    sleep(RETRY);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private boolean assign() {
        Map<TopicPartition, Long> end =
                TopicScan.fromStart(consumer, topic, Duration.ofSeconds(10));
        if (end.isEmpty()) {
            return false;
        }
        endAtStart = Map.copyOf(end);
        return true;
    }

    private void sleep(Duration duration) throws InterruptedException {
        long deadline = System.nanoTime() + duration.toNanos();
        while (running.get() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!thread.isAlive() && thread.getState() == Thread.State.NEW) {
            consumer.close(Duration.ofSeconds(5));
        }
        admin.close(Duration.ZERO); // nothing it was asking matters any more
    }
}
