package io.spanloop.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spanloop.config.ServiceConfigs;
import io.spanloop.events.Answer;
import io.spanloop.events.Correction;
import io.spanloop.labeler.Labeler;
import io.spanloop.labeler.LabelerConfig;
import io.spanloop.schemas.TopicNames;
import io.spanloop.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The labeler benchmark ({@code ./bench --labeler}; not a test): fills a real labeler's review
 * queue on a real broker, then times {@code GET /api/queue?limit=20} and {@code GET /api/status}
 * over HTTP, read from the review index and, as the baseline, by the scan of the stores per request
 * the labeler did before, in the same run on the same data.
 */
public final class LabelerBenchmark {

    private static final String TOKEN = "bench-token";
    private static final String QUEUE = "/api/queue?limit=20";
    private static final String STATUS = "/api/status";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(5);

    private LabelerBenchmark() {}

    public static void main(String[] args) {
        BenchMain.run(
                args,
                LabelerBenchOptions.USAGE,
                LabelerBenchOptions::parse,
                options -> {
                    run(options);
                    return 0;
                });
    }

    /** One labeler run: how long it took to serve the full queue, and the endpoints' latencies. */
    private record Run(String reads, double secondsToFullQueue, List<HttpLatency.Result> results) {}

    static void run(LabelerBenchOptions options) throws Exception {
        Path work = Files.createTempDirectory("spanloop-labeler-bench-");
        try {
            log("starting the broker and the registry on 127.0.0.1");
            try (BenchBroker broker = BenchBroker.start()) {
                String runId = UUID.randomUUID().toString().substring(0, 8);
                TopicNames names = TopicNames.withPrefix("bench-" + runId + ".");
                broker.createTopics(names, options.partitions());
                double fillSeconds = fill(broker, broker.topics(names), names, options);
                Map<String, Object> settings =
                        labelerSettings(broker, names, "bench-labeler-" + runId, work);
                List<Run> runs = new ArrayList<>();
                runs.add(measure(settings, Labeler.QueueReads.INDEX, options, options.requests()));
                if (options.baselineRequests() > 0) {
                    // the same application id and state directory: it restarts on the local state
                    runs.add(
                            measure(
                                    settings,
                                    Labeler.QueueReads.SCAN,
                                    options,
                                    options.baselineRequests()));
                }
                String markdown = report(options, fillSeconds, runs);
                System.out.println();
                System.out.println(markdown);
                Files.createDirectories(options.out().toAbsolutePath().getParent());
                Files.writeString(options.out(), markdown);
                log("written to %s", options.out().toAbsolutePath());
            }
        } finally {
            deleteRecursively(work);
        }
    }

    /** Sends the answers (and the corrections of the reviewed ones) with one batching producer. */
    private static double fill(
            BenchBroker broker, Topics topics, TopicNames names, LabelerBenchOptions options) {
        int total = options.answers() + options.reviewed();
        log("sending %,d answers (%,d of them reviewed)", total, options.reviewed());
        long start = System.nanoTime();
        Map<String, Object> batching =
                Map.of(
                        ProducerConfig.LINGER_MS_CONFIG,
                        20,
                        ProducerConfig.BATCH_SIZE_CONFIG,
                        512 * 1024);
        BenchAnswers generator = new BenchAnswers(options.seed());
        try (KafkaProducer<String, Answer> answers = broker.producer(topics.answers(), batching);
                KafkaProducer<String, Correction> feedback =
                        broker.producer(topics.feedback(), batching)) {
            for (int i = 0; i < total; i++) {
                Answer answer = generator.answer(i);
                answers.send(new ProducerRecord<>(names.answers(), answer.getQuestionId(), answer));
                if (i >= options.answers()) {
                    feedback.send(
                            new ProducerRecord<>(
                                    names.feedback(),
                                    answer.getQuestionId(),
                                    generator.accepted(answer)));
                }
            }
            answers.flush();
            feedback.flush();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        log("sent in %.1f s (%,.0f answers/s)", seconds, total / seconds);
        return seconds;
    }

    private static Run measure(
            Map<String, Object> settings,
            Labeler.QueueReads reads,
            LabelerBenchOptions options,
            int requests) {
        String name = reads == Labeler.QueueReads.INDEX ? "index" : "scan per request (before)";
        long start = System.nanoTime();
        try (Labeler labeler = Labeler.start(new LabelerConfig(settings), reads)) {
            HttpLatency http = new HttpLatency(labeler.baseUrl(), TOKEN);
            awaitFullQueue(http, options.answers());
            double ready = (System.nanoTime() - start) / 1e9;
            log(
                    "%s: the labeler serves all %,d open answers %.1f s after it started",
                    name, options.answers(), ready);
            int warmup = Math.min(20, Math.max(2, requests / 10));
            List<HttpLatency.Result> results = new ArrayList<>();
            for (String path : List.of(QUEUE, STATUS)) {
                HttpLatency.Result result =
                        http.measure(path, warmup, requests, body -> isFull(path, body, options));
                log(
                        "%s: GET %s p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d requests)",
                        name, path, result.p50(), result.p99(), result.max(), requests);
                results.add(result);
            }
            return new Run(name, ready, results);
        }
    }

    private static void awaitFullQueue(HttpLatency http, int answers) {
        long deadline = System.nanoTime() + LOAD_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (tree(http.get(STATUS)).path("queueLength").asInt() == answers) {
                    return;
                }
            } catch (IllegalStateException loading) {
                // 503 while the review queue loads
            }
            sleep(250);
        }
        throw new IllegalStateException(
                "the labeler did not serve " + answers + " open answers within " + LOAD_TIMEOUT);
    }

    /** A queue page of 20 items out of all open ones, or the status counting them all. */
    private static boolean isFull(String path, String body, LabelerBenchOptions options) {
        JsonNode tree = tree(body);
        return path.equals(STATUS)
                ? tree.path("queueLength").asInt() == options.answers()
                : tree.path("total").asInt() == options.answers()
                        && tree.path("items").size() == 20;
    }

    private static String report(LabelerBenchOptions options, double fillSeconds, List<Run> runs) {
        StringBuilder md = new StringBuilder();
        md.append(
                String.format(
                        Locale.ROOT,
                        "Labeler: %,d open answers in the review queue (+%,d reviewed), %d"
                                + " partitions; filled in %.0f s; sequential requests over HTTP"
                                + " with a bearer token\n\n",
                        options.answers(),
                        options.reviewed(),
                        options.partitions(),
                        fillSeconds));
        md.append("| endpoint | queue read by | requests | p50 ms | p99 ms | max ms |\n");
        md.append("|---|---|---:|---:|---:|---:|\n");
        for (int endpoint = 0; endpoint < 2; endpoint++) {
            for (Run run : runs) {
                HttpLatency.Result r = run.results().get(endpoint);
                md.append(
                        String.format(
                                Locale.ROOT,
                                "| GET %s | %s | %d | %.1f | %.1f | %.1f |\n",
                                r.path(),
                                run.reads(),
                                r.requests(),
                                r.p50(),
                                r.p99(),
                                r.max()));
            }
        }
        if (runs.size() == 2) {
            md.append("\n");
            for (int endpoint = 0; endpoint < 2; endpoint++) {
                HttpLatency.Result index = runs.get(0).results().get(endpoint);
                HttpLatency.Result scan = runs.get(1).results().get(endpoint);
                md.append(
                        String.format(
                                Locale.ROOT,
                                "GET %s: the scan takes %.0fx the index's time at p50, %.0fx at"
                                        + " p99\n",
                                index.path(),
                                scan.p50() / index.p50(),
                                scan.p99() / index.p99()));
            }
        }
        md.append("\n");
        for (Run run : runs) {
            md.append(
                    String.format(
                            Locale.ROOT,
                            "%s: full queue served %.1f s after the labeler started (%s)\n",
                            run.reads(),
                            run.secondsToFullQueue(),
                            run == runs.get(0)
                                    ? "read from the topics"
                                    : "restarted on the local state, index rebuilt"));
        }
        return md.toString();
    }

    private static Map<String, Object> labelerSettings(
            BenchBroker broker, TopicNames names, String applicationId, Path work) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(LabelerConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers());
        settings.put(LabelerConfig.REGISTRY_URL, broker.registryUrl());
        settings.put(LabelerConfig.APPLICATION_ID, applicationId);
        settings.put(LabelerConfig.STATE_DIR, work.resolve("state").toString());
        settings.putAll(ServiceConfigs.topicSettings(LabelerConfig.DEFINITION, names));
        settings.put(LabelerConfig.HTTP_PORT, 0);
        settings.put(LabelerConfig.METRICS_PORT, -1);
        settings.put(LabelerConfig.ANNOTATORS, "bench:" + TOKEN);
        // the restarted labeler takes the partitions back when the old member's session ends
        settings.put("streams.consumer.session.timeout.ms", 6_000);
        settings.put("streams.consumer.heartbeat.interval.ms", 1_000);
        return settings;
    }

    private static JsonNode tree(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
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
