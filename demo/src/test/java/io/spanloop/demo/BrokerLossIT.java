package io.spanloop.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spanloop.answerer.Answerer;
import io.spanloop.answerer.AnswererConfig;
import io.spanloop.config.ServiceConfigs;
import io.spanloop.events.Answer;
import io.spanloop.events.Correction;
import io.spanloop.events.ModelVersion;
import io.spanloop.events.Question;
import io.spanloop.labeler.Labeler;
import io.spanloop.labeler.LabelerConfig;
import io.spanloop.retrainer.Retrainer;
import io.spanloop.retrainer.RetrainerConfig;
import io.spanloop.schemas.AvroSerdes;
import io.spanloop.schemas.TopicNames;
import io.spanloop.schemas.Topics;
import io.spanloop.testkit.KafkaEnvironment;
import io.spanloop.testkit.KafkaEnvironmentExtension;
import io.spanloop.testkit.KafkaTestCluster;
import io.spanloop.testkit.Records;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop on a 3-broker cluster (replication factor 3, min.insync.replicas 2 for every topic
 * and the Streams internal topics): one broker is stopped while questions flow, corrections are
 * written and a version is trained, then brought back. No question is lost or answered twice, no
 * confirmed correction is lost, and each version is published once.
 */
@ExtendWith(KafkaEnvironmentExtension.class)
class BrokerLossIT {

    private static final int QUESTIONS = 240;
    private static final int CORRECTIONS = 60;
    private static final String TOKEN = "t0ken";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldLoseNothingAndDoubleNothingWhenABrokerGoesAwayAndComesBack(
            KafkaEnvironment env, @TempDir Path data) throws Exception {
        TopicNames names = env.newTopicNames();
        Topics topics = Topics.of(names, AvroSerdes.forRegistry(env.registryUrl()));
        Path store = data.resolve("models");
        copyDemoModel(store.resolve("demo-qa").resolve("1"));
        try (KafkaTestCluster cluster = KafkaTestCluster.start(3)) {
            for (String topic : names.all()) {
                cluster.createTopic(topic, 2); // replication factor 3, min.insync.replicas 2
            }
            String bootstrap = cluster.bootstrapServers();
            try (Answerer answerer =
                            Answerer.start(answererConfig(env, names, bootstrap, store, data));
                    Labeler labeler = Labeler.start(labelerConfig(env, names, bootstrap, data));
                    Retrainer retrainer =
                            Retrainer.start(retrainerConfig(env, names, bootstrap, store));
                    KafkaConsumer<String, Answer> answers =
                            consumer(env, bootstrap, topics.answers())) {
                answers.subscribe(List.of(names.answers()));
                // Given: questions flowing in
                CompletableFuture<Void> asking =
                        CompletableFuture.runAsync(() -> ask(env, topics, bootstrap));
                List<ConsumerRecord<String, Answer>> seen =
                        new ArrayList<>(
                                Records.readAtLeast(
                                        answers, 40, Duration.ofSeconds(120), Duration.ZERO));
                // When: a broker goes away while people correct answers and a version trains
                cluster.stopBroker(1);
                Set<String> confirmed = correct(labeler, CORRECTIONS);
                Thread.sleep(5_000);
                cluster.restartBroker(1);
                asking.get(3, TimeUnit.MINUTES);
                seen.addAll(
                        Records.readAtLeast(
                                answers,
                                QUESTIONS - seen.size(),
                                Duration.ofMinutes(3),
                                Duration.ofSeconds(3)));

                // Then: every question answered exactly once
                Map<String, Long> perQuestion =
                        seen.stream()
                                .collect(
                                        Collectors.groupingBy(
                                                ConsumerRecord::key, Collectors.counting()));
                assertThat(perQuestion).hasSize(QUESTIONS);
                assertThat(perQuestion).allSatisfy((id, n) -> assertThat(n).isEqualTo(1L));
                // And: every confirmed correction is in the feedback topic
                assertThat(confirmed).hasSize(CORRECTIONS);
                try (KafkaConsumer<String, Correction> feedback =
                        consumer(env, bootstrap, topics.feedback())) {
                    feedback.subscribe(List.of(names.feedback()));
                    Set<String> stored =
                            Records.readAtLeast(
                                            feedback,
                                            CORRECTIONS,
                                            Duration.ofMinutes(1),
                                            Duration.ofSeconds(2))
                                    .stream()
                                    .map(ConsumerRecord::key)
                                    .collect(Collectors.toSet());
                    assertThat(stored).containsAll(confirmed);
                }
                // And: the version trained from them is published exactly once
                try (KafkaConsumer<String, ModelVersion> versions =
                        consumer(env, bootstrap, topics.modelVersions())) {
                    versions.subscribe(List.of(names.modelVersions()));
                    List<Long> published =
                            Records.readAtLeast(
                                            versions,
                                            1,
                                            Duration.ofMinutes(4),
                                            Duration.ofSeconds(3))
                                    .stream()
                                    .map(r -> r.value().getVersion())
                                    .toList();
                    assertThat(published).isNotEmpty().doesNotHaveDuplicates();
                }
            }
        }
    }

    /** Corrects {@code count} answered questions through the labeler's API; the confirmed ids. */
    private static Set<String> correct(Labeler labeler, int count) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Set<String> confirmed = new HashSet<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (confirmed.size() < count && System.nanoTime() < deadline) {
            HttpResponse<String> queue =
                    http.send(
                            request(labeler, "api/queue?limit=20").GET().build(),
                            HttpResponse.BodyHandlers.ofString());
            if (queue.statusCode() != 200) {
                Thread.sleep(500);
                continue;
            }
            for (JsonNode item : JSON.readTree(queue.body()).get("items")) {
                String id = item.get("questionId").asText();
                if (confirmed.contains(id) || confirmed.size() >= count) {
                    continue;
                }
                String body =
                        JSON.writeValueAsString(Map.of("questionId", id, "verdict", "ACCEPTED"));
                HttpResponse<String> written =
                        http.send(
                                request(labeler, "api/corrections")
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString(body))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                if (written.statusCode() == 201) {
                    confirmed.add(id);
                } // a 503 is "not confirmed, retry": the item stays in the queue
            }
        }
        return confirmed;
    }

    private static HttpRequest.Builder request(Labeler labeler, String path) {
        return HttpRequest.newBuilder(URI.create(labeler.baseUrl() + "/" + path))
                .header("Authorization", "Bearer " + TOKEN)
                .timeout(Duration.ofSeconds(60));
    }

    private static void ask(KafkaEnvironment env, Topics topics, String bootstrap) {
        Map<String, Object> overrides = Map.of("bootstrap.servers", bootstrap);
        try (KafkaProducer<String, Question> producer =
                env.producer(topics.questions(), overrides)) {
            for (int i = 0; i < QUESTIONS; i++) {
                Question question =
                        Question.newBuilder()
                                .setId("lost-" + i)
                                .setQuestion("What is Kalomir famous for?")
                                .setContext(
                                        "Kalomir lies on the river Dorash. Kalomir is famous for"
                                                + " its glass. Visitor "
                                                + i
                                                + ".")
                                .setSubmittedAt(Instant.now())
                                .build();
                producer.send(
                        new ProducerRecord<>(
                                topics.questions().name(), question.getId(), question));
                if (i % 10 == 9) {
                    producer.flush();
                    Thread.sleep(150);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static <K, V> KafkaConsumer<K, V> consumer(
            KafkaEnvironment env, String bootstrap, io.spanloop.schemas.Topic<K, V> topic) {
        Map<String, Object> props =
                new HashMap<>(env.consumerProps("broker-loss-" + java.util.UUID.randomUUID()));
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return new KafkaConsumer<>(
                props, topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    }

    private static AnswererConfig answererConfig(
            KafkaEnvironment env, TopicNames names, String bootstrap, Path store, Path data) {
        Map<String, Object> config = new HashMap<>();
        config.put(AnswererConfig.BOOTSTRAP_SERVERS, bootstrap);
        config.put(AnswererConfig.REGISTRY_URL, env.registryUrl());
        config.put(AnswererConfig.APPLICATION_ID, "answerer-" + java.util.UUID.randomUUID());
        config.put(AnswererConfig.STATE_DIR, data.resolve("answerer").toString());
        config.put(AnswererConfig.MODEL_DIR, store.resolve("demo-qa").resolve("1").toString());
        config.put(AnswererConfig.MODEL_DEVICE, "cpu");
        config.putAll(ServiceConfigs.topicSettings(AnswererConfig.DEFINITION, names));
        config.put(AnswererConfig.METRICS_PORT, 0);
        return new AnswererConfig(config);
    }

    private static LabelerConfig labelerConfig(
            KafkaEnvironment env, TopicNames names, String bootstrap, Path data) {
        Map<String, Object> config = new HashMap<>();
        config.put(LabelerConfig.BOOTSTRAP_SERVERS, bootstrap);
        config.put(LabelerConfig.REGISTRY_URL, env.registryUrl());
        config.put(LabelerConfig.APPLICATION_ID, "labeler-" + java.util.UUID.randomUUID());
        config.put(LabelerConfig.STATE_DIR, data.resolve("labeler").toString());
        config.put(LabelerConfig.HTTP_PORT, 0);
        config.put(LabelerConfig.ANNOTATORS, "tester:" + TOKEN);
        config.putAll(ServiceConfigs.topicSettings(LabelerConfig.DEFINITION, names));
        config.put(LabelerConfig.METRICS_PORT, 0);
        return new LabelerConfig(config);
    }

    private static RetrainerConfig retrainerConfig(
            KafkaEnvironment env, TopicNames names, String bootstrap, Path store) {
        Map<String, Object> config = new HashMap<>();
        config.put(RetrainerConfig.BOOTSTRAP_SERVERS, bootstrap);
        config.put(RetrainerConfig.REGISTRY_URL, env.registryUrl());
        config.putAll(ServiceConfigs.topicSettings(RetrainerConfig.DEFINITION, names));
        config.put(RetrainerConfig.MODEL_STORE, store.toString());
        config.put(RetrainerConfig.MODEL_NAME, "demo-qa");
        config.put(RetrainerConfig.TRIGGER_MIN_LABELS, 40);
        config.put(RetrainerConfig.TRIGGER_INTERVAL_MS, 3_600_000L);
        config.put(RetrainerConfig.TRIGGER_CHECK_MS, 300L);
        config.put(RetrainerConfig.TRAIN_EPOCHS, 1);
        config.put(RetrainerConfig.TRAIN_DEVICE, "cpu");
        config.put(RetrainerConfig.METRICS_PORT, 0);
        return new RetrainerConfig(config);
    }

    private static void copyDemoModel(Path target) throws Exception {
        Files.createDirectories(target);
        try (var files = Files.list(LocalRunIT.DEMO_MODEL)) {
            for (Path file : files.toList()) {
                Files.copy(file, target.resolve(file.getFileName()));
            }
        }
    }
}
