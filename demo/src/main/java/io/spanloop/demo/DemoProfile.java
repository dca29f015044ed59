package io.spanloop.demo;

import io.spanloop.answerer.AnswererConfig;
import io.spanloop.config.ConfigSources;
import io.spanloop.demo.clients.DemoClients;
import io.spanloop.demo.domain.DemoSeed;
import io.spanloop.labeler.LabelerConfig;
import io.spanloop.local.ServiceSpec;
import io.spanloop.local.StackSettings;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.ModelStore;
import io.spanloop.retrainer.RetrainerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's services for the local run: the answerer, the labeler and the retrainer on the local
 * model store ({@code <data>/models}, the demo model installed as version 1), with the demo's
 * training policy.
 */
public final class DemoProfile {

    /**
     * The retrainer's settings for the tiny base: it trains often (a small model on 2 cores takes
     * seconds), on every label so far, plus twenty times as many examples of the known facts per
     * new label from a seed file, with the high learning rate and many epochs a model that small
     * needs. Measured (README, "What keeps the known facts"): with 6x the tiny model forgot 8–14 EM
     * points of the known facts while it learned; 20x kept them within 1.3 points of version 1 and
     * learned faster. Any {@code SPANLOOP_RETRAINER_*} variable set by the user wins.
     */
    public static final Map<String, Object> TINY_TRAINING = training(10, 1e-3, 20.0);

    /**
     * The retrainer's settings for a pretrained base: as often, on every label so far plus three
     * times as many seed examples of the known facts as new labels, 2 epochs at the usual
     * fine-tuning rate. Measured on all-MiniLM-L6-v2 (README, "What keeps the known facts"): 3x
     * never lets the known facts below version 1, so the gate rejects fewer candidates and the demo
     * reaches its target with 180 labels instead of 1x's 300.
     */
    public static final Map<String, Object> PRETRAINED_TRAINING = training(2, 5e-5, 3.0);

    /**
     * A training after 60 new corrections (or a minute with at least one), in batches of 16, on
     * every label so far plus {@code replayRatio} seed examples per new label.
     */
    private static Map<String, Object> training(
            int epochs, double learningRate, double replayRatio) {
        return Map.of(
                RetrainerConfig.TRIGGER_MIN_LABELS,
                60,
                RetrainerConfig.TRIGGER_INTERVAL_MS,
                60_000L,
                RetrainerConfig.TRAIN_EPOCHS,
                epochs,
                RetrainerConfig.TRAIN_BATCH_SIZE,
                16,
                RetrainerConfig.TRAIN_LEARNING_RATE,
                learningRate,
                RetrainerConfig.TRAIN_REPLAY_ALL_LABELS,
                true,
                RetrainerConfig.TRAIN_REPLAY_RATIO,
                replayRatio);
    }

    /** The time trigger while the annotator works in lockstep: longer than any demo. */
    private static final Duration LOCKSTEP_INTERVAL = Duration.ofHours(1);

    private static final Duration LABELER_START = Duration.ofSeconds(90);
    private static final Duration RETRAINER_START = Duration.ofSeconds(120);

    /** What the retrainer logs once it watches for labels. */
    private static final String RETRAINER_READY = "Retrainer for";

    private final DemoOptions options;
    private final ModelDirectory base;
    private final Map<String, Object> training;

    private DemoProfile(DemoOptions options, ModelDirectory base) {
        this.options = options;
        this.base = base;
        Map<String, Object> policy =
                new HashMap<>(options.base().pretrained() ? PRETRAINED_TRAINING : TINY_TRAINING);
        if (options.autoLabel().enabled() && options.autoLabel().lockstep()) {
            // the annotator delivers exactly one training's labels at a time: a timed training
            // in between would cut a batch short and make runs differ
            policy.put(RetrainerConfig.TRIGGER_INTERVAL_MS, LOCKSTEP_INTERVAL.toMillis());
        }
        this.training = Map.copyOf(policy);
    }

    /**
     * The profile of {@code options}, with its version 1 ready: a given or tiny base is checked to
     * be a version directory, the MiniLM base is built the first time.
     */
    public static DemoProfile of(DemoOptions options) {
        return new DemoProfile(options, options.base().prepare(options.stack().dataDir()));
    }

    /** The name of the model the stack serves and retrains (from the demo model's config). */
    public String modelName() {
        return base.modelName();
    }

    /** The model store shared by the answerer and the retrainer. */
    public Path modelStore() {
        return options.stack().dataDir().resolve("models").toAbsolutePath();
    }

    /** When the retrainer trains, in words. */
    public String triggers() {
        long interval = ((Number) training.get(RetrainerConfig.TRIGGER_INTERVAL_MS)).longValue();
        return minLabels()
                + " corrections"
                + (interval < LOCKSTEP_INTERVAL.toMillis()
                        ? " (or "
                                + Duration.ofMillis(interval).toSeconds()
                                + " s with at least one)"
                        : "");
    }

    /** Corrections that make the retrainer train. */
    public int minLabels() {
        return (Integer) training.get(RetrainerConfig.TRIGGER_MIN_LABELS);
    }

    /**
     * Installs the demo model as version 1 (once) and writes the seed file, then returns the
     * services in the order they start.
     */
    public List<ServiceSpec> services() {
        Path version = installModel();
        return List.of(answerer(version), labeler(), retrainer(version));
    }

    private Path installModel() {
        ModelStore store = new ModelStore(modelStore());
        Path version = store.versionPath(modelName(), 1);
        if (Files.isDirectory(version)) {
            return version;
        }
        try {
            return store.install(base, modelName(), 1).path();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install the demo model: " + e.getMessage(), e);
        }
    }

    private ServiceSpec answerer(Path model) {
        StackSettings stack = options.stack();
        Map<String, Object> settings = new HashMap<>();
        settings.put(AnswererConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers());
        settings.put(AnswererConfig.REGISTRY_URL, stack.registryUrl());
        settings.put(AnswererConfig.MODEL_DIR, model);
        settings.put(AnswererConfig.STATE_DIR, stateDir("answerer"));
        settings.put(AnswererConfig.MODEL_DEVICE, "cpu");
        // leaves the other core(s) to the retrainer, which trains while questions are answered
        settings.put(AnswererConfig.ENGINE_INTRA_OP_THREADS, 1);
        // the labeler shows why the model chose each span (short contexts: a few hundred bytes)
        settings.put(AnswererConfig.ANSWERS_TOKEN_SCORES, true);
        int metrics = options.metricsPorts().answerer();
        settings.put(AnswererConfig.METRICS_PORT, metrics);
        return metricsPort(
                        ServiceSpec.builder("answerer", "io.spanloop.answerer.AnswererMain")
                                .describedAs("the answerer with " + model)
                                .settings(AnswererConfig.ENV_PREFIX, settings)
                                .heap("1g"),
                        metrics)
                .build();
    }

    private ServiceSpec labeler() {
        StackSettings stack = options.stack();
        Map<String, Object> settings = new HashMap<>();
        settings.put(LabelerConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers());
        settings.put(LabelerConfig.REGISTRY_URL, stack.registryUrl());
        settings.put(LabelerConfig.STATE_DIR, stateDir("labeler"));
        settings.put(LabelerConfig.HTTP_PORT, options.labelerPort());
        settings.put(LabelerConfig.ANNOTATORS, options.annotator());
        // the demo's one annotator may also promote, pin and unpin on the Models page
        settings.put(LabelerConfig.ADMINS, options.annotatorName());
        int metrics = options.metricsPorts().labeler();
        settings.put(LabelerConfig.METRICS_PORT, metrics);
        return metricsPort(
                        ServiceSpec.builder("labeler", "io.spanloop.labeler.LabelerMain")
                                .describedAs("the labeler on " + options.labelerUrl())
                                .settings(LabelerConfig.ENV_PREFIX, settings)
                                .heap("512m")
                                .listensOn(options.labelerPort(), "--labeler-port")
                                .readyWhenListening(options.labelerPort(), LABELER_START),
                        metrics)
                .build();
    }

    private ServiceSpec retrainer(Path model) {
        StackSettings stack = options.stack();
        Map<String, Object> settings = new HashMap<>(training);
        settings.put(RetrainerConfig.SEED_SQUAD_FILE, DemoSeed.write(stack.dataDir()));
        settings.put(RetrainerConfig.SEED_SQUAD_USE, "train");
        // the gate holds every candidate to the known facts (and to version 1 on them)
        settings.put(RetrainerConfig.EVAL_SQUAD_FILES, DemoSeed.writeKnownFacts(stack.dataDir()));
        settings.put(RetrainerConfig.EVAL_SLICE_ATTRIBUTES, DemoClients.FACT_ATTRIBUTE);
        settings.keySet()
                .removeIf(
                        key ->
                                System.getenv(
                                                ConfigSources.envName(
                                                        RetrainerConfig.ENV_PREFIX, key))
                                        != null);
        settings.put(RetrainerConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers());
        settings.put(RetrainerConfig.REGISTRY_URL, stack.registryUrl());
        settings.put(RetrainerConfig.MODEL_STORE, modelStore());
        settings.put(RetrainerConfig.MODEL_NAME, modelName());
        settings.put(RetrainerConfig.MODEL_INITIAL, model.toAbsolutePath());
        settings.put(RetrainerConfig.TRAIN_DEVICE, "cpu");
        int metrics = options.metricsPorts().retrainer();
        settings.put(RetrainerConfig.METRICS_PORT, metrics);
        return metricsPort(
                        ServiceSpec.builder("retrainer", "io.spanloop.retrainer.RetrainerMain")
                                .settings(RetrainerConfig.ENV_PREFIX, settings)
                                .heap("1g")
                                .readyWhenLogged(RETRAINER_READY, RETRAINER_START),
                        metrics)
                .build();
    }

    /** The metrics port must be free before anything starts (unless there is none). */
    private static ServiceSpec.Builder metricsPort(ServiceSpec.Builder service, int port) {
        return port > 0 ? service.listensOn(port, "--metrics-port") : service;
    }

    private Path stateDir(String service) {
        return options.stack().dataDir().resolve(service).toAbsolutePath();
    }
}
