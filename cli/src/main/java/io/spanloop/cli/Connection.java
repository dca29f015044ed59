package io.spanloop.cli;

import io.spanloop.schemas.AvroSerdes;
import io.spanloop.schemas.TopicNames;
import io.spanloop.schemas.TopicScan;
import io.spanloop.schemas.Topics;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Where the system runs: Kafka's bootstrap servers and the schema registry's Apicurio v3 API. Each
 * comes from its flag, else its environment variable, else the local run's address; Kafka client
 * settings for a secured cluster ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}) come
 * from a properties file, as Kafka's own tools take them.
 *
 * @param bootstrapServers Kafka's {@code bootstrap.servers}
 * @param registryUrl the registry's {@code /apis/registry/v3} URL
 * @param clientSettings what every Kafka client of the command gets ({@code --client-config})
 * @param registryUser the registry's basic-auth user ({@code $SPANLOOP_REGISTRY_USERNAME}), or ""
 * @param registryPassword its password ({@code $SPANLOOP_REGISTRY_PASSWORD})
 */
record Connection(
        String bootstrapServers,
        String registryUrl,
        Map<String, Object> clientSettings,
        String registryUser,
        String registryPassword) {

    Connection(String bootstrapServers, String registryUrl) {
        this(bootstrapServers, registryUrl, Map.of(), "", "");
    }

    Connection {
        clientSettings = Map.copyOf(clientSettings);
    }

    /** Names the client settings, never their values (a JAAS line holds a password). */
    @Override
    public String toString() {
        return "Connection["
                + bootstrapServers
                + ", "
                + registryUrl
                + ", client settings "
                + clientSettings.keySet()
                + (registryUser.isEmpty() ? "" : ", registry user " + registryUser)
                + "]";
    }

    static final String BOOTSTRAP_OPTION = "--bootstrap-servers";
    static final String REGISTRY_OPTION = "--registry-url";
    static final String CLIENT_CONFIG_OPTION = "--client-config";
    static final String CLIENT_CONFIG_ENV = "SPANLOOP_CLIENT_CONFIG";
    static final String BOOTSTRAP_ENV = "SPANLOOP_BOOTSTRAP_SERVERS";
    static final String REGISTRY_ENV = "SPANLOOP_REGISTRY_URL";
    static final String REGISTRY_USER_ENV = "SPANLOOP_REGISTRY_USERNAME";
    static final String REGISTRY_PASSWORD_ENV = "SPANLOOP_REGISTRY_PASSWORD";
    static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";
    static final String DEFAULT_REGISTRY = "http://127.0.0.1:8081/apis/registry/v3";

    /** The options every command takes. */
    static final Set<String> OPTIONS =
            Set.of(BOOTSTRAP_OPTION, REGISTRY_OPTION, CLIENT_CONFIG_OPTION);

    /** How long to wait for Kafka's metadata before calling it unreachable. */
    static final Duration METADATA_TIMEOUT = Duration.ofSeconds(15);

    /** The connection options' lines in a command's help. */
    static final String HELP =
            """
              --bootstrap-servers HOST:PORT[,...]  Kafka (default: $SPANLOOP_BOOTSTRAP_SERVERS,
                                    else 127.0.0.1:9092)
              --registry-url URL    schema registry, Apicurio v3 API (default:
                                    $SPANLOOP_REGISTRY_URL, else
                                    http://127.0.0.1:8081/apis/registry/v3)
              --client-config FILE  Kafka client properties for a secured cluster
                                    (security.protocol, sasl.*, ssl.*; default:
                                    $SPANLOOP_CLIENT_CONFIG, else none)
                                    (a registry behind basic auth: set
                                    $SPANLOOP_REGISTRY_USERNAME and
                                    $SPANLOOP_REGISTRY_PASSWORD)
              -h, --help            this help
            """;

    /** Flag, else environment, else the local run's default. */
    static Connection resolve(CommandLine line, Map<String, String> env) {
        String bootstrap = pick(line, BOOTSTRAP_OPTION, env, BOOTSTRAP_ENV, DEFAULT_BOOTSTRAP);
        String registry = pick(line, REGISTRY_OPTION, env, REGISTRY_ENV, DEFAULT_REGISTRY);
        if (!registry.startsWith("http://") && !registry.startsWith("https://")) {
            throw new UsageException("the registry URL must start with http:// or https://");
        }
        String clientConfig = pick(line, CLIENT_CONFIG_OPTION, env, CLIENT_CONFIG_ENV, null);
        return new Connection(
                bootstrap,
                registry,
                clientConfig == null ? Map.of() : readClientConfig(Path.of(clientConfig)),
                env.getOrDefault(REGISTRY_USER_ENV, "").trim(),
                env.getOrDefault(REGISTRY_PASSWORD_ENV, ""));
    }

    private static Map<String, Object> readClientConfig(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UsageException(
                    CLIENT_CONFIG_OPTION + " " + file + ": cannot be read (" + e + ")");
        }
        Map<String, Object> settings = new HashMap<>();
        properties.stringPropertyNames().forEach(k -> settings.put(k, properties.getProperty(k)));
        return settings;
    }

    private static String pick(
            CommandLine line, String option, Map<String, String> env, String var, String def) {
        String value = line.value(option).orElse(null);
        String source = option;
        if (value == null) {
            value = env.get(var);
            source = "$" + var;
        }
        if (value == null) {
            return def;
        }
        if (value.isBlank()) {
            throw new UsageException(source + " is empty");
        }
        return value.trim();
    }

    /** The system's topics with serdes backed by this registry. */
    Topics topics(TopicNames names) {
        return Topics.of(names, serdes());
    }

    /** The serdes of this registry, with its basic-auth credentials when set. */
    AvroSerdes serdes() {
        return AvroSerdes.forRegistry(registryUrl, registryUser, registryPassword);
    }

    /** Producer settings: {@code acks=all}, idempotent, failing fast when Kafka is unreachable. */
    Map<String, Object> producerProps(String clientId) {
        Map<String, Object> props = new HashMap<>(clientSettings);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, METADATA_TIMEOUT.toMillis());
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        return props;
    }

    /**
     * Consumer settings for reading without a consumer group ({@code assign}, no commits): {@code
     * read_committed}, and no topic is created by asking for it.
     */
    Map<String, Object> consumerProps(String clientId) {
        Map<String, Object> props = new HashMap<>(clientSettings);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return props;
    }

    /**
     * Every partition of {@code topic}.
     *
     * @throws CommandFailedException when Kafka does not answer or the topic does not exist
     */
    List<TopicPartition> partitions(Consumer<?, ?> consumer, String topic) {
        List<TopicPartition> partitions;
        try {
            partitions = TopicScan.partitions(consumer, topic, METADATA_TIMEOUT);
        } catch (KafkaException e) {
            throw unreachable(e);
        }
        if (partitions.isEmpty()) {
            throw new CommandFailedException(
                    "topic "
                            + topic
                            + " does not exist on "
                            + bootstrapServers
                            + "; is spanloop running? (`./spanloop demo` creates the topics)");
        }
        return partitions;
    }

    /** Checks that every topic of {@code topics} exists (see {@link #partitions}). */
    void requireTopics(List<String> topics) {
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        consumerProps("spanloop-cli-check"),
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
            for (String topic : topics) {
                partitions(consumer, topic);
            }
        }
    }

    /** The failure to report when Kafka did not answer in time. */
    CommandFailedException unreachable(Exception cause) {
        return new CommandFailedException(
                "cannot reach Kafka at "
                        + bootstrapServers
                        + " within "
                        + METADATA_TIMEOUT.toSeconds()
                        + " s ("
                        + cause.getMessage()
                        + ")",
                cause);
    }
}
