package io.spanloop.answerer;

import io.spanloop.config.ConfigSources;
import io.spanloop.config.KafkaConnection;
import io.spanloop.config.ServiceConfigs;
import io.spanloop.qa.CpuFeatures;
import io.spanloop.qa.DeviceSpec;
import io.spanloop.qa.EngineSettings;
import io.spanloop.qa.Precision;
import io.spanloop.qa.QaModelOptions;
import io.spanloop.schemas.TopicNames;
import io.spanloop.schemas.TopicRole;
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

/**
 * The answerer's typed settings: defaults, then an optional properties file, then {@code
 * SPANLOOP_ANSWERER_*} environment variables. Any {@code streams.*} key is handed to Kafka Streams
 * as is (e.g. {@code streams.replication.factor}).
 */
public final class AnswererConfig extends AbstractConfig {

    public static final String ENV_PREFIX = "SPANLOOP_ANSWERER";
    public static final String STREAMS_PREFIX = "streams.";

    public static final String BOOTSTRAP_SERVERS = ServiceConfigs.BOOTSTRAP_SERVERS;
    public static final String REGISTRY_URL = ServiceConfigs.REGISTRY_URL;
    public static final String APPLICATION_ID = "application.id";
    public static final String STATE_DIR = "state.dir";
    public static final String STREAM_THREADS = "stream.threads";
    public static final String COMMIT_INTERVAL_MS = "commit.interval.ms";
    public static final String TOPIC_QUESTIONS = TopicRole.QUESTIONS.configKey();
    public static final String TOPIC_ANSWERS = TopicRole.ANSWERS.configKey();
    public static final String TOPIC_QUESTIONS_DLQ = TopicRole.QUESTIONS_DLQ.configKey();
    public static final String TOPIC_MODEL_VERSIONS = TopicRole.MODEL_VERSIONS.configKey();
    public static final String MODEL_DIR = "model.dir";
    public static final String MODEL_DEVICE = "model.device";
    public static final String MODEL_FOLLOW_VERSIONS = "model.follow.versions";
    public static final String MODEL_STORE = "model.store";
    public static final String MODEL_MAX_BYTES = "model.max.bytes";
    public static final String MODEL_PRECISION = "model.precision";
    public static final String MODEL_TOP_K = "model.top.k";
    public static final String MODEL_MAX_WINDOWS_PER_FORWARD = "model.max.windows.per.forward";
    public static final String ENGINE_INTRA_OP_THREADS = "engine.intra.op.threads";
    public static final String ENGINE_INTER_OP_THREADS = "engine.inter.op.threads";
    public static final String BATCH_MAX_SIZE = "batch.max.size";
    public static final String BATCH_MAX_WAIT_MS = "batch.max.wait.ms";
    public static final String MAX_CONTEXT_CHARS = "question.max.context.chars";
    public static final String MAX_QUESTION_CHARS = "question.max.question.chars";
    public static final String ANSWERS_TOKEN_SCORES = "answers.token.scores";

    public static final String METRICS_HOST = ServiceConfigs.METRICS_HOST;
    public static final String METRICS_PORT = ServiceConfigs.METRICS_PORT;

    /** Where the answerer serves its Prometheus metrics unless {@code metrics.port} says else. */
    public static final int DEFAULT_METRICS_PORT = 9401;

    public static final ConfigDef DEFINITION =
            ServiceConfigs.withConnections(
                            ServiceConfigs.topic(TopicRole.QUESTIONS, "Questions topic (input)."),
                            ServiceConfigs.topic(TopicRole.ANSWERS, "Answers topic (output)."),
                            ServiceConfigs.topic(
                                    TopicRole.QUESTIONS_DLQ,
                                    "Dead-letter topic: malformed questions with the reason in headers."),
                            ServiceConfigs.topic(
                                    TopicRole.MODEL_VERSIONS,
                                    "Model versions topic (followed for hot reload)."))
                    .define(
                            APPLICATION_ID,
                            Type.STRING,
                            "spanloop-answerer",
                            Importance.HIGH,
                            "Kafka Streams application id: consumer group, transactional id and"
                                    + " internal topic prefix. Instances with the same id share"
                                    + " the partitions of the questions topic.")
                    .define(
                            STATE_DIR,
                            Type.STRING,
                            "",
                            Importance.MEDIUM,
                            "Local state (the batch buffer's store); one per instance. Empty:"
                                    + " <java.io.tmpdir>/spanloop-answerer.")
                    .define(
                            STREAM_THREADS,
                            Type.INT,
                            1,
                            Range.atLeast(1),
                            Importance.MEDIUM,
                            "Stream threads; each has its own model predictor.")
                    .define(
                            COMMIT_INTERVAL_MS,
                            Type.LONG,
                            100L,
                            Range.atLeast(1),
                            Importance.MEDIUM,
                            "How often a transaction commits (answers become visible to"
                                    + " read_committed consumers).")
                    .define(
                            MODEL_DIR,
                            Type.STRING,
                            ConfigDef.NO_DEFAULT_VALUE,
                            new ConfigDef.NonEmptyString(),
                            Importance.HIGH,
                            "The model version directory to serve (<store>/<model-name>/<version>,"
                                    + " with model.pt, tokenizer.json, config.json).")
                    .define(
                            MODEL_FOLLOW_VERSIONS,
                            Type.BOOLEAN,
                            true,
                            Importance.MEDIUM,
                            "Follow the model versions topic: serve the newest PUBLISHED version"
                                    + " of this model on start and hot-reload each newer one.")
                    .define(
                            MODEL_STORE,
                            Type.STRING,
                            "",
                            Importance.MEDIUM,
                            "The model store the versions of model-version events must lie in"
                                    + " (<store>/<model-name>/<version>, links resolved): a"
                                    + " TorchScript file is code, so nothing is loaded from"
                                    + " elsewhere. Empty: the directory two levels above"
                                    + " model.dir.")
                    .define(
                            MODEL_MAX_BYTES,
                            Type.LONG,
                            2L << 30,
                            Range.atLeast(1),
                            Importance.LOW,
                            "A published version whose model.pt is larger (in bytes) is refused;"
                                    + " 2 GiB holds a BERT-large in fp32.")
                    .define(
                            MODEL_DEVICE,
                            Type.STRING,
                            "auto",
                            ServiceConfigs.validatedBy(DeviceSpec::parse),
                            Importance.MEDIUM,
                            DeviceSpec.CHOICES)
                    .define(
                            MODEL_PRECISION,
                            Type.STRING,
                            "fp32",
                            ServiceConfigs.validatedBy(Precision::parse),
                            Importance.LOW,
                            Precision.CHOICES)
                    .define(
                            MODEL_TOP_K,
                            Type.INT,
                            5,
                            Range.between(1, 100),
                            Importance.LOW,
                            "Candidate spans reported with each answer.")
                    .define(
                            MODEL_MAX_WINDOWS_PER_FORWARD,
                            Type.INT,
                            64,
                            Range.atLeast(1),
                            Importance.LOW,
                            "Most windows in one forward pass (a batch with more is split).")
                    .define(
                            ENGINE_INTRA_OP_THREADS,
                            Type.INT,
                            0,
                            Range.atLeast(0),
                            Importance.LOW,
                            "PyTorch intra-op threads per stream thread (0 = auto: the cores"
                                    + " divided among the stream threads, at least 1, so that"
                                    + " parallel model calls never oversubscribe the cores).")
                    .define(
                            ENGINE_INTER_OP_THREADS,
                            Type.INT,
                            0,
                            Range.atLeast(0),
                            Importance.LOW,
                            "PyTorch inter-op threads (0 = PyTorch's default).")
                    .define(
                            BATCH_MAX_SIZE,
                            Type.INT,
                            16,
                            Range.between(1, 4096),
                            Importance.MEDIUM,
                            "Most questions answered in one model call.")
                    .define(
                            BATCH_MAX_WAIT_MS,
                            Type.LONG,
                            20L,
                            Range.atLeast(1),
                            Importance.MEDIUM,
                            "A partial batch is answered after at most about this long.")
                    .define(
                            MAX_CONTEXT_CHARS,
                            Type.INT,
                            100_000,
                            Range.atLeast(1),
                            Importance.MEDIUM,
                            "Longer contexts go to the dead-letter topic.")
                    .define(
                            MAX_QUESTION_CHARS,
                            Type.INT,
                            2_000,
                            Range.atLeast(1),
                            Importance.MEDIUM,
                            "Longer questions go to the dead-letter topic.")
                    .define(
                            ANSWERS_TOKEN_SCORES,
                            Type.BOOLEAN,
                            false,
                            Importance.LOW,
                            "Each answer carries tokenScores: every context token's start and end"
                                    + " probability (about 8 bytes a token, at most 4096 tokens),"
                                    + " which the labeler shows as a heat map. Off: the field is"
                                    + " null and nothing is computed.")
                    .define(ServiceConfigs.metricsHost())
                    .define(ServiceConfigs.metricsPort(DEFAULT_METRICS_PORT));

    public AnswererConfig(Map<String, ?> values) {
        super(DEFINITION, values, false);
    }

    /** Defaults, then the file (may be null), then {@code SPANLOOP_ANSWERER_*} variables. */
    public static AnswererConfig load(Path file, Map<String, String> env) {
        return new AnswererConfig(
                ConfigSources.load(
                        DEFINITION,
                        ENV_PREFIX,
                        List.of(STREAMS_PREFIX, KafkaConnection.PREFIX),
                        file,
                        env));
    }

    public TopicNames topicNames() {
        return ServiceConfigs.topicNames(this);
    }

    public Path modelDir() {
        return Path.of(getString(MODEL_DIR));
    }

    /** Where the answerer's clients connect, with its {@code kafka.*} client settings. */
    public KafkaConnection kafka() {
        return KafkaConnection.from(this);
    }

    /** The model store: {@code model.store}, or the directory two levels above the model's. */
    public Path modelStore() {
        String store = getString(MODEL_STORE);
        if (!store.isBlank()) {
            return Path.of(store);
        }
        Path dir = modelDir().toAbsolutePath().normalize();
        Path parent = dir.getParent() == null ? null : dir.getParent().getParent();
        return parent == null ? dir : parent;
    }

    /** The state directory ({@code <java.io.tmpdir>/spanloop-answerer} when unset). */
    public String stateDir() {
        return ServiceConfigs.stateDir(getString(STATE_DIR), "spanloop-answerer");
    }

    /**
     * How the model is loaded and run.
     *
     * @throws ConfigException when {@value #MODEL_PRECISION} asks for bf16 on a GPU, or on a CPU
     *     without bfloat16 instructions
     */
    public QaModelOptions modelOptions() {
        DeviceSpec device = DeviceSpec.parse(getString(MODEL_DEVICE));
        Precision precision = Precision.parse(getString(MODEL_PRECISION));
        if (precision == Precision.BF16) {
            try {
                if (device.spec().startsWith("gpu")) {
                    throw new IllegalArgumentException(
                            "bf16 is a CPU mode; " + MODEL_DEVICE + " is " + device);
                }
                precision.requireSupportedBy(CpuFeatures.current());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(MODEL_PRECISION, precision.toString(), e.getMessage());
            }
        }
        return new QaModelOptions(
                device,
                getInt(MODEL_TOP_K),
                getInt(MODEL_MAX_WINDOWS_PER_FORWARD),
                getBoolean(ANSWERS_TOKEN_SCORES),
                precision);
    }

    public EngineSettings engineSettings() {
        int intraOp = getInt(ENGINE_INTRA_OP_THREADS);
        return new EngineSettings(
                intraOp > 0 ? intraOp : autoIntraOpThreads(getInt(STREAM_THREADS)),
                getInt(ENGINE_INTER_OP_THREADS));
    }

    /**
     * Intra-op threads when {@value #ENGINE_INTRA_OP_THREADS} is 0: the cores shared among the
     * stream threads (each runs its own model calls), at least 1. PyTorch's own default, one per
     * core for every calling thread, would run stream threads x cores compute threads.
     */
    public static int autoIntraOpThreads(int streamThreads) {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / streamThreads);
    }

    public BatchSettings batchSettings() {
        return new BatchSettings(
                getInt(BATCH_MAX_SIZE),
                Duration.ofMillis(getLong(BATCH_MAX_WAIT_MS)),
                getInt(MAX_QUESTION_CHARS),
                getInt(MAX_CONTEXT_CHARS));
    }

    /** The {@code streams.*} pass-through settings, prefix removed. */
    public Map<String, Object> streamsOverrides() {
        return ConfigSources.withPrefix(originals(), STREAMS_PREFIX);
    }
}
