package io.spanloop.labeler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spanloop.config.ServiceConfigs;
import io.spanloop.events.Answer;
import io.spanloop.events.Correction;
import io.spanloop.events.ScoredSpan;
import io.spanloop.schemas.TopicNames;
import io.spanloop.schemas.Topics;
import io.spanloop.testkit.Await;
import io.spanloop.testkit.KafkaEnvironment;
import io.spanloop.testkit.Records;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Shared by the labeler's real-broker tests: plays the answerer, calls the API, reads feedback. */
final class LabelerHarness {

    static final String ALICE_TOKEN = "alice-s3cret";
    static final String BOB_TOKEN = "bob-t0ken";
    static final ObjectMapper JSON = new ObjectMapper();

    final KafkaEnvironment env;
    final TopicNames names;
    final Topics topics;
    final String applicationId = "labeler-" + UUID.randomUUID();
    final HttpClient http = HttpClient.newHttpClient();

    LabelerHarness(KafkaEnvironment env) {
        this(env, 2);
    }

    LabelerHarness(KafkaEnvironment env, int partitions) {
        this.env = env;
        this.names = env.createTopics(env.newTopicNames(), partitions);
        this.topics = env.topics(names);
    }

    Map<String, Object> config(Path stateDir) {
        Map<String, Object> config = new HashMap<>();
        config.put(LabelerConfig.BOOTSTRAP_SERVERS, env.bootstrapServers());
        config.put(LabelerConfig.REGISTRY_URL, env.registryUrl());
        config.put(LabelerConfig.APPLICATION_ID, applicationId);
        config.put(LabelerConfig.STATE_DIR, stateDir.toString());
        config.put(LabelerConfig.HTTP_PORT, 0);
        config.put(LabelerConfig.METRICS_PORT, 0);
        config.putAll(ServiceConfigs.topicSettings(LabelerConfig.DEFINITION, names));
        config.put(LabelerConfig.ANNOTATORS, "alice:" + ALICE_TOKEN + ",bob:" + BOB_TOKEN);
        config.put(LabelerConfig.ADMINS, "alice");
        // a restarted labeler takes its partitions back when the old member's session ends
        config.put("streams.consumer.session.timeout.ms", 6_000);
        config.put("streams.consumer.heartbeat.interval.ms", 1_000);
        return config;
    }

    static Answer answer(
            String id, String context, int start, int end, double score, long version) {
        ScoredSpan best =
                start < 0 ? null : new ScoredSpan(start, end, context.substring(start, end), score);
        List<ScoredSpan> candidates = new ArrayList<>();
        if (best != null) {
            candidates.add(best);
        }
        return Answer.newBuilder()
                .setQuestionId(id)
                .setQuestion("What is asked about " + id + "?")
                .setContext(context)
                .setBest(best)
                .setCandidates(candidates)
                .setNoAnswerScore(best == null ? score : 1.0 - score)
                .setModelName("tiny-bert-qa")
                .setModelVersion(version)
                .setAnsweredAt(Instant.now())
                .setInferenceMicros(1000)
                .setBatchSize(1)
                .build();
    }

    void produceVersions(List<io.spanloop.events.ModelVersion> versions) {
        try (KafkaProducer<String, io.spanloop.events.ModelVersion> producer =
                env.producer(topics.modelVersions())) {
            for (io.spanloop.events.ModelVersion version : versions) {
                producer.send(
                        new ProducerRecord<>(
                                names.modelVersions(), version.getModelName(), version));
            }
        }
    }

    /**
     * A TRAINED event of the retrainer: {@code version} fine-tuned from {@code parent} and gated
     * against it, candidate EM {@code exactMatch} (F1 one point more), the incumbent 5 points
     * lower.
     */
    static io.spanloop.events.ModelVersion trained(
            long version, long parent, io.spanloop.events.ModelStatus status, double exactMatch) {
        return io.spanloop.events.ModelVersion.newBuilder()
                .setModelName("tiny-bert-qa")
                .setVersion(version)
                .setParentVersion(parent)
                .setIncumbentVersion(parent)
                .setUri(
                        status == io.spanloop.events.ModelStatus.PUBLISHED
                                ? "file:/models/tiny-bert-qa/" + version + "/"
                                : "")
                .setSha256("")
                .setStatus(status)
                .setReason(
                        status == io.spanloop.events.ModelStatus.REJECTED
                                ? "candidate F1 is more than 1.0 below the incumbent's"
                                : null)
                .setMetrics(
                        new io.spanloop.events.EvalMetrics(
                                exactMatch, exactMatch + 1, exactMatch - 5, exactMatch - 4, 24))
                .setTrainingExamples(100 + (int) version)
                .setEpochs(2)
                .setDevice("cpu")
                .setTrainingSeconds(20.0 + version)
                .setCreatedAt(Instant.now().minusSeconds(600 - version * 60))
                .build();
    }

    void produceProgress(io.spanloop.events.TrainingProgress report) {
        try (KafkaProducer<String, io.spanloop.events.TrainingProgress> producer =
                env.producer(topics.trainingProgress())) {
            producer.send(
                    new ProducerRecord<>(names.trainingProgress(), report.getModelName(), report));
        }
    }

    /** The model-versions topic's events (read_committed, from the start). */
    List<io.spanloop.events.ModelVersion> readVersions(int expected, Duration timeout) {
        try (KafkaConsumer<String, io.spanloop.events.ModelVersion> consumer =
                env.consumer(topics.modelVersions())) {
            return Records.readAtLeast(consumer, expected, timeout, Duration.ofMillis(500)).stream()
                    .map(ConsumerRecord::value)
                    .toList();
        }
    }

    void produceAnswers(List<Answer> answers) {
        try (KafkaProducer<String, Answer> producer = env.producer(topics.answers())) {
            for (Answer answer : answers) {
                producer.send(
                        new ProducerRecord<>(names.answers(), answer.getQuestionId(), answer));
            }
        }
    }

    /** Corrections on the feedback topic (read_committed, from the start). */
    List<ConsumerRecord<String, Correction>> readFeedback(int expected, Duration timeout) {
        try (KafkaConsumer<String, Correction> consumer = env.consumer(topics.feedback())) {
            return Records.readAtLeast(consumer, expected, timeout, Duration.ofMillis(500));
        }
    }

    record Response(int status, JsonNode body, HttpResponse<String> raw) {}

    Response call(
            String method, String url, String bearer, String json, Map<String, String> headers) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        headers.forEach(request::header);
        if (json != null) {
            request.header("Content-Type", "application/json");
            request.method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> response =
                    http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isEmpty() ? null : JSON.readTree(response.body());
            return new Response(response.statusCode(), body, response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Response get(Labeler labeler, String path, String bearer) {
        return call("GET", labeler.baseUrl() + path, bearer, null, Map.of());
    }

    Response post(Labeler labeler, String path, String bearer, String json) {
        return call("POST", labeler.baseUrl() + path, bearer, json, Map.of());
    }

    /** Polls the queue until {@code condition} holds for it. */
    JsonNode awaitQueue(Labeler labeler, Predicate<JsonNode> condition, Duration timeout) {
        return Await.until(
                        () -> get(labeler, "/api/queue?limit=100", ALICE_TOKEN),
                        response -> response.status() == 200 && condition.test(response.body()),
                        timeout,
                        "the queue to reach the expected state")
                .body();
    }

    static String correction(String id, String verdict, Integer start, Integer end, String text) {
        Map<String, Object> body = new HashMap<>();
        body.put("questionId", id);
        body.put("verdict", verdict);
        if (start != null) {
            body.put("start", start);
            body.put("end", end);
            body.put("text", text);
        }
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
