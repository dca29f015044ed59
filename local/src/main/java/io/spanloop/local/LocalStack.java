package io.spanloop.local;

import io.spanloop.answerer.AnswererConfig;
import io.spanloop.config.ConfigSources;
import io.spanloop.labeler.LabelerConfig;
import io.spanloop.local.demo.DemoSeed;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.retrainer.RetrainerConfig;
import io.spanloop.schemas.TopicNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The whole system on this machine, started in order with health checks and stopped in reverse:
 * KRaft broker, schema registry, topics, answerer. Everything listens on 127.0.0.1.
 */
final class LocalStack implements AutoCloseable {

    private final LocalOptions options;
    private final String modelName;
    private final Deque<ChildProcess> running = new ArrayDeque<>();

    private LocalStack(LocalOptions options) {
        this.options = options;
        this.modelName = ModelDirectory.open(options.demoModel()).modelName();
    }

    /** The name of the model the stack serves and retrains (from the demo model's config). */
    String modelName() {
        return modelName;
    }

    /** The model store shared by the answerer and the retrainer. */
    Path modelStore() {
        return options.dataDir().resolve("models").toAbsolutePath();
    }

    static LocalStack start(LocalOptions options) {
        if (options.reset()) {
            deleteRecursively(options.dataDir());
        }
        LocalStack stack = new LocalStack(options);
        try {
            stack.startAll();
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    private void startAll() {
        Ports.requireFree(options.kafkaPort(), "--kafka-port");
        Ports.requireFree(options.controllerPort(), "--controller-port");
        Ports.requireFree(options.registryPort(), "--registry-port");
        Ports.requireFree(options.labelerPort(), "--labeler-port");
        say("Starting Kafka (KRaft) on " + options.bootstrapServers() + " ...");
        running.push(LocalBroker.start(options));
        say("Starting the schema registry on " + options.registryUrl() + " ...");
        running.push(LocalRegistry.start(options));
        createTopics();
        Path model = installDemoModel();
        say("Starting the answerer with " + model + " ...");
        running.push(startAnswerer(model));
        say("Starting the labeler on " + options.labelerUrl() + " ...");
        ChildProcess labeler = startLabeler();
        running.push(labeler);
        labeler.awaitReady(
                () -> Ports.accepts("127.0.0.1:" + options.labelerPort()), Duration.ofSeconds(90));
        say("Starting the retrainer ...");
        ChildProcess retrainer = startRetrainer(model);
        running.push(retrainer);
        retrainer.awaitReady(() -> retrainer.logged("Retrainer for"), Duration.ofSeconds(120));
    }

    /**
     * The retrainer on the local store, with demo defaults: it trains often (a small model on 2
     * cores takes seconds), on every label so far, plus six times as many examples of the known
     * facts per new label from a seed file, so a version does not forget them while it learns new
     * ones. Any SPANLOOP_RETRAINER_* variable set by the user wins.
     */
    private ChildProcess startRetrainer(Path model) {
        Map<String, Object> settings = new HashMap<>(DEMO_TRAINING);
        settings.put(RetrainerConfig.SEED_SQUAD_FILE, DemoSeed.write(options.dataDir()));
        settings.put(RetrainerConfig.SEED_SQUAD_USE, "train");
        settings.keySet()
                .removeIf(
                        key ->
                                System.getenv(
                                                ConfigSources.envName(
                                                        RetrainerConfig.ENV_PREFIX, key))
                                        != null);
        settings.put(RetrainerConfig.BOOTSTRAP_SERVERS, options.bootstrapServers());
        settings.put(RetrainerConfig.REGISTRY_URL, options.registryUrl());
        settings.put(RetrainerConfig.MODEL_STORE, modelStore());
        settings.put(RetrainerConfig.MODEL_NAME, modelName);
        settings.put(RetrainerConfig.MODEL_INITIAL, model.toAbsolutePath());
        settings.put(RetrainerConfig.TRAIN_DEVICE, "cpu");
        return startService(
                "retrainer",
                "io.spanloop.retrainer.RetrainerMain",
                RetrainerConfig.ENV_PREFIX,
                settings,
                "-Xmx1g");
    }

    /** The retrainer's settings in the local run (see {@link #startRetrainer}). */
    static final Map<String, Object> DEMO_TRAINING =
            Map.of(
                    RetrainerConfig.TRIGGER_MIN_LABELS,
                    60,
                    RetrainerConfig.TRIGGER_INTERVAL_MS,
                    60_000L,
                    RetrainerConfig.TRAIN_EPOCHS,
                    10,
                    RetrainerConfig.TRAIN_BATCH_SIZE,
                    16,
                    RetrainerConfig.TRAIN_LEARNING_RATE,
                    1e-3,
                    RetrainerConfig.TRAIN_REPLAY_ALL_LABELS,
                    true,
                    RetrainerConfig.TRAIN_REPLAY_RATIO,
                    6.0);

    /**
     * The topics of a single-broker deployment: this local run creates them, and compose.yaml's
     * {@code topics} step creates the same ones (a test keeps them equal).
     */
    static List<NewTopic> topics(TopicNames names) {
        return List.of(
                new NewTopic(names.questions(), 2, (short) 1),
                new NewTopic(names.answers(), 2, (short) 1),
                new NewTopic(names.questionsDlq(), 1, (short) 1),
                // co-partitioned with the answers (the labeler's review queue)
                new NewTopic(names.feedback(), 2, (short) 1)
                        .configs(Map.of("cleanup.policy", "compact")),
                new NewTopic(names.modelVersions(), 1, (short) 1)
                        .configs(Map.of("cleanup.policy", "compact")));
    }

    private void createTopics() {
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                options.bootstrapServers()))) {
            for (NewTopic topic : topics(TopicNames.DEFAULT)) {
                try {
                    admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create " + topic.name(), e);
                    }
                }
            }
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot create topics", e);
        }
    }

    /** The model store is {@code <data>/models}; the demo model becomes version 1 once. */
    private Path installDemoModel() {
        Path version = modelStore().resolve(modelName).resolve("1");
        if (Files.isRegularFile(version.resolve("model.pt"))) {
            return version;
        }
        try {
            Files.createDirectories(version);
            try (Stream<Path> files = Files.list(options.demoModel())) {
                for (Path file : files.toList()) {
                    Files.copy(file, version.resolve(file.getFileName()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install the demo model", e);
        }
        return version;
    }

    private ChildProcess startLabeler() {
        Map<String, Object> settings = new HashMap<>();
        settings.put(LabelerConfig.BOOTSTRAP_SERVERS, options.bootstrapServers());
        settings.put(LabelerConfig.REGISTRY_URL, options.registryUrl());
        settings.put(
                LabelerConfig.STATE_DIR, options.dataDir().resolve("labeler").toAbsolutePath());
        settings.put(LabelerConfig.HTTP_PORT, options.labelerPort());
        settings.put(LabelerConfig.ANNOTATORS, options.annotator());
        return startService(
                "labeler",
                "io.spanloop.labeler.LabelerMain",
                LabelerConfig.ENV_PREFIX,
                settings,
                "-Xmx512m");
    }

    private ChildProcess startService(
            String name,
            String mainClass,
            String envPrefix,
            Map<String, Object> settings,
            String heap) {
        Map<String, String> env = new HashMap<>();
        settings.forEach(
                (key, value) -> env.put(ConfigSources.envName(envPrefix, key), value.toString()));
        // five JVMs share the cores: PyTorch's OpenMP threads should sleep, not spin, when idle
        if (System.getenv("OMP_WAIT_POLICY") == null) {
            env.put("OMP_WAIT_POLICY", "PASSIVE");
        }
        return ChildProcess.startJava(
                name,
                List.of(heap, "-Dai.djl.offline=true", "-cp", ChildProcess.classpath(), mainClass),
                env,
                options.logs().resolve(name + ".log"));
    }

    private ChildProcess startAnswerer(Path model) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(AnswererConfig.BOOTSTRAP_SERVERS, options.bootstrapServers());
        settings.put(AnswererConfig.REGISTRY_URL, options.registryUrl());
        settings.put(AnswererConfig.MODEL_DIR, model.toAbsolutePath());
        settings.put(
                AnswererConfig.STATE_DIR, options.dataDir().resolve("answerer").toAbsolutePath());
        settings.put(AnswererConfig.MODEL_DEVICE, "cpu");
        // leaves the other core(s) to the retrainer, which trains while questions are answered
        settings.put(AnswererConfig.ENGINE_INTRA_OP_THREADS, 1);
        return startService(
                "answerer",
                "io.spanloop.answerer.AnswererMain",
                AnswererConfig.ENV_PREFIX,
                settings,
                "-Xmx1g");
    }

    /** Fails when a child has died (with the log to read). */
    void checkAlive() {
        for (ChildProcess child : running) {
            if (!child.isAlive()) {
                throw new IllegalStateException(child + " stopped; see " + child.log());
            }
        }
    }

    @Override
    public void close() {
        while (!running.isEmpty()) {
            ChildProcess child = running.pop();
            say("Stopping " + child + " ...");
            child.close();
        }
    }

    static void say(String line) {
        System.out.println("[spanloop] " + line);
        System.out.flush();
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(
                    dir,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                                throws IOException {
                            Files.delete(file);
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult postVisitDirectory(Path d, IOException e)
                                throws IOException {
                            Files.delete(d);
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    static Duration startupTimeout() {
        return Duration.ofSeconds(120);
    }
}
