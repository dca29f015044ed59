package io.spanloop.bench;

import io.spanloop.answerer.Answerer;
import io.spanloop.answerer.AnswererConfig;
import io.spanloop.config.ServiceConfigs;
import io.spanloop.events.Question;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.QaInput;
import io.spanloop.qa.testing.TinyModel;
import io.spanloop.schemas.AvroSerdes;
import io.spanloop.schemas.TopicNames;
import io.spanloop.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;

/**
 * The answerer benchmark (run by the repository's {@code ./bench}; not a test): measures the raw
 * model throughput at the answerer's batch size, then pushes the same questions through a real
 * answerer on a real broker, and prints end-to-end answers/s, their ratio to the model throughput,
 * and question → answer latencies as Markdown.
 */
public final class AnswererBenchmark {

    private AnswererBenchmark() {}

    public static void main(String[] args) {
        BenchMain.run(args, BenchOptions.USAGE, BenchOptions::parse, AnswererBenchmark::run);
    }

    static int run(BenchOptions options) throws Exception {
        Path work = Files.createTempDirectory("spanloop-bench-");
        try {
            ModelDirectory model =
                    options.modelDir() == null
                            ? TinyModel.copyTo(work.resolve("models"), 1)
                            : ModelDirectory.open(options.modelDir());
            List<QaInput> warmup = BenchQuestions.generate(options.warmup(), options.seed() + 1);
            List<QaInput> questions = BenchQuestions.generate(options.questions(), options.seed());
            double busy = CpuAccounting.machineBusy(2000);
            if (busy > 0.2) {
                log(
                        "WARNING: the machine is %.0f%% busy before the benchmark starts; other"
                                + " work skews every number (see 'other processes' in the report)",
                        100 * busy);
            }
            // the answerer's own settings decide engine threads and model options for all runs
            AnswererConfig modelOnly = new AnswererConfig(modelSettings(options, model));
            modelOnly.engineSettings().apply();
            log(
                    "model-only baselines (no broker yet): %s, %d questions, batch %d,"
                            + " %d thread(s)",
                    model.path(), questions.size(), options.batchSize(), options.streamThreads());
            Supplier<ModelBaselines.Result> measure =
                    () -> {
                        try {
                            return ModelBaselines.measure(
                                    model,
                                    modelOnly.modelOptions(),
                                    warmup,
                                    questions,
                                    options.batchSize(),
                                    options.baselineRounds(),
                                    options.streamThreads());
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException(e);
                        }
                    };
            ModelBaselines.Result baselines = measure.get();
            log(
                    "forward-only %.0f answers/s, QaPredictor %.0f answers/s",
                    baselines.forward().perSecond(), baselines.predictor().perSecond());
            Supplier<ModelBaselines.Result> again =
                    () -> {
                        log("model-only baselines again, after the end-to-end runs");
                        return baselines.faster(measure.get());
                    };
            log("starting the broker and the registry on 127.0.0.1");
            try (BenchBroker broker = BenchBroker.start()) {
                return endToEnd(
                        options, model, again, warmup, questions, broker, work.resolve("state"));
            }
        } finally {
            deleteRecursively(work);
        }
    }

    private static int endToEnd(
            BenchOptions options,
            ModelDirectory model,
            Supplier<ModelBaselines.Result> baselinesAfterwards,
            List<QaInput> warmup,
            List<QaInput> questions,
            BenchBroker broker,
            Path stateDir)
            throws Exception {
        String runId = UUID.randomUUID().toString().substring(0, 8);
        TopicNames names = TopicNames.withPrefix("bench-" + runId + ".");
        broker.createTopics(names, options.partitions());
        String applicationId = "bench-answerer-" + runId;
        Map<String, Object> settings = modelSettings(options, model);
        settings.putAll(kafkaSettings(broker, names, applicationId, stateDir));
        AnswererConfig config = new AnswererConfig(settings);

        Duration timeout = options.timeout();
        Topics topics = broker.topics(names);
        AvroSerdes serdes = AvroSerdes.forRegistry(broker.registryUrl());
        LoadPhase.Result burst;
        LoadPhase.Result paced = null;
        int duplicates;
        try (Answerer answerer = Answerer.start(config);
                AnswerCollector collector =
                        new AnswerCollector(broker.bootstrapServers(), topics.answers());
                KafkaProducer<String, Question> producer = broker.producer(topics.questions())) {
            awaitRunning(answerer.streams(), options.partitions(), timeout);
            LoadPhase phase =
                    new LoadPhase(producer, names.questions(), collector, answerer.streams());
            if (!warmup.isEmpty()) {
                log("end to end: %d warm-up questions", warmup.size());
                require(phase.run("warm-up", "w", warmup, 0, timeout));
            }
            LoadPhase.Result fastest = null;
            for (int i = 1; i <= options.bursts(); i++) {
                log(
                        "end to end: burst %d of %d, %d questions",
                        i, options.bursts(), questions.size());
                LoadPhase.Result run =
                        require(phase.run("burst", i == 1 ? "q" : "q" + i, questions, 0, timeout));
                log(
                        "burst: %.0f answers/s, p50 %.0f ms, p99 %.0f ms",
                        run.answersPerSecond(),
                        LoadPhase.percentile(run.latency(), 50),
                        LoadPhase.percentile(run.latency(), 99));
                if (fastest == null || run.answersPerSecond() > fastest.answersPerSecond()) {
                    fastest = run;
                }
            }
            burst = fastest;
            if (options.pacedLoad() > 0) {
                double rate = options.pacedLoad() * burst.answersPerSecond();
                int count = (int) Math.min(questions.size(), Math.max(100, Math.round(rate * 30)));
                log("end to end: %d questions paced at %.0f/s", count, rate);
                paced =
                        require(
                                phase.run(
                                        "paced", "p", questions.subList(0, count), rate, timeout));
                log(
                        "paced: p50 %.0f ms, p99 %.0f ms",
                        LoadPhase.percentile(paced.latency(), 50),
                        LoadPhase.percentile(paced.latency(), 99));
            }
            duplicates = collector.duplicates();
        }
        ModelBaselines.Result baselines = baselinesAfterwards.get();
        BenchReport.Run run =
                new BenchReport.Run(
                        options,
                        model,
                        baselines,
                        burst,
                        paced,
                        SerdeCost.measure(serdes, names, burst.answers()),
                        broker.endOffsets(names.answers()),
                        broker.countRecords(applicationId + "-question-buffer-changelog"),
                        broker.endOffsets(names.questionsDlq()),
                        duplicates);
        String markdown = BenchReport.markdown(run);
        System.out.println();
        System.out.println(markdown);
        BenchReport.write(run, options.out());
        log("written to %s", options.out().toAbsolutePath());
        if (duplicates > 0 || run.deadLetters() > 0) {
            log("FAILED: %d duplicate answers, %d dead letters", duplicates, run.deadLetters());
            return 1;
        }
        return 0;
    }

    /** The answerer's settings apart from Kafka: the baselines read model and engine from them. */
    private static Map<String, Object> modelSettings(BenchOptions options, ModelDirectory model) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(AnswererConfig.MODEL_DIR, model.path().toString());
        settings.put(AnswererConfig.MODEL_DEVICE, options.device());
        settings.put(AnswererConfig.MODEL_PRECISION, options.precision().toString());
        settings.put(AnswererConfig.BATCH_MAX_SIZE, options.batchSize());
        settings.put(AnswererConfig.BATCH_MAX_WAIT_MS, options.batchMaxWaitMs());
        settings.put(AnswererConfig.COMMIT_INTERVAL_MS, options.commitIntervalMs());
        settings.put(AnswererConfig.STREAM_THREADS, options.streamThreads());
        settings.put(AnswererConfig.ENGINE_INTRA_OP_THREADS, options.intraOpThreads());
        settings.put(AnswererConfig.ENGINE_INTER_OP_THREADS, options.interOpThreads());
        return settings;
    }

    private static Map<String, Object> kafkaSettings(
            BenchBroker broker, TopicNames names, String applicationId, Path stateDir) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(AnswererConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers());
        settings.put(AnswererConfig.REGISTRY_URL, broker.registryUrl());
        settings.put(AnswererConfig.APPLICATION_ID, applicationId);
        settings.put(AnswererConfig.STATE_DIR, stateDir.toString());
        settings.putAll(ServiceConfigs.topicSettings(AnswererConfig.DEFINITION, names));
        // counted as always, but served on a free port: a benchmark must not need 9401
        settings.put(AnswererConfig.METRICS_PORT, 0);
        return settings;
    }

    private static void awaitRunning(KafkaStreams streams, int partitions, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            int tasks =
                    streams.metadataForLocalThreads().stream()
                            .map(ThreadMetadata::activeTasks)
                            .mapToInt(java.util.Set::size)
                            .sum();
            if (streams.state() == KafkaStreams.State.RUNNING && tasks == partitions) {
                return;
            }
            if (streams.state() == KafkaStreams.State.ERROR) {
                throw new IllegalStateException("the answerer failed to start");
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the answerer did not own its tasks within " + timeout);
    }

    private static LoadPhase.Result require(LoadPhase.Result phase) {
        if (!phase.complete()) {
            throw new IllegalStateException(
                    phase.name()
                            + ": only "
                            + phase.answered()
                            + " of "
                            + phase.questions()
                            + " questions answered before the timeout");
        }
        return phase;
    }

    private static void log(String format, Object... args) {
        System.out.println("[bench] " + String.format(Locale.ROOT, format, args));
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
