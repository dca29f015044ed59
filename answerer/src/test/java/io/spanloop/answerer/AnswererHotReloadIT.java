package io.spanloop.answerer;

import static org.assertj.core.api.Assertions.assertThat;

import io.spanloop.events.Answer;
import io.spanloop.events.EvalMetrics;
import io.spanloop.events.ModelStatus;
import io.spanloop.events.ModelVersion;
import io.spanloop.events.Question;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.testing.TinyModel;
import io.spanloop.testkit.Await;
import io.spanloop.testkit.KafkaEnvironment;
import io.spanloop.testkit.KafkaEnvironmentExtension;
import io.spanloop.testkit.Records;
import io.spanloop.testkit.metrics.Exposition;
import io.spanloop.testkit.metrics.MetricsScrape;
import io.spanloop.versions.VersionActions;
import io.spanloop.versions.VersionLog;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot reload on a real broker: a PUBLISHED version is swapped in while questions flow (every
 * question answered exactly once, later answers name the new version); corrupt or mismatching
 * versions are refused and the running model stays; a restarted answerer serves the newest
 * PUBLISHED version; promoted and pinned versions are served as the version log says, across swaps
 * and restarts.
 */
@ExtendWith(KafkaEnvironmentExtension.class)
class AnswererHotReloadIT {

    @Test
    void shouldSwapToPublishedVersionsWhileAnsweringAndRefuseBadOnes(
            KafkaEnvironment env, @TempDir Path store, @TempDir Path stateDir) throws Exception {
        // Given: v1 served; v2 (a valid copy) will be published while questions flow
        ModelDirectory v1 = TinyModel.copyTo(store, 1);
        ModelDirectory v2 = TinyModel.copyTo(store, 2);
        AnswererHarness harness = new AnswererHarness(env, v1, 2);
        List<Question> questions = Questions.mixed("swap", 240);
        try (Answerer answerer = harness.startAnswerer(stateDir.resolve("a"));
                KafkaConsumer<String, Answer> consumer = harness.answerConsumer()) {
            CompletableFuture<Void> producing =
                    CompletableFuture.runAsync(() -> produceSlowly(harness, questions));
            List<ConsumerRecord<String, Answer>> answers =
                    new ArrayList<>(
                            Records.readAtLeast(
                                    consumer, 40, Duration.ofSeconds(60), Duration.ZERO));
            // When
            publish(
                    harness,
                    event(v2, ModelStatus.PUBLISHED, ModelReloader.sha256(v2.modelFile())));
            producing.get(120, TimeUnit.SECONDS);
            answers.addAll(
                    Records.readAtLeast(
                            consumer,
                            questions.size() - answers.size(),
                            Duration.ofSeconds(90),
                            Duration.ofSeconds(2)));
            // Then: exactly once across the swap, and the swap happened mid-stream
            Map<String, Long> perQuestion =
                    answers.stream()
                            .collect(
                                    Collectors.groupingBy(
                                            ConsumerRecord::key, Collectors.counting()));
            assertThat(perQuestion)
                    .containsOnlyKeys(questions.stream().map(Question::getId).toList())
                    .allSatisfy((id, count) -> assertThat(count).isEqualTo(1L));
            Map<Long, Long> perVersion =
                    answers.stream()
                            .collect(
                                    Collectors.groupingBy(
                                            r -> r.value().getModelVersion(),
                                            Collectors.counting()));
            assertThat(perVersion.keySet()).containsExactlyInAnyOrder(1L, 2L);
            assertThat(answers.get(answers.size() - 1).value().getModelVersion()).isEqualTo(2L);
            assertThat(answerer.reloads().getServedVersion()).isEqualTo(2L);

            // When: v3 is corrupt (its event even has the right checksum), v4 mismatches its sum
            ModelDirectory v3 = TinyModel.copyTo(store, 3);
            Files.write(v3.modelFile(), new byte[] {1, 2, 3});
            publish(
                    harness,
                    event(v3, ModelStatus.PUBLISHED, ModelReloader.sha256(v3.modelFile())));
            ModelDirectory v4 = TinyModel.copyTo(store, 4);
            publish(harness, event(v4, ModelStatus.PUBLISHED, "00".repeat(32)));
            // And: a REJECTED v5 is never loaded
            ModelDirectory v5 = TinyModel.copyTo(store, 5);
            publish(harness, event(v5, ModelStatus.REJECTED, ModelReloader.sha256(v5.modelFile())));
            awaitRefusals(answerer, 2);
            // Then: v2 keeps serving
            harness.produce(List.of(Questions.question("after-bad", "what?", "paris is a city")));
            List<ConsumerRecord<String, Answer>> later =
                    Records.readAtLeast(consumer, 1, Duration.ofSeconds(30), Duration.ZERO);
            assertThat(later)
                    .singleElement()
                    .satisfies(r -> assertThat(r.value().getModelVersion()).isEqualTo(2L));
            assertThat(answerer.reloads().getServedVersion()).isEqualTo(2L);
            assertThat(answerer.reloads().getLastRefusal()).contains("v4").contains("sha256");
            // And: /metrics shows the swap, the refusals and the answers of each version
            Exposition metrics = MetricsScrape.of(answerer.metricsUrl().orElseThrow());
            assertThat(metrics.value("spanloop_model_served_version")).isEqualTo(2);
            assertThat(metrics.value("spanloop_model_versions_loaded_total")).isEqualTo(1);
            assertThat(metrics.value("spanloop_model_versions_refused_total")).isEqualTo(2);
            assertThat(metrics.value("spanloop_answers_total", Map.of("model_version", "1")))
                    .isEqualTo((double) perVersion.get(1L));
            assertThat(metrics.value("spanloop_answers_total", Map.of("model_version", "2")))
                    .isEqualTo((double) perVersion.get(2L) + 1);
        }

        // And: a new instance serves the newest PUBLISHED, loadable version from the start
        try (Answerer restarted = harness.startAnswerer(stateDir.resolve("b"))) {
            assertThat(restarted.models().current().version()).isEqualTo(2L);
        }
    }

    @Test
    void shouldRefusePoisonOnTheModelVersionsTopicAndKeepFollowingIt(
            KafkaEnvironment env, @TempDir Path store, @TempDir Path elsewhere, @TempDir Path state)
            throws Exception {
        // Given: v1 served from the store
        ModelDirectory v1 = TinyModel.copyTo(store, 1);
        AnswererHarness harness = new AnswererHarness(env, v1, 1);
        try (Answerer answerer = harness.startAnswerer(state)) {
            ModelReloaderMBean reloads = answerer.reloads();

            // When: bytes that are no event, and an event for another model
            try (KafkaProducer<byte[], byte[]> bytes = harness.rawProducer()) {
                bytes.send(
                        new ProducerRecord<>(
                                harness.names.modelVersions(),
                                v1.modelName().getBytes(StandardCharsets.UTF_8),
                                "not an event".getBytes(StandardCharsets.UTF_8)));
            }
            ModelDirectory foreign = TinyModel.copyTo(elsewhere.resolve("other"), 2);
            publish(harness, withName(event(foreign, ModelStatus.PUBLISHED, "00"), "other-model"));
            // Then: each skipped and counted
            Await.until(() -> reloads.getUnreadableEvents() == 1, Duration.ofSeconds(60), "1");
            Await.until(() -> reloads.getIgnoredEvents() == 1, Duration.ofSeconds(60), "ignored");

            // When: PUBLISHED versions pointing outside the store, in four ways
            ModelDirectory outside = TinyModel.copyTo(elsewhere, 2);
            String sha = ModelReloader.sha256(outside.modelFile());
            refused(
                    harness,
                    reloads,
                    1,
                    event(outside, 2, "file:/etc/", sha),
                    "outside the model store");
            // <store>/<name>/../../<the other directory>/... : textually under the store
            Path dotDot = store.resolve(v1.modelName()).resolve("..").resolve("..");
            String escaping =
                    dotDot.resolve(store.getParent().relativize(outside.path())).toUri().toString();
            refused(
                    harness,
                    reloads,
                    2,
                    event(outside, 3, escaping, sha),
                    "outside the model store");
            Path linked = store.resolve(v1.modelName()).resolve("4");
            Files.createSymbolicLink(linked, outside.path());
            refused(
                    harness,
                    reloads,
                    3,
                    event(outside, 4, linked.toUri().toString(), sha),
                    "really");
            refused(harness, reloads, 4, event(outside, 5, "https://example.org/m", sha), "file:");
            // And: a version with a symlinked model.pt, and one with a 3 GB model.pt (sparse)
            ModelDirectory v6 = TinyModel.copyTo(store, 6);
            Files.delete(v6.modelFile());
            Files.createSymbolicLink(v6.modelFile(), outside.modelFile());
            refused(
                    harness,
                    reloads,
                    5,
                    event(v6, 6, v6.path().toUri().toString(), sha),
                    "links outside");
            ModelDirectory v7 = TinyModel.copyTo(store, 7);
            try (RandomAccessFile file = new RandomAccessFile(v7.modelFile().toFile(), "rw")) {
                file.setLength(3L << 30);
            }
            refused(
                    harness,
                    reloads,
                    6,
                    event(v7, 7, v7.path().toUri().toString(), sha),
                    "3221225472 bytes");

            // Then: v1 still serves, and a good version after all that is loaded
            assertThat(reloads.getServedVersion()).isEqualTo(1L);
            ModelDirectory v8 = TinyModel.copyTo(store, 8);
            publish(
                    harness,
                    event(v8, ModelStatus.PUBLISHED, ModelReloader.sha256(v8.modelFile())));
            Await.until(() -> reloads.getServedVersion() == 8L, Duration.ofSeconds(60), "v8");
            assertThat(reloads.getRefusedVersions()).isEqualTo(6);
        }
    }

    @Test
    void shouldServePromotedAndPinnedVersionsAcrossSwapsAndRestarts(
            KafkaEnvironment env, @TempDir Path store, @TempDir Path stateDir) throws Exception {
        // Given: v1 configured, v2 and v3 passed the gate one after the other (v3 serves)
        ModelDirectory v1 = TinyModel.copyTo(store, 1);
        AnswererHarness harness = new AnswererHarness(env, v1, 2);
        VersionLog log = new VersionLog(v1.modelName());
        try (Answerer answerer = harness.startAnswerer(stateDir.resolve("a"));
                KafkaConsumer<String, Answer> consumer = harness.answerConsumer()) {
            ModelReloaderMBean reloads = answerer.reloads();
            publishTrained(harness, log, TinyModel.copyTo(store, 2), 1);
            publishTrained(harness, log, TinyModel.copyTo(store, 3), 2);
            Await.until(() -> reloads.getServedVersion() == 3L, Duration.ofSeconds(60), "v3");

            // When: an operator promotes v2 while questions flow
            List<Question> questions = Questions.mixed("promote", 240);
            CompletableFuture<Void> producing =
                    CompletableFuture.runAsync(() -> produceSlowly(harness, questions));
            List<ConsumerRecord<String, Answer>> answers =
                    new ArrayList<>(
                            Records.readAtLeast(
                                    consumer, 40, Duration.ofSeconds(60), Duration.ZERO));
            publishAction(
                    harness, log, VersionActions.promote(log, 2, "alice", null, Instant.now()));
            producing.get(120, TimeUnit.SECONDS);
            answers.addAll(
                    Records.readAtLeast(
                            consumer,
                            questions.size() - answers.size(),
                            Duration.ofSeconds(90),
                            Duration.ofSeconds(2)));

            // Then: each question answered once, by v3 or v2 (two stream threads write the
            // answers, so their order across the switch is not one timeline)
            assertThat(
                            answers.stream()
                                    .collect(
                                            Collectors.groupingBy(
                                                    ConsumerRecord::key, Collectors.counting())))
                    .containsOnlyKeys(questions.stream().map(Question::getId).toList())
                    .allSatisfy((id, count) -> assertThat(count).isEqualTo(1L));
            assertThat(answers)
                    .extracting(r -> r.value().getModelVersion())
                    .containsOnly(3L, 2L)
                    .contains(3L);
            // And: once switched, every later question is answered by v2
            Await.until(() -> reloads.getServedVersion() == 2L, Duration.ofSeconds(60), "v2");
            List<Question> later = Questions.mixed("after-promote", 20);
            harness.produce(later);
            assertThat(Records.readAtLeast(consumer, 20, Duration.ofSeconds(60), Duration.ZERO))
                    .hasSize(20)
                    .allSatisfy(r -> assertThat(r.value().getModelVersion()).isEqualTo(2L));

            // When: v2 is pinned and a candidate gated against v2 passes meanwhile
            publishAction(harness, log, VersionActions.pin(log, 2, "bob", null, Instant.now()));
            publishTrained(harness, log, TinyModel.copyTo(store, 4), 2);
            // Then: a new answerer (reading the whole topic) serves the pinned v2, not v4
            try (Answerer restarted = harness.startAnswerer(stateDir.resolve("b"))) {
                assertThat(restarted.models().current().version()).isEqualTo(2L);
            }
            assertThat(reloads.getServedVersion()).isEqualTo(2L);

            // When: unpinned, the next passing candidate serves again
            publishAction(harness, log, VersionActions.unpin(log, "bob", null, Instant.now()));
            publishTrained(harness, log, TinyModel.copyTo(store, 5), 2);
            Await.until(() -> reloads.getServedVersion() == 5L, Duration.ofSeconds(60), "v5");

            // When: the base version, which has no event of its own, is promoted
            publishAction(
                    harness, log, VersionActions.promote(log, 1, "alice", null, Instant.now()));
            Await.until(() -> reloads.getServedVersion() == 1L, Duration.ofSeconds(60), "v1");
            harness.produce(
                    List.of(Questions.question("after-rollback", "what?", "paris is a city")));
            assertThat(Records.readAtLeast(consumer, 1, Duration.ofSeconds(30), Duration.ZERO))
                    .singleElement()
                    .satisfies(r -> assertThat(r.value().getModelVersion()).isEqualTo(1L));
            assertThat(reloads.getRefusedVersions()).isZero();
        }
        // And: restarted, the promoted base version serves from the start
        try (Answerer restarted = harness.startAnswerer(stateDir.resolve("c"))) {
            assertThat(restarted.models().current().version()).isEqualTo(1L);
        }
    }

    /** A candidate the retrainer trained and gated against {@code incumbent}, passing. */
    private static void publishTrained(
            AnswererHarness harness, VersionLog log, ModelDirectory dir, long incumbent)
            throws java.io.IOException {
        ModelVersion event =
                event(dir, ModelStatus.PUBLISHED, ModelReloader.sha256(dir.modelFile()));
        event.setParentVersion(incumbent);
        event.setIncumbentVersion(incumbent);
        publish(harness, event);
        log.add(event);
    }

    private static void publishAction(AnswererHarness harness, VersionLog log, ModelVersion event) {
        publish(harness, event);
        log.add(event);
    }

    private static void refused(
            AnswererHarness harness,
            ModelReloaderMBean reloads,
            long count,
            ModelVersion event,
            String reason) {
        publish(harness, event);
        Await.until(
                () -> reloads.getRefusedVersions() >= count,
                Duration.ofSeconds(60),
                "refusal of v" + event.getVersion());
        assertThat(reloads.getLastRefusal()).contains("v" + event.getVersion()).contains(reason);
    }

    private static ModelVersion event(ModelDirectory dir, long version, String uri, String sha) {
        ModelVersion event = event(dir, ModelStatus.PUBLISHED, sha);
        event.setVersion(version);
        event.setParentVersion(version - 1); // gated against the one before: served if it loads
        event.setUri(uri);
        return event;
    }

    private static ModelVersion withName(ModelVersion event, String modelName) {
        event.setModelName(modelName);
        return event;
    }

    private static void awaitRefusals(Answerer answerer, long count) {
        Await.until(
                () -> answerer.reloads().getRefusedVersions() >= count,
                Duration.ofSeconds(60),
                count + " refused versions");
        assertThat(answerer.reloads().getRefusedVersions()).isEqualTo(count);
    }

    private static ModelVersion event(ModelDirectory dir, ModelStatus status, String sha256) {
        return ModelVersion.newBuilder()
                .setModelName(dir.modelName())
                .setVersion(dir.version())
                .setParentVersion(dir.version() - 1)
                .setUri(dir.path().toUri().toString())
                .setSha256(sha256)
                .setStatus(status)
                .setMetrics(new EvalMetrics(50.0, 60.0, 40.0, 50.0, 10))
                .setTrainingExamples(10)
                .setEpochs(1)
                .setDevice("cpu")
                .setTrainingSeconds(1.0)
                .setCreatedAt(Instant.now())
                .build();
    }

    /** The test plays the retrainer, the topic's one writer. */
    private static void publish(AnswererHarness harness, ModelVersion event) {
        try (KafkaProducer<String, ModelVersion> producer =
                harness.env.producer(harness.topics.modelVersions())) {
            producer.send(
                    new ProducerRecord<>(
                            harness.names.modelVersions(), event.getModelName(), event));
        }
    }

    private static void produceSlowly(AnswererHarness harness, List<Question> questions) {
        for (int i = 0; i < questions.size(); i += 10) {
            harness.produce(questions.subList(i, Math.min(i + 10, questions.size())));
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
