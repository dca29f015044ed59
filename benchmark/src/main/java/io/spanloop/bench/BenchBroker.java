package io.spanloop.bench;

import io.spanloop.schemas.TopicNames;
import io.spanloop.testkit.KafkaTestCluster;
import io.spanloop.testkit.SchemaRegistryProcess;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The benchmark's Kafka: the test kit's in-JVM KRaft broker and the Apicurio registry process, both
 * on 127.0.0.1, stopped by {@link #close()}.
 */
final class BenchBroker implements AutoCloseable {

    private final KafkaTestCluster cluster;
    private final SchemaRegistryProcess registry;

    private BenchBroker(KafkaTestCluster cluster, SchemaRegistryProcess registry) {
        this.cluster = cluster;
        this.registry = registry;
    }

    /** Starts broker and registry side by side (the registry home comes from its property). */
    static BenchBroker start() {
        CompletableFuture<SchemaRegistryProcess> registry =
                CompletableFuture.supplyAsync(SchemaRegistryProcess::start);
        KafkaTestCluster cluster;
        try {
            cluster = KafkaTestCluster.start(1);
        } catch (RuntimeException | Error e) {
            registry.thenAccept(SchemaRegistryProcess::close);
            throw e;
        }
        try {
            return new BenchBroker(cluster, registry.join());
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    String registryUrl() {
        return registry.registryUrl();
    }

    Admin admin() {
        return cluster.admin();
    }

    void createTopics(TopicNames names, int partitions) {
        for (String name : names.all()) {
            cluster.createTopic(name, partitions);
        }
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
        try {
            cluster.close();
        } finally {
            registry.close();
        }
    }
}
