package io.spanloop.testkit;

import io.spanloop.schemas.AvroSerdes;
import io.spanloop.schemas.Topic;
import io.spanloop.schemas.TopicNames;
import io.spanloop.schemas.Topics;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka broker and one schema registry shared by every test of a JVM (see {@link
 * KafkaEnvironmentExtension}), with helpers for unique topics, serdes and plain-client settings.
 */
public final class KafkaEnvironment implements AutoCloseable {

    /** System property choosing the broker: unset for in-JVM, {@code testcontainers} for Docker. */
    public static final String BACKEND_PROPERTY = "spanloop.test.kafka";

    private static final Logger LOG = LoggerFactory.getLogger(KafkaEnvironment.class);

    private final String bootstrapServers;
    private final AutoCloseable broker;
    private final SchemaRegistryProcess registry;
    private final Admin admin;
    private final AvroSerdes avroSerdes;
    private final String runId = UUID.randomUUID().toString().substring(0, 8);
    private final AtomicInteger topicSets = new AtomicInteger();
    private final AtomicInteger consumerGroups = new AtomicInteger();

    private KafkaEnvironment(
            String bootstrapServers, AutoCloseable broker, SchemaRegistryProcess registry) {
        this.bootstrapServers = bootstrapServers;
        this.broker = broker;
        this.registry = registry;
        this.admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrapServers,
                                AdminClientConfig.CLIENT_ID_CONFIG,
                                "spanloop-env-admin"));
        this.avroSerdes = AvroSerdes.forRegistry(registry.registryUrl());
    }

    static boolean usesTestcontainers() {
        return "testcontainers".equalsIgnoreCase(System.getProperty(BACKEND_PROPERTY, ""));
    }

    /**
     * Starts a broker (backend per {@value #BACKEND_PROPERTY}) and a registry side by side, for use
     * outside {@link KafkaEnvironmentExtension} (e.g. a benchmark's {@code main}); the caller owns
     * the environment and must {@link #close()} it. Tests get the JVM's shared one injected
     * instead.
     */
    public static KafkaEnvironment start() {
        CompletableFuture<SchemaRegistryProcess> registry =
                CompletableFuture.supplyAsync(
                        SchemaRegistryProcess::start, KafkaEnvironment::runOnNewThread);
        String bootstrapServers;
        AutoCloseable broker;
        try {
            if (usesTestcontainers()) {
                ContainerKafka container = ContainerKafka.start();
                broker = container;
                bootstrapServers = container.bootstrapServers();
            } else {
                KafkaTestCluster cluster = KafkaTestCluster.start(1);
                broker = cluster;
                bootstrapServers = cluster.bootstrapServers();
            }
        } catch (RuntimeException | Error e) {
            registry.thenAccept(SchemaRegistryProcess::close);
            throw e;
        }
        try {
            return new KafkaEnvironment(bootstrapServers, broker, registry.join());
        } catch (CompletionException e) {
            closeQuietly(broker);
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private static void runOnNewThread(Runnable task) {
        Thread thread = new Thread(task, "registry-starter");
        thread.setDaemon(true);
        thread.start();
    }

    /** The broker's {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The registry's Apicurio v3 API ({@code apicurio.registry.url}). */
    public String registryUrl() {
        return registry.registryUrl();
    }

    /** The registry's Confluent-compatible API (Confluent clients' {@code schema.registry.url}). */
    public String ccompatUrl() {
        return registry.ccompatUrl();
    }

    /** Avro serdes backed by this environment's registry. */
    public AvroSerdes avroSerdes() {
        return avroSerdes;
    }

    /** The topic catalogue for {@code names}, with this environment's serdes. */
    public Topics topics(TopicNames names) {
        return Topics.of(names, avroSerdes);
    }

    /** Topic names no other call (in this JVM or run) returns; the topics are not created. */
    public TopicNames newTopicNames() {
        return TopicNames.withPrefix("t" + runId + "-" + topicSets.incrementAndGet() + ".");
    }

    /** Creates every topic of {@code names} with {@code partitions} partitions; returns names. */
    public TopicNames createTopics(TopicNames names, int partitions) {
        KafkaTestCluster.createTopics(admin, names.all(), partitions, Map.of());
        return names;
    }

    /** Creates one topic with {@code partitions} partitions. */
    public void createTopic(String name, int partitions) {
        KafkaTestCluster.createTopics(admin, List.of(name), partitions, Map.of());
    }

    /** An admin client owned by the environment (callers must not close it). */
    public Admin admin() {
        return admin;
    }

    /** Settings for a plain producer ({@code acks=all}, idempotent); add the serializers. */
    public Map<String, Object> producerProps() {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return props;
    }

    /**
     * Settings for a plain consumer in {@code groupId}: {@code read_committed}, from the earliest
     * offset, no auto-commit; add the deserializers.
     */
    public Map<String, Object> consumerProps(String groupId) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return props;
    }

    /**
     * A producer for {@code topic} with {@link #producerProps()} ({@code acks=all}, idempotent) and
     * the topic's serializers; the caller closes it, which leaves the topic's serdes usable.
     */
    public <K, V> KafkaProducer<K, V> producer(Topic<K, V> topic) {
        return producer(topic, Map.of());
    }

    /**
     * A producer for {@code topic} as {@link #producer(Topic)}, with {@code overrides} laid over
     * {@link #producerProps()} (e.g. another cluster's {@code bootstrap.servers}).
     */
    public <K, V> KafkaProducer<K, V> producer(Topic<K, V> topic, Map<String, ?> overrides) {
        Map<String, Object> props = producerProps();
        props.putAll(overrides);
        return new KafkaProducer<>(
                props,
                new KeptOpenSerializer<>(topic.keySerde().serializer()),
                new KeptOpenSerializer<>(topic.valueSerde().serializer()));
    }

    /**
     * A producer of raw bytes for any topic (e.g. to write what no serde would), with {@link
     * #producerProps()}; the caller closes it.
     */
    public KafkaProducer<byte[], byte[]> bytesProducer() {
        return new KafkaProducer<>(
                producerProps(), new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * A consumer of {@code topic} in a new group of its own, so it reads the topic from the start:
     * {@code read_committed}, from the earliest offset, no auto-commit, the topic's deserializers,
     * already subscribed. The caller closes it, which leaves the topic's serdes usable.
     */
    public <K, V> KafkaConsumer<K, V> consumer(Topic<K, V> topic) {
        return consumer(
                topic, topic.name() + "-reader-" + runId + "-" + consumerGroups.incrementAndGet());
    }

    /** A consumer of {@code topic} as {@link #consumer(Topic)}, in group {@code groupId}. */
    public <K, V> KafkaConsumer<K, V> consumer(Topic<K, V> topic, String groupId) {
        KafkaConsumer<K, V> consumer =
                new KafkaConsumer<>(
                        consumerProps(groupId),
                        new KeptOpenDeserializer<>(topic.keySerde().deserializer()),
                        new KeptOpenDeserializer<>(topic.valueSerde().deserializer()));
        consumer.subscribe(List.of(topic.name()));
        return consumer;
    }

    /** Stops the broker and the registry. */
    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
        closeQuietly(broker);
        registry.close();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.warn("error closing {}", closeable, e);
        }
    }

    /**
     * A topic's serializer lent to one client: a {@link Topic}'s serdes are shared by every client
     * built for it, so closing a client must not close them.
     */
    private record KeptOpenSerializer<T>(Serializer<T> delegate) implements Serializer<T> {

        @Override
        public byte[] serialize(String topic, T data) {
            return delegate.serialize(topic, data);
        }

        @Override
        public byte[] serialize(String topic, Headers headers, T data) {
            return delegate.serialize(topic, headers, data);
        }

        @Override
        public void close() {}
    }

    /** A topic's deserializer lent to one client (see {@link KeptOpenSerializer}). */
    private record KeptOpenDeserializer<T>(Deserializer<T> delegate) implements Deserializer<T> {

        @Override
        public T deserialize(String topic, byte[] data) {
            return delegate.deserialize(topic, data);
        }

        @Override
        public T deserialize(String topic, Headers headers, byte[] data) {
            return delegate.deserialize(topic, headers, data);
        }

        @Override
        public T deserialize(String topic, Headers headers, ByteBuffer data) {
            return delegate.deserialize(topic, headers, data);
        }

        @Override
        public void close() {}
    }
}
