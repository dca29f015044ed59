package io.spanloop.config;

import io.spanloop.metrics.MetricsSettings;
import io.spanloop.schemas.AvroSerdes;
import io.spanloop.schemas.TopicNames;
import io.spanloop.schemas.TopicRole;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * What every spanloop service's settings share: where Kafka and the registry are, the topics it
 * uses, where it serves its metrics, its local state directory, and the properties file it reads.
 */
public final class ServiceConfigs {

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String REGISTRY_URL = "registry.url";
    public static final String REGISTRY_USERNAME = "registry.username";
    public static final String REGISTRY_PASSWORD = "registry.password";
    public static final String METRICS_HOST = "metrics.host";
    public static final String METRICS_PORT = "metrics.port";

    private ServiceConfigs() {}

    /**
     * A topic a service uses: the setting {@link TopicRole#configKey()} names it, its standard name
     * is the default, and {@code doc} says what the service does with it.
     */
    public record TopicSetting(TopicRole role, String doc) {}

    /** The setting of the topic of {@code role}, documented as {@code doc}. */
    public static TopicSetting topic(TopicRole role, String doc) {
        return new TopicSetting(role, doc);
    }

    /**
     * A definition that starts with {@code bootstrap.servers} and {@code registry.url}, then the
     * setting of each topic the service uses.
     */
    public static ConfigDef withConnections(TopicSetting... topics) {
        ConfigDef definition = connections();
        for (TopicSetting topic : topics) {
            definition.define(
                    topic.role().configKey(),
                    Type.STRING,
                    topic.role().defaultName(),
                    Importance.HIGH,
                    topic.doc());
        }
        return definition;
    }

    private static ConfigDef connections() {
        return new ConfigDef()
                .define(
                        BOOTSTRAP_SERVERS,
                        Type.STRING,
                        "127.0.0.1:9092",
                        Importance.HIGH,
                        "Kafka brokers to connect to.")
                .define(
                        REGISTRY_URL,
                        Type.STRING,
                        "http://127.0.0.1:8081/apis/registry/v3",
                        Importance.HIGH,
                        "Schema registry (Apicurio v3 API) for the Avro serdes.")
                .define(
                        REGISTRY_USERNAME,
                        Type.STRING,
                        "",
                        Importance.MEDIUM,
                        "User for a registry behind HTTP basic auth (empty: none).")
                .define(
                        REGISTRY_PASSWORD,
                        Type.PASSWORD,
                        "",
                        Importance.MEDIUM,
                        "Password of registry.username.");
    }

    /**
     * {@code metrics.host}: the interface a service's Prometheus metrics endpoint binds to, the
     * loopback one unless set.
     */
    public static ConfigKey metricsHost() {
        return metricsKeys(0).get(METRICS_HOST);
    }

    /**
     * {@code metrics.port}: the port of a service's metrics endpoint, {@code defaultPort} unless
     * set.
     */
    public static ConfigKey metricsPort(int defaultPort) {
        return metricsKeys(defaultPort).get(METRICS_PORT);
    }

    private static Map<String, ConfigKey> metricsKeys(int defaultPort) {
        return new ConfigDef()
                .define(
                        METRICS_HOST,
                        Type.STRING,
                        "127.0.0.1",
                        new ConfigDef.NonEmptyString(),
                        Importance.MEDIUM,
                        "Interface the Prometheus metrics endpoint (/metrics) binds to; 0.0.0.0"
                                + " lets other hosts scrape it.")
                .define(
                        METRICS_PORT,
                        Type.INT,
                        defaultPort,
                        Range.between(MetricsSettings.OFF_PORT, 65_535),
                        Importance.MEDIUM,
                        "Port of the Prometheus metrics endpoint (0 = a free port, -1 = no"
                                + " endpoint).")
                .configKeys();
    }

    /** The Avro serdes of a service's registry, with its basic-auth credentials when set. */
    public static AvroSerdes avroSerdes(AbstractConfig config) {
        Password password = config.getPassword(REGISTRY_PASSWORD);
        return AvroSerdes.forRegistry(
                config.getString(REGISTRY_URL),
                config.getString(REGISTRY_USERNAME),
                password == null ? "" : password.value());
    }

    /**
     * The topic names a service's config gives: each topic its definition names is read from the
     * config, every other topic keeps its standard name.
     */
    public static TopicNames topicNames(AbstractConfig config) {
        TopicNames names = TopicNames.DEFAULT;
        for (TopicRole role : TopicRole.values()) {
            if (config.values().containsKey(role.configKey())) {
                names = names.with(role, config.getString(role.configKey()));
            }
        }
        return names;
    }

    /** The settings that make a service of {@code definition} use the topics of {@code names}. */
    public static Map<String, Object> topicSettings(ConfigDef definition, TopicNames names) {
        Map<String, Object> settings = new LinkedHashMap<>();
        for (TopicRole role : TopicRole.values()) {
            if (definition.names().contains(role.configKey())) {
                settings.put(role.configKey(), names.name(role));
            }
        }
        return settings;
    }

    /** {@code configured}, or {@code <java.io.tmpdir>/<serviceName>} when it is blank. */
    public static String stateDir(String configured, String serviceName) {
        return configured == null || configured.isBlank()
                ? Path.of(System.getProperty("java.io.tmpdir"), serviceName).toString()
                : configured;
    }

    /**
     * A validator that accepts what {@code parser} accepts; its {@code IllegalArgumentException}
     * becomes the {@link ConfigException} that names the setting.
     */
    public static ConfigDef.Validator validatedBy(Function<String, ?> parser) {
        return (name, value) -> {
            try {
                parser.apply(String.valueOf(value));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        };
    }

    /**
     * The properties file a service reads: {@code --config FILE}, else the {@code
     * <ENV_PREFIX>_CONFIG} variable, else none.
     */
    public static Path configFile(String[] args, String envPrefix) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--config")) {
                return Path.of(args[i + 1]);
            }
        }
        String fromEnv = System.getenv(envPrefix + "_CONFIG");
        return fromEnv == null || fromEnv.isBlank() ? null : Path.of(fromEnv);
    }
}
