package io.spanloop.bench;

import io.spanloop.schemas.Topic;
import io.spanloop.schemas.TopicNames;
import io.spanloop.schemas.Topics;
import io.spanloop.testkit.KafkaEnvironment;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The benchmark's Kafka: the test kit's environment (in-JVM KRaft broker and the Apicurio registry
 * process, both on 127.0.0.1), stopped by {@link #close()}, plus the offset counts the report
 * needs.
 */
final class BenchBroker implements AutoCloseable {

    private final KafkaEnvironment env;

    private BenchBroker(KafkaEnvironment env) {
        this.env = env;
    }

    /** Starts broker and registry (the registry home comes from its property). */
    static BenchBroker start() {
        return new BenchBroker(KafkaEnvironment.start());
    }

    String bootstrapServers() {
        return env.bootstrapServers();
    }

    String registryUrl() {
        return env.registryUrl();
    }

    Admin admin() {
        return env.admin();
    }

    /** The topics of {@code names}, with serdes backed by the registry. */
    Topics topics(TopicNames names) {
        return env.topics(names);
    }

    void createTopics(TopicNames names, int partitions) {
        env.createTopics(names, partitions);
    }

    /** An {@code acks=all}, idempotent producer of {@code topic}. */
    <K, V> KafkaProducer<K, V> producer(Topic<K, V> topic) {
        return env.producer(topic);
    }

    /** A producer of {@code topic} with {@code overrides} (e.g. batching). */
    <K, V> KafkaProducer<K, V> producer(Topic<K, V> topic, Map<String, ?> overrides) {
        return env.producer(topic, overrides);
    }

    /** Sum of the end offsets of {@code topic}'s partitions (records plus transaction markers). */
    long endOffsets(String topic) {
        try {
            Map<String, TopicDescription> described =
                    admin().describeTopics(List.of(topic))
                            .allTopicNames()
                            .get(30, TimeUnit.SECONDS);
            Collection<TopicPartition> partitions =
                    described.get(topic).partitions().stream()
                            .map(p -> new TopicPartition(topic, p.partition()))
                            .toList();
            Map<TopicPartition, OffsetSpec> latest =
                    partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
            return admin().listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream()
                    .mapToLong(ListOffsetsResultInfo::offset)
                    .sum();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the end offsets of " + topic, e);
        }
    }

    /** Committed records of {@code topic}: {values, tombstones}. */
    long[] countRecords(String topic) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic).stream()
                            .map(p -> new TopicPartition(topic, p.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long values = 0;
            long tombstones = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() == null) {
                        tombstones++;
                    } else {
                        values++;
                    }
                }
            }
            return new long[] {values, tombstones};
        }
    }

    @Override
    public void close() {
        env.close();
    }
}
