package io.spanloop.retrainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.spanloop.answerer.Answerer;
import io.spanloop.answerer.AnswererHarness;
import io.spanloop.events.Answer;
import io.spanloop.events.ModelStatus;
import io.spanloop.events.ModelVersion;
import io.spanloop.events.Question;
import io.spanloop.events.SliceMetrics;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.ModelStore;
import io.spanloop.qa.SquadWriter;
import io.spanloop.qa.TrainingExample;
import io.spanloop.qa.testing.ColorFacts;
import io.spanloop.qa.testing.TinyModel;
import io.spanloop.testkit.KafkaEnvironment;
import io.spanloop.testkit.KafkaEnvironmentExtension;
import io.spanloop.testkit.metrics.Exposition;
import io.spanloop.testkit.metrics.MetricsScrape;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop on a real broker: questions answered by v1, corrections on the feedback topic, the
 * retrainer publishes v2, the answerer swaps to it while questions keep flowing (each answered
 * exactly once); then a candidate taught wrong answers is REJECTED and never served.
 */
@ExtendWith(KafkaEnvironmentExtension.class)
class LearningLoopIT {

    @Test
    void shouldLearnFromCorrectionsAndServeTheNewVersionButRejectAWorseOne(
            KafkaEnvironment env, @TempDir Path store, @TempDir Path state) throws Exception {
        // Given: v1 serving, 80 questions answered by it
        ModelDirectory v1 = TinyModel.copyTo(store, 1);
        AnswererHarness answering = new AnswererHarness(env, v1, 2);
        LoopHarness loop = new LoopHarness(answering);
        List<TrainingExample> first = ColorFacts.examples(80, 11, "a");
        List<TrainingExample> second = ColorFacts.examples(60, 12, "b");
        try (Answerer answerer = answering.startAnswerer(state.resolve("answerer"));
                KafkaConsumer<String, Answer> answers = answering.answerConsumer();
                KafkaConsumer<String, ModelVersion> versions = loop.versionConsumer()) {
            answering.produce(LoopHarness.questions(first));
            List<ConsumerRecord<String, Answer>> byV1 =
                    AnswererHarness.readAtLeast(answers, 80, Duration.ofSeconds(60), Duration.ZERO);
            assertThat(byV1).allSatisfy(r -> assertThat(r.value().getModelVersion()).isEqualTo(1L));

            // When: people correct them, and the retrainer runs
            loop.correct(first, false);
            ModelVersion v2;
            Exposition trained;
            try (Retrainer retrainer =
                    Retrainer.start(
                            new RetrainerConfig(loop.retrainerConfig(store, v1.modelName())))) {
                URI metrics = retrainer.metricsUrl().orElseThrow();
                assertThat(metrics.getHost()).isEqualTo("127.0.0.1");
                v2 = LoopHarness.awaitEvents(versions, 1, Duration.ofMinutes(4)).get(0);
                // counted before the event is published
                trained = MetricsScrape.of(metrics);
            }
            assertThat(trained.value("spanloop_trainings_total", Map.of("status", "published")))
                    .isEqualTo(1);
            assertThat(trained.value("spanloop_trainings_total", Map.of("status", "rejected")))
                    .isZero();
            assertThat(
                            trained.value(
                                    "spanloop_training_duration_seconds_count",
                                    Map.of("status", "published")))
                    .isEqualTo(1);
            assertThat(
                            trained.value(
                                    "spanloop_training_duration_seconds_sum",
                                    Map.of("status", "published")))
                    .isGreaterThanOrEqualTo(v2.getTrainingSeconds());
            assertThat(trained.value("spanloop_training_examples_per_second"))
                    .isCloseTo(
                            v2.getTrainingExamples() * v2.getEpochs() / v2.getTrainingSeconds(),
                            within(1e-6));
            assertThat(trained.has("spanloop_labels_pending")).isTrue();
            assertThat(trained.families())
                    .anySatisfy(f -> assertThat(f.name()).startsWith("kafka_consumer_"));

            // Then: v2 is published with metrics, as an immutable verified directory
            assertThat(v2.getStatus()).isEqualTo(ModelStatus.PUBLISHED);
            assertThat(v2.getVersion()).isEqualTo(2L);
            assertThat(v2.getParentVersion()).isEqualTo(1L);
            assertThat(v2.getMetrics().getEvalSize()).isPositive();
            assertThat(v2.getMetrics().getCandidateF1())
                    .isGreaterThan(v2.getMetrics().getIncumbentF1() + 20);
            assertThat(v2.getFeedbackOffsets()).isNotEmpty();
            Path v2dir = store.resolve(v1.modelName()).resolve("2");
            assertThat(ModelStore.sha256(v2dir.resolve("model.pt"))).isEqualTo(v2.getSha256());

            // And: the answerer swaps while questions keep flowing, each answered exactly once
            List<Question> more = LoopHarness.questions(second);
            for (int i = 0; i < more.size(); i += 10) {
                answering.produce(more.subList(i, i + 10));
                Thread.sleep(100);
            }
            List<ConsumerRecord<String, Answer>> later =
                    AnswererHarness.readAtLeast(
                            answers, 60, Duration.ofSeconds(90), Duration.ofSeconds(2));
            Map<String, Long> perQuestion =
                    later.stream()
                            .collect(
                                    Collectors.groupingBy(
                                            ConsumerRecord::key, Collectors.counting()));
            assertThat(perQuestion)
                    .containsOnlyKeys(more.stream().map(Question::getId).toList())
                    .allSatisfy((id, n) -> assertThat(n).isEqualTo(1L));
            assertThat(later.get(later.size() - 1).value().getModelVersion()).isEqualTo(2L);
            assertThat(answerer.reloads().getServedVersion()).isEqualTo(2L);

            // When: a teacher gets the second batch consistently wrong, and the gate measures
            // on a correct seed file only (a retrainer restart picks up the new settings)
            loop.correct(second, true);
            Path seed = state.resolve("seed.json");
            SquadWriter.write(seed, "colors", ColorFacts.examples(40, 13, "seed"));
            Map<String, Object> gated = loop.retrainerConfig(store, v1.modelName());
            gated.put(RetrainerConfig.EVAL_HOLDOUT_PERCENT, 0);
            gated.put(RetrainerConfig.SEED_SQUAD_FILE, seed.toString());
            gated.put(RetrainerConfig.SEED_SQUAD_USE, "eval");
            gated.put(RetrainerConfig.TRAIN_REPLAY_RATIO, 0.0);
            ModelVersion v3;
            Exposition rejected;
            try (Retrainer retrainer = Retrainer.start(new RetrainerConfig(gated))) {
                v3 = LoopHarness.awaitEvents(versions, 1, Duration.ofMinutes(4)).get(0);
                rejected = MetricsScrape.of(retrainer.metricsUrl().orElseThrow());
            }
            assertThat(rejected.value("spanloop_trainings_total", Map.of("status", "rejected")))
                    .isEqualTo(1);
            assertThat(rejected.value("spanloop_trainings_total", Map.of("status", "published")))
                    .isZero();

            // Then: REJECTED with the metrics, never written, never served
            assertThat(v3.getStatus()).isEqualTo(ModelStatus.REJECTED);
            assertThat(v3.getVersion()).isEqualTo(3L);
            assertThat(v3.getMetrics().getEvalSize()).isEqualTo(40);
            assertThat(v3.getMetrics().getCandidateF1())
                    .isLessThan(v3.getMetrics().getIncumbentF1());
            assertThat(v3.getReason()).contains("below the incumbent");
            assertThat(store.resolve(v1.modelName()).resolve("3")).doesNotExist();
            Thread.sleep(2_000);
            assertThat(answerer.reloads().getServedVersion()).isEqualTo(2L);
            assertThat(versionDirectories(store, v1.modelName())).containsExactly("1", "2");

            // When: a third batch taught consistently wrong, a gate that would let anything
            // through on the held-out labels, and an eval file of what v2 knows
            loop.correct(ColorFacts.examples(60, 14, "c"), true);
            Path known = state.resolve("colors.squad.json");
            SquadWriter.write(known, "colors", ColorFacts.examples(60, 15, "known"));
            Map<String, Object> sliced = loop.retrainerConfig(store, v1.modelName());
            sliced.put(RetrainerConfig.EVAL_TOLERANCE, 100.0);
            sliced.put(RetrainerConfig.EVAL_SQUAD_FILES, known.toString());
            sliced.put(RetrainerConfig.TRAIN_REPLAY_RATIO, 0.0);
            ModelVersion v4;
            try (Retrainer retrainer = Retrainer.start(new RetrainerConfig(sliced))) {
                v4 = LoopHarness.awaitEvents(versions, 1, Duration.ofMinutes(4)).get(0);
            }

            // Then: the eval file's slice catches the forgetting: REJECTED, the event naming
            // the slice and its numbers
            assertThat(v4.getStatus()).isEqualTo(ModelStatus.REJECTED);
            SliceMetrics colors =
                    v4.getSlices().stream()
                            .filter(slice -> slice.getSlice().equals("file:colors"))
                            .findFirst()
                            .orElseThrow();
            assertThat(colors.getGated()).isTrue();
            assertThat(colors.getMetrics().getEvalSize()).isEqualTo(60);
            assertThat(colors.getMetrics().getCandidateExactMatch())
                    .isLessThan(colors.getMetrics().getIncumbentExactMatch() - 1.0);
            assertThat(colors.getReferenceExactMatch()).isNotNull();
            assertThat(v4.getReason())
                    .startsWith("slice file:colors (60 examples): candidate EM")
                    .contains("below the incumbent's");
            assertThat(v4.getSlices())
                    .extracting(SliceMetrics::getSlice)
                    .containsExactly("file:colors", "labels@v2", "labels@v3", "labels@new");
            assertThat(versionDirectories(store, v1.modelName())).containsExactly("1", "2");
            assertThat(answerer.reloads().getServedVersion()).isEqualTo(2L);
        }
    }

    static List<String> versionDirectories(Path store, String model) throws Exception {
        List<String> names = new ArrayList<>();
        try (var files = Files.list(store.resolve(model))) {
            files.map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith("."))
                    .sorted()
                    .forEach(names::add);
        }
        return names;
    }
}
