package io.spanloop.retrainer;

import io.spanloop.config.KafkaConnection;
import io.spanloop.config.ServiceConfigs;
import io.spanloop.events.ModelStatus;
import io.spanloop.events.ModelVersion;
import io.spanloop.metrics.MetricsSettings;
import io.spanloop.metrics.ServiceMetrics;
import io.spanloop.qa.EngineSettings;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.ModelStore;
import io.spanloop.qa.SquadDataset;
import io.spanloop.qa.SquadReader;
import io.spanloop.schemas.Topics;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retrainer service: watches the feedback topic, and when a trigger fires (N new labels, or the
 * interval with at least one) trains one candidate at a time on a label snapshot and publishes its
 * {@code ModelVersion} event — artifact first, event second. On start it resumes: a version
 * directory written but never announced (a crash between the two) is announced, and labels not
 * covered by the last event are trained on again.
 */
public final class Retrainer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Retrainer.class);

    private final RetrainerConfig config;
    private final ModelStore store;
    private final LabelSnapshot snapshot;
    private final VersionPublisher publisher;
    private final TrainingRun training;
    private final Supplier<VersionHistory> historyReader;
    private VersionHistory history; // guarded by this
    private final Thread thread;
    private final ServiceMetrics metrics;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Throwable failure;
    private Instant lastTraining = Instant.now();

    private Retrainer(
            RetrainerConfig config,
            ModelStore store,
            LabelSnapshot snapshot,
            VersionPublisher publisher,
            TrainingRun training,
            Supplier<VersionHistory> historyReader,
            ServiceMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
        this.store = store;
        this.snapshot = snapshot;
        this.publisher = publisher;
        this.training = training;
        this.historyReader = historyReader;
        this.history = historyReader.get();
        this.thread = new Thread(this::loop, "retrainer");
    }

    /** Recovers, then starts watching for triggers on a thread of its own. */
    public static Retrainer start(RetrainerConfig config) {
        new EngineSettings(0, 0).apply();
        Topics topics = Topics.of(config.topicNames(), ServiceConfigs.avroSerdes(config));
        KafkaConnection bootstrap = config.kafka();
        ModelStore store = new ModelStore(config.store());
        installInitialVersion(config, store);
        requireMatchingName(config, store);
        // fence any older instance before reading what it published
        VersionPublisher publisher =
                new VersionPublisher(bootstrap, topics.modelVersions(), config.modelName());
        ServiceMetrics metrics = ServiceMetrics.start("retrainer", MetricsSettings.from(config));
        try {
            Supplier<VersionHistory> historyReader =
                    () ->
                            VersionHistory.read(
                                    bootstrap,
                                    topics.modelVersions().name(),
                                    config.modelName(),
                                    topics.modelVersions().valueSerde().deserializer());
            SquadDataset seed = config.seedFile().map(Retrainer::readSeed).orElse(null);
            Retrainer retrainer =
                    new Retrainer(
                            config,
                            store,
                            new LabelSnapshot(
                                            bootstrap,
                                            topics.feedback().name(),
                                            topics.feedback().valueSerde().deserializer())
                                    .withMetrics(metrics),
                            publisher,
                            new TrainingRun(
                                    config,
                                    store,
                                    seed,
                                    readEvalFiles(config),
                                    new RetrainerMetrics(metrics.registry())),
                            historyReader,
                            metrics);
            retrainer.announceUnpublishedArtifacts();
            retrainer.thread.start();
            LOG.info(
                    "Retrainer for {} started: serving v{}, triggers: {} new labels or every {}",
                    config.modelName(),
                    retrainer.serving().version(),
                    config.minLabels(),
                    config.triggerInterval());
            return retrainer;
        } catch (RuntimeException e) {
            publisher.close();
            metrics.close();
            throw e;
        }
    }

    private static List<EvalSlice> readEvalFiles(RetrainerConfig config) {
        List<EvalSlice> slices = new ArrayList<>();
        for (Path file : config.evalFiles()) {
            SquadDataset dataset = SquadReader.read(file);
            dataset.problems().forEach(p -> LOG.warn("Eval data {}: {}", file, p));
            EvalSlice slice = EvaluationSlices.ofFile(file, dataset);
            LOG.info("Eval slice {}: {} examples from {}", slice.name(), slice.size(), file);
            slices.add(slice);
        }
        return slices;
    }

    private static SquadDataset readSeed(Path file) {
        SquadDataset seed = SquadReader.read(file);
        seed.problems().forEach(p -> LOG.warn("Seed data {}: {}", file, p));
        LOG.info("Seed data {}: {} examples", file, seed.examples().size());
        return seed;
    }

    /** Puts {@code model.initial} into the store as version 1 when the store has none. */
    private static void installInitialVersion(RetrainerConfig config, ModelStore store) {
        if (store.latestVersion(config.modelName()).isPresent()) {
            return;
        }
        InitialModel initial =
                config.initialModel()
                        .orElseThrow(
                                () ->
                                        new ConfigException(
                                                "the store "
                                                        + config.store()
                                                        + " has no version of "
                                                        + config.modelName()
                                                        + " and "
                                                        + RetrainerConfig.MODEL_INITIAL
                                                        + " names none"));
        initial.installAsVersionOne(store, config.modelName());
    }

    /**
     * Version events carry the name in the model's config.json, while this retrainer finds its
     * history by {@code model.name}: the two must agree, or a restart would not see its own
     * versions.
     */
    private static void requireMatchingName(RetrainerConfig config, ModelStore store) {
        ModelDirectory first =
                store.open(config.modelName(), store.versions(config.modelName()).get(0));
        if (!first.modelName().equals(config.modelName())) {
            throw new ConfigException(
                    RetrainerConfig.MODEL_NAME
                            + " is '"
                            + config.modelName()
                            + "' but the model's config.json says model_name '"
                            + first.modelName()
                            + "' ("
                            + first.path()
                            + "): make them the same");
        }
    }

    private synchronized VersionHistory history() {
        return history;
    }

    /** Reads the model-versions topic again: an operator may have promoted, pinned or unpinned. */
    private synchronized VersionHistory refreshHistory() {
        history = historyReader.get();
        return history;
    }

    /**
     * The version new candidates start from and are gated against: the served one (the newest
     * passing, or what an operator promoted or pinned), else the first stored; always opened from
     * this retrainer's own store (an event's uri is only what it says).
     */
    ModelDirectory serving() {
        OptionalLong served = history().served();
        return store.open(
                config.modelName(),
                served.isPresent()
                        ? served.getAsLong()
                        : store.versions(config.modelName()).get(0));
    }

    private Map<Integer, Long> covered() {
        return history().coveredOffsets();
    }

    private long nextVersion() {
        OptionalLong stored = store.latestVersion(config.modelName());
        return Math.max(stored.orElse(0), history().highestVersion()) + 1;
    }

    /** Artifact first, event second: a crash in between leaves a version to announce now. */
    private void announceUnpublishedArtifacts() {
        long announced = history().highestVersion();
        OptionalLong latest = store.latestVersion(config.modelName());
        if (latest.isEmpty() || latest.getAsLong() <= Math.max(1, announced)) {
            return;
        }
        Path dir = store.versionPath(config.modelName(), latest.getAsLong());
        ModelVersion event = eventOf(dir);
        LOG.info(
                "Announcing v{}, written before the last stop but not published",
                event.getVersion());
        publish(event);
    }

    private static ModelVersion eventOf(Path dir) {
        ModelDirectory version = ModelDirectory.open(dir);
        ModelVersion event =
                EventJson.read(String.valueOf(ModelStore.readMetadata(version).get("event")));
        event.setUri(dir.toUri().toString());
        event.setSha256(ModelStore.sha256(version.modelFile()));
        return event;
    }

    /**
     * Publishes a candidate's event; one that passed the gate is held instead (status REJECTED,
     * {@code held}) if it would not be served: serving is pinned, or another version was promoted
     * while it trained.
     */
    private void publish(ModelVersion event) {
        if (event.getStatus() == ModelStatus.PUBLISHED) {
            refreshHistory()
                    .log()
                    .holdReason(event)
                    .ifPresent(
                            why -> {
                                event.setStatus(ModelStatus.REJECTED);
                                event.setHeld(true);
                                event.setReason("passed the gate, held: " + why);
                            });
        }
        publisher.publish(event);
        synchronized (this) {
            history.log().add(event);
        }
        LOG.info(
                "Published {} v{} {}: candidate EM {} F1 {}, incumbent EM {} F1 {} on {} held-out"
                        + " examples{}",
                event.getModelName(),
                event.getVersion(),
                event.getStatus(),
                event.getMetrics().getCandidateExactMatch(),
                event.getMetrics().getCandidateF1(),
                event.getMetrics().getIncumbentExactMatch(),
                event.getMetrics().getIncumbentF1(),
                event.getMetrics().getEvalSize(),
                event.getReason() == null ? "" : " (" + event.getReason() + ")");
    }

    private void loop() {
        try {
            while (running.get()) {
                if (triggered()) {
                    trainOnce();
                }
                sleep(config.triggerCheck());
            }
        } catch (VersionPublisher.FencedException e) {
            LOG.error("Stopping: {}", e.getMessage());
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("Retrainer failed", e);
            failure = e;
        } finally {
            snapshot.close();
            stopped.countDown();
        }
    }

    private boolean triggered() {
        long fresh = snapshot.newLabelCount(covered());
        if (fresh == 0) {
            return false;
        }
        if (fresh >= config.minLabels()) {
            LOG.info("{} new labels: training", fresh);
            return true;
        }
        if (Duration.between(lastTraining, Instant.now()).compareTo(config.triggerInterval())
                >= 0) {
            LOG.info(
                    "{} new label(s) and {} since the last training: training",
                    fresh,
                    config.triggerInterval());
            return true;
        }
        return false;
    }

    /** One training on a fresh snapshot; publishes its event. */
    void trainOnce() {
        LabelSnapshot.Labels labels = snapshot.read();
        if (!labels.skipped().isEmpty()) {
            LOG.warn(
                    "{} records of the feedback topic are no valid labels and were skipped (each"
                            + " logged above with its position)",
                    labels.skipped().size());
        }
        VersionHistory now = refreshHistory();
        ModelVersion event =
                training.run(labels, covered(), serving(), nextVersion(), now.trainedEvents());
        publish(event);
        lastTraining = Instant.now();
    }

    private void sleep(Duration duration) throws InterruptedException {
        long deadline = System.nanoTime() + duration.toNanos();
        while (running.get() && System.nanoTime() < deadline) {
            Thread.sleep(Math.min(200, duration.toMillis()));
        }
    }

    /**
     * The events this retrainer knows of, in topic order: read at its start and before each
     * training, and its own.
     */
    public List<ModelVersion> events() {
        return history().log().events();
    }

    /** Where its Prometheus metrics are served; empty with {@code metrics.port=-1}. */
    public Optional<URI> metricsUrl() {
        return metrics.url();
    }

    /** Blocks until the retrainer stops; the failure that stopped it, if any. */
    public Throwable awaitStop() throws InterruptedException {
        stopped.await();
        return failure;
    }

    @Override
    public void close() {
        running.set(false);
        try {
            thread.join(Duration.ofMinutes(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        publisher.close();
        metrics.close();
    }
}
