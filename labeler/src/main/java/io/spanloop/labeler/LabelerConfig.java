package io.spanloop.labeler;

import io.spanloop.config.ConfigSources;
import io.spanloop.config.KafkaConnection;
import io.spanloop.config.ServiceConfigs;
import io.spanloop.schemas.TopicNames;
import io.spanloop.schemas.TopicRole;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The labeler's typed settings: defaults, then an optional properties file, then {@code
 * SPANLOOP_LABELER_*} environment variables; {@code streams.*} keys go to Kafka Streams and {@code
 * producer.*} keys to the corrections producer.
 */
public final class LabelerConfig extends AbstractConfig {

    public static final String ENV_PREFIX = "SPANLOOP_LABELER";

    public static final String BOOTSTRAP_SERVERS = ServiceConfigs.BOOTSTRAP_SERVERS;
    public static final String REGISTRY_URL = ServiceConfigs.REGISTRY_URL;
    public static final String APPLICATION_ID = "application.id";
    public static final String STATE_DIR = "state.dir";
    public static final String HTTP_HOST = "http.host";
    public static final String HTTP_PORT = "http.port";
    public static final String HTTP_MAX_BODY_BYTES = "http.max.body.bytes";
    public static final String TOPIC_ANSWERS = TopicRole.ANSWERS.configKey();
    public static final String TOPIC_FEEDBACK = TopicRole.FEEDBACK.configKey();
    public static final String TOPIC_MODEL_VERSIONS = TopicRole.MODEL_VERSIONS.configKey();
    public static final String ANNOTATORS = "annotators";
    public static final String ANNOTATORS_FILE = "annotators.file";
    public static final String ADMINS = "admins";
    public static final String TOPIC_TRAINING_PROGRESS = TopicRole.TRAINING_PROGRESS.configKey();
    public static final String MODELS_WRITE_TIMEOUT_MS = "models.write.timeout.ms";
    public static final String QUEUE_ORDER = "queue.order";
    public static final String PRODUCE_TIMEOUT_MS = "produce.timeout.ms";
    public static final String METRICS_HOST = ServiceConfigs.METRICS_HOST;
    public static final String METRICS_PORT = ServiceConfigs.METRICS_PORT;

    /** Where the labeler serves its Prometheus metrics unless {@code metrics.port} says else. */
    public static final int DEFAULT_METRICS_PORT = 9402;

    public static final ConfigDef DEFINITION =
            ServiceConfigs.withConnections(
                            ServiceConfigs.topic(
                                    TopicRole.ANSWERS, "Answers topic (the review queue's input)."),
                            ServiceConfigs.topic(
                                    TopicRole.FEEDBACK,
                                    "Feedback topic (corrections; needs as many partitions as the answers topic)."),
                            ServiceConfigs.topic(
                                    TopicRole.MODEL_VERSIONS,
                                    "Model versions topic: the last training's metrics, and every"
                                            + " version on the Models page; admins' promote, pin"
                                            + " and unpin events are written to it."),
                            ServiceConfigs.topic(
                                    TopicRole.TRAINING_PROGRESS,
                                    "The retrainer's progress reports (the live training on the"
                                            + " Models page)."))
                    .define(
                            APPLICATION_ID,
                            Type.STRING,
                            "spanloop-labeler",
                            Importance.HIGH,
                            "Kafka Streams application id of the review queue.")
                    .define(
                            STATE_DIR,
                            Type.STRING,
                            "",
                            Importance.MEDIUM,
                            "Local state of the review queue. Empty:"
                                    + " <java.io.tmpdir>/spanloop-labeler.")
                    .define(
                            HTTP_HOST,
                            Type.STRING,
                            "127.0.0.1",
                            Importance.HIGH,
                            "Interface the web server binds to.")
                    .define(
                            HTTP_PORT,
                            Type.INT,
                            8080,
                            Range.between(0, 65535),
                            Importance.HIGH,
                            "Web server port (0 = any free port).")
                    .define(
                            HTTP_MAX_BODY_BYTES,
                            Type.INT,
                            65_536,
                            Range.atLeast(1024),
                            Importance.LOW,
                            "Larger request bodies are refused with 413.")
                    .define(
                            ANNOTATORS,
                            Type.PASSWORD,
                            "",
                            Importance.HIGH,
                            "Who may review: comma-separated name:token pairs. Empty: nobody"
                                    + " can write. Sessions last 12 hours and end with a restart,"
                                    + " so a new list revokes every old token and session.")
                    .define(
                            ANNOTATORS_FILE,
                            Type.STRING,
                            "",
                            Importance.HIGH,
                            "A file of name:token pairs instead of annotators (one per line or"
                                    + " comma-separated; lines starting with # are comments),"
                                    + " so tokens need not sit in the environment.")
                    .define(
                            ADMINS,
                            Type.LIST,
                            "",
                            Importance.HIGH,
                            "Annotators (by name) who may promote, pin and unpin model versions"
                                    + " on the Models page; each must be in annotators or"
                                    + " annotators.file. Empty: nobody (everyone sees the page"
                                    + " read-only).")
                    .define(
                            QUEUE_ORDER,
                            Type.STRING,
                            "score",
                            ConfigDef.ValidString.in("score", "margin"),
                            Importance.MEDIUM,
                            "Most uncertain first by: score (lowest best-span probability) or"
                                    + " margin (smallest gap between the top two candidates).")
                    .define(
                            PRODUCE_TIMEOUT_MS,
                            Type.LONG,
                            10_000L,
                            Range.between(2_000L, 300_000L),
                            Importance.MEDIUM,
                            "How long a correction may wait for Kafka's acknowledgement before"
                                    + " the person gets a 503 (the correction is then not"
                                    + " confirmed).")
                    .define(
                            MODELS_WRITE_TIMEOUT_MS,
                            Type.LONG,
                            10_000L,
                            Range.between(2_000L, 300_000L),
                            Importance.LOW,
                            "How long a promote, pin or unpin may wait for the model versions"
                                    + " topic (read to its end, then Kafka's acknowledgement of"
                                    + " the event) before the admin gets a 503.")
                    .define(ServiceConfigs.metricsHost())
                    .define(ServiceConfigs.metricsPort(DEFAULT_METRICS_PORT));

    public LabelerConfig(Map<String, ?> values) {
        super(DEFINITION, values, false);
    }

    /** Defaults, then the file (may be null), then {@code SPANLOOP_LABELER_*} variables. */
    public static LabelerConfig load(Path file, Map<String, String> env) {
        return new LabelerConfig(
                ConfigSources.load(
                        DEFINITION,
                        ENV_PREFIX,
                        List.of("streams.", "producer.", KafkaConnection.PREFIX),
                        file,
                        env));
    }

    /** Where the labeler's clients connect, with its {@code kafka.*} client settings. */
    public KafkaConnection kafka() {
        return KafkaConnection.from(this);
    }

    public String stateDir() {
        return ServiceConfigs.stateDir(getString(STATE_DIR), "spanloop-labeler");
    }

    public TopicNames topicNames() {
        return ServiceConfigs.topicNames(this);
    }

    /**
     * The annotators of {@code annotators} or of {@code annotators.file} (not both), the ones named
     * in {@code admins} their admins.
     */
    public Annotators annotators() {
        return reviewers().withAdmins(getList(ADMINS));
    }

    public Duration modelsWriteTimeout() {
        return Duration.ofMillis(getLong(MODELS_WRITE_TIMEOUT_MS));
    }

    private Annotators reviewers() {
        Password value = getPassword(ANNOTATORS);
        String inline = value == null ? "" : value.value();
        String file = getString(ANNOTATORS_FILE);
        if (file.isBlank()) {
            return Annotators.parse(inline);
        }
        if (!inline.isBlank()) {
            throw new ConfigException(
                    ANNOTATORS_FILE,
                    file,
                    "set " + ANNOTATORS + " or " + ANNOTATORS_FILE + ", not both");
        }
        try {
            StringBuilder pairs = new StringBuilder();
            for (String line : Files.readAllLines(Path.of(file), StandardCharsets.UTF_8)) {
                if (!line.strip().startsWith("#")) {
                    pairs.append(line).append(',');
                }
            }
            return Annotators.parse(pairs.toString());
        } catch (IOException e) {
            throw new ConfigException(ANNOTATORS_FILE, file, "cannot be read: " + e.getMessage());
        }
    }

    public QueueOrder queueOrder() {
        return QueueOrder.valueOf(getString(QUEUE_ORDER).toUpperCase(java.util.Locale.ROOT));
    }

    public Duration produceTimeout() {
        return Duration.ofMillis(getLong(PRODUCE_TIMEOUT_MS));
    }

    public Map<String, Object> streamsOverrides() {
        return ConfigSources.withPrefix(originals(), "streams.");
    }

    public Map<String, Object> producerOverrides() {
        return ConfigSources.withPrefix(originals(), "producer.");
    }
}
