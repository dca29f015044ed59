package io.spanloop.labeler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.spanloop.events.Answer;
import io.spanloop.events.Correction;
import io.spanloop.events.ScoredSpan;
import io.spanloop.schemas.TopicNames;
import io.spanloop.testkit.KafkaEnvironment;
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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Shared by the labeler's real-broker tests: plays the answerer, calls the API, reads feedback. */
final class LabelerHarness {

    static final String ALICE_TOKEN = "alice-s3cret";
    static final String BOB_TOKEN = "bob-t0ken";
    static final ObjectMapper JSON = new ObjectMapper();

    final KafkaEnvironment env;
    final TopicNames names;
    final String applicationId = "labeler-" + UUID.randomUUID();
    final HttpClient http = HttpClient.newHttpClient();

    LabelerHarness(KafkaEnvironment env) {
        this.env = env;
        this.names = env.createTopics(env.newTopicNames(), 2);
    }

    Map<String, Object> config(Path stateDir) {
        Map<String, Object> config = new HashMap<>();
        config.put(LabelerConfig.BOOTSTRAP_SERVERS, env.bootstrapServers());
        config.put(LabelerConfig.REGISTRY_URL, env.registryUrl());
        config.put(LabelerConfig.APPLICATION_ID, applicationId);
        config.put(LabelerConfig.STATE_DIR, stateDir.toString());
        config.put(LabelerConfig.HTTP_PORT, 0);
        config.put(LabelerConfig.TOPIC_ANSWERS, names.answers());
        config.put(LabelerConfig.TOPIC_FEEDBACK, names.feedback());
        config.put(LabelerConfig.ANNOTATORS, "alice:" + ALICE_TOKEN + ",bob:" + BOB_TOKEN);
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

    void produceAnswers(List<Answer> answers) {
        Map<String, Object> props = env.producerProps();
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroKafkaSerializer.class);
        props.putAll(env.avroSerdes().serializerConfig());
        try (KafkaProducer<String, Answer> producer = new KafkaProducer<>(props)) {
            for (Answer answer : answers) {
                producer.send(
                        new ProducerRecord<>(names.answers(), answer.getQuestionId(), answer));
            }
        }
    }

    /** Corrections on the feedback topic (read_committed, from the start). */
    List<ConsumerRecord<String, Correction>> readFeedback(int expected, Duration timeout) {
        Map<String, Object> props = env.consumerProps("feedback-" + UUID.randomUUID());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroKafkaDeserializer.class);
        props.putAll(env.avroSerdes().deserializerConfig());
        List<ConsumerRecord<String, Correction>> records = new ArrayList<>();
        try (KafkaConsumer<String, Correction> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(names.feedback()));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        return records;
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
    JsonNode awaitQueue(Labeler labeler, Predicate<JsonNode> condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            Response response = get(labeler, "/api/queue?limit=100", ALICE_TOKEN);
            if (response.status() == 200) {
                last = response.body();
                if (condition.test(last)) {
                    return last;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("queue never reached the expected state; last: " + last);
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
