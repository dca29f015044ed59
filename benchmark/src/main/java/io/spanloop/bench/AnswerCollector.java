package io.spanloop.bench;

import io.spanloop.events.Answer;
import io.spanloop.schemas.Topic;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * A plain {@code read_committed} consumer of the answers topic on its own thread, as a downstream
 * service would run it: notes when each answer arrived and counts duplicates.
 */
final class AnswerCollector implements AutoCloseable {

    /** One answer as it arrived. */
    record Received(long receivedAtMillis, Answer answer) {}

    private final KafkaConsumer<String, Answer> consumer;
    private final Map<String, Received> received = new ConcurrentHashMap<>();
    private final AtomicInteger duplicates = new AtomicInteger();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile RuntimeException failure;

    AnswerCollector(String bootstrapServers, Topic<String, Answer> answers) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer =
                new KafkaConsumer<>(
                        props,
                        answers.keySerde().deserializer(),
                        answers.valueSerde().deserializer());
        List<PartitionInfo> partitions = consumer.partitionsFor(answers.name());
        List<TopicPartition> assigned =
                partitions.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(assigned);
        consumer.seekToBeginning(assigned);
        thread = new Thread(this::pollLoop, "bench-answer-collector");
        thread.setDaemon(true);
        thread.start();
    }

    private void pollLoop() {
        try {
            while (running) {
                for (ConsumerRecord<String, Answer> record :
                        consumer.poll(Duration.ofMillis(100))) {
                    long now = System.currentTimeMillis();
                    if (received.putIfAbsent(record.key(), new Received(now, record.value()))
                            != null) {
                        duplicates.incrementAndGet();
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Waits until every id in {@code ids} has an answer; false on timeout. */
    boolean awaitAll(Collection<String> ids, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (failure != null) {
                throw new IllegalStateException("the answer consumer failed", failure);
            }
            if (received.keySet().containsAll(ids)) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    Received get(String id) {
        return received.get(id);
    }

    int answered(Collection<String> ids) {
        return (int) ids.stream().filter(received::containsKey).count();
    }

    int duplicates() {
        return duplicates.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
