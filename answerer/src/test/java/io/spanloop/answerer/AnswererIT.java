package io.spanloop.answerer;

import static org.assertj.core.api.Assertions.assertThat;

import io.spanloop.events.Answer;
import io.spanloop.events.Question;
import io.spanloop.events.ScoredSpan;
import io.spanloop.events.TokenScores;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.testing.TinyModel;
import io.spanloop.schemas.ProbabilityBytes;
import io.spanloop.testkit.Await;
import io.spanloop.testkit.KafkaEnvironment;
import io.spanloop.testkit.KafkaEnvironmentExtension;
import io.spanloop.testkit.Records;
import io.spanloop.testkit.metrics.Exposition;
import io.spanloop.testkit.metrics.MetricFamily;
import io.spanloop.testkit.metrics.MetricsScrape;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The answerer on a real KRaft broker and a real registry, driven by plain Kafka clients. */
@ExtendWith(KafkaEnvironmentExtension.class)
class AnswererIT {

    @TempDir static Path store;
    private static ModelDirectory model;

    @BeforeAll
    static void model() {
        model = TinyModel.copyTo(store, 1);
    }

    @Test
    void shouldAnswerEveryValidQuestionOnceAndDeadLetterTheMalformedOnes(
            KafkaEnvironment env, @TempDir Path stateDir) throws Exception {
        // Given
        AnswererHarness harness = new AnswererHarness(env, model, 2);
        List<Question> valid = Questions.mixed("q", 40);
        byte[] garbage = "definitely not avro".getBytes(StandardCharsets.UTF_8);
        try (Answerer answerer = harness.startAnswerer(stateDir)) {
            URI metrics = answerer.metricsUrl().orElseThrow();
            assertThat(metrics.getHost()).isEqualTo("127.0.0.1");
            Exposition before = MetricsScrape.of(metrics);
            assertThat(before.sum("spanloop_answers_total")).isZero();
            assertThat(before.value("spanloop_model_served_version", Map.of("precision", "fp32")))
                    .isEqualTo(1);
            // When: valid and malformed questions from plain producers
            harness.produce(valid.subList(0, 20));
            try (KafkaProducer<byte[], byte[]> raw = harness.rawProducer();
                    KafkaProducer<String, Question> avro = harness.questionProducer()) {
                raw.send(new ProducerRecord<>(harness.names.questions(), null, garbage)).get();
                avro.send(
                                new ProducerRecord<>(
                                        harness.names.questions(),
                                        "empty",
                                        Questions.question("empty", "what?", "")))
                        .get();
                avro.send(
                                new ProducerRecord<>(
                                        harness.names.questions(),
                                        "huge",
                                        Questions.question("huge", "what?", "x ".repeat(15_000))))
                        .get();
            }
            harness.produce(valid.subList(20, 40));

            // Then: exactly one committed answer per valid question, spans exact
            List<ConsumerRecord<String, Answer>> answers;
            try (KafkaConsumer<String, Answer> consumer = harness.answerConsumer()) {
                answers =
                        Records.readAtLeast(
                                consumer,
                                valid.size(),
                                Duration.ofSeconds(60),
                                Duration.ofSeconds(2));
            }
            Map<String, Long> perQuestion =
                    answers.stream()
                            .collect(
                                    Collectors.groupingBy(
                                            ConsumerRecord::key, Collectors.counting()));
            assertThat(perQuestion)
                    .containsOnlyKeys(valid.stream().map(Question::getId).toList())
                    .allSatisfy((id, count) -> assertThat(count).isEqualTo(1L));
            Map<String, Question> byId =
                    valid.stream().collect(Collectors.toMap(Question::getId, Function.identity()));
            for (ConsumerRecord<String, Answer> record : answers) {
                Answer answer = record.value();
                assertThat(answer.getContext()).isEqualTo(byId.get(record.key()).getContext());
                assertThat(answer.getModelVersion()).isEqualTo(1L);
                assertThat(answer.getTokenScores()).as("token scores are off by default").isNull();
                for (ScoredSpan span : answer.getCandidates()) {
                    assertThat(answer.getContext().substring(span.getStart(), span.getEnd()))
                            .isEqualTo(span.getText());
                }
            }

            // And: the three malformed ones on the DLQ with their reasons and original bytes
            List<ConsumerRecord<byte[], byte[]>> dead;
            try (KafkaConsumer<byte[], byte[]> consumer = harness.dlqConsumer()) {
                dead = Records.readAtLeast(consumer, 3, Duration.ofSeconds(30), Duration.ZERO);
            }
            assertThat(dead).hasSize(3);
            assertThat(dead)
                    .extracting(AnswererIT::reason)
                    .contains(
                            "context is missing or empty",
                            "context has 30000 chars, more than the limit of 20000")
                    .anySatisfy(r -> assertThat(r).startsWith("undeserializable question: "));
            assertThat(dead)
                    .filteredOn(r -> reason(r).startsWith("undeserializable"))
                    .singleElement()
                    .satisfies(r -> assertThat(r.value()).isEqualTo(garbage));

            // And: /metrics counted them, as Prometheus scrapes it
            Exposition after =
                    Await.until(
                            () -> MetricsScrape.of(metrics),
                            e -> e.sum("spanloop_dead_letters_total") == 3,
                            Duration.ofSeconds(10),
                            "the dead letters on /metrics");
            assertThat(after.value("spanloop_answers_total", Map.of("model_version", "1")))
                    .isEqualTo(valid.size());
            assertThat(after.value("spanloop_dead_letters_total", Map.of("reason", "too_long")))
                    .isEqualTo(1);
            assertThat(
                            after.value(
                                    "spanloop_dead_letters_total",
                                    Map.of("reason", "missing_field")))
                    .isEqualTo(1);
            assertThat(
                            after.value(
                                    "spanloop_dead_letters_total",
                                    Map.of("reason", "undeserializable")))
                    .isEqualTo(1);
            assertThat(after.value("spanloop_batch_size_questions_sum")).isEqualTo(valid.size());
            assertThat(after.value("spanloop_inference_seconds_bucket", Map.of("le", "+Inf")))
                    .isEqualTo(after.value("spanloop_batch_size_questions_count"))
                    .isPositive();
            assertThat(after.family("spanloop_inference_seconds").orElseThrow().type())
                    .isEqualTo(MetricFamily.Type.HISTOGRAM);
            // where the model calls' time went: every stage ran, and the model took the most
            double forward =
                    after.value("spanloop_model_stage_seconds_total", Map.of("stage", "forward"));
            assertThat(after.value("spanloop_model_stage_seconds_total", Map.of("stage", "encode")))
                    .isPositive()
                    .isLessThan(forward);
            assertThat(after.value("spanloop_model_stage_seconds_total", Map.of("stage", "decode")))
                    .isPositive()
                    .isLessThan(forward);
            assertThat(forward).isLessThanOrEqualTo(after.value("spanloop_inference_seconds_sum"));
            // the Kafka Streams client's own metrics and the JVM's, from Micrometer's binders
            assertThat(after.sum("kafka_stream_thread_process_total"))
                    .isGreaterThanOrEqualTo(valid.size() + 3);
            assertThat(after.has("jvm_memory_used_bytes")).isTrue();
        }
    }

    @Test
    void shouldCarryEachContextTokensStartAndEndProbabilityWhenAskedTo(
            KafkaEnvironment env, @TempDir Path stateDir) throws Exception {
        // Given: an answerer with token scores on
        AnswererHarness harness = new AnswererHarness(env, model, 1);
        Map<String, Object> config = harness.config(stateDir);
        config.put(AnswererConfig.ANSWERS_TOKEN_SCORES, true);
        List<Question> questions = Questions.mixed("s", 8);
        try (Answerer answerer = Answerer.start(new AnswererConfig(config))) {
            // When
            harness.produce(questions);
            List<ConsumerRecord<String, Answer>> answers;
            try (KafkaConsumer<String, Answer> consumer = harness.answerConsumer()) {
                answers =
                        Records.readAtLeast(
                                consumer, questions.size(), Duration.ofSeconds(60), Duration.ZERO);
            }

            // Then: every answer scores its context's tokens, in UTF-16 offsets, one byte each
            assertThat(answers).hasSize(questions.size());
            for (ConsumerRecord<String, Answer> record : answers) {
                Answer answer = record.value();
                String context = answer.getContext();
                TokenScores scores = answer.getTokenScores();
                assertThat(scores).as("token scores of %s", record.key()).isNotNull();
                int n = scores.getStarts().size();
                assertThat(n).isPositive();
                assertThat(scores.getEnds()).hasSize(n);
                assertThat(scores.getStartProbabilities().remaining()).isEqualTo(n);
                assertThat(scores.getEndProbabilities().remaining()).isEqualTo(n);
                for (int i = 0; i < n; i++) {
                    int start = scores.getStarts().get(i);
                    int end = scores.getEnds().get(i);
                    assertThat(start).isLessThan(end);
                    assertThat(end).isLessThanOrEqualTo(context.length());
                    assertThat(Character.isLowSurrogate(context.charAt(start)))
                            .as("a token never starts inside an emoji")
                            .isFalse();
                }
                double[] startP = ProbabilityBytes.decode(scores.getStartProbabilities());
                assertThat(Arrays.stream(startP).max().orElseThrow()).isPositive();
                ScoredSpan best = answer.getBest();
                if (best != null) {
                    assertThat(scores.getStarts()).contains(best.getStart());
                    assertThat(scores.getEnds()).contains(best.getEnd());
                }
            }
        }
    }

    private static String reason(ConsumerRecord<byte[], byte[]> record) {
        return new String(
                record.headers().lastHeader(DeadLetters.REASON).value(), StandardCharsets.UTF_8);
    }
}
