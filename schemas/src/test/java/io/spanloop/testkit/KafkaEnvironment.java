package io.spanloop.testkit;

import io.spanloop.schemas.AvroSerdes;
import io.spanloop.schemas.TopicNames;
import io.spanloop.schemas.Topics;
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
import org.apache.kafka.clients.producer.ProducerConfig;
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

    /** Starts the broker (backend per {@value #BACKEND_PROPERTY}) and the registry side by side. */
    static KafkaEnvironment start() {
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
}
