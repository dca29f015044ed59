package io.spanloop.answerer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spanloop.events.Answer;
import io.spanloop.events.Question;
import io.spanloop.events.ScoredSpan;
import io.spanloop.qa.DjlQaModel;
import io.spanloop.qa.QaModelOptions;
import io.spanloop.qa.testing.TinyModel;
import io.spanloop.schemas.AvroSerdes;
import io.spanloop.schemas.TopicNames;
import io.spanloop.schemas.Topics;
import io.spanloop.testkit.SchemaRegistryProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The answerer topology on TopologyTestDriver, with the real model and the real registry. */
class AnswererTopologyTest {

    private static final int MAX_BATCH = 4;
    private static final Duration MAX_WAIT = Duration.ofMillis(50);

    @TempDir static Path store;
    private static SchemaRegistryProcess registry;
    private static Topics topics;

    private final java.util.concurrent.atomic.AtomicLong clock =
            new java.util.concurrent.atomic.AtomicLong();
    private ModelSlot models;
    private SimpleMeterRegistry meters;
    private TopologyTestDriver driver;
    private TestInputTopic<String, Question> questions;
    private TestInputTopic<byte[], byte[]> rawQuestions;
    private TestOutputTopic<String, Answer> answers;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeAll
    static void startRegistry() {
        registry = SchemaRegistryProcess.start();
        topics = Topics.of(TopicNames.DEFAULT, AvroSerdes.forRegistry(registry.registryUrl()));
        TinyModel.copyTo(store, 1);
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    @BeforeEach
    void startDriver(@TempDir Path stateDir) {
        models =
                new ModelSlot(
                        DjlQaModel.load(
                                io.spanloop.qa.ModelDirectory.open(
                                        store.resolve(TinyModel.NAME).resolve("1")),
                                QaModelOptions.DEFAULTS));
        BatchSettings settings = new BatchSettings(MAX_BATCH, MAX_WAIT, 200, 5_000);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "answerer-topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        clock.set(0);
        meters = new SimpleMeterRegistry();
        driver =
                new TopologyTestDriver(
                        AnswererTopology.buildTopology(
                                settings, topics, models, new AnswerMetrics(meters), clock::get),
                        props,
                        java.time.Instant.ofEpochMilli(0));
        questions =
                driver.createInputTopic(
                        topics.questions().name(),
                        topics.questions().keySerde().serializer(),
                        topics.questions().valueSerde().serializer());
        rawQuestions =
                driver.createInputTopic(
                        topics.questions().name(),
                        Serdes.ByteArray().serializer(),
                        Serdes.ByteArray().serializer());
        answers =
                driver.createOutputTopic(
                        topics.answers().name(),
                        topics.answers().keySerde().deserializer(),
                        topics.answers().valueSerde().deserializer());
        deadLetters =
                driver.createOutputTopic(
                        topics.questionsDlq().name(),
                        Serdes.ByteArray().deserializer(),
                        Serdes.ByteArray().deserializer());
    }

    /** Moves the driver's wall clock and the arrival clock together. */
    private void advance(Duration duration) {
        clock.addAndGet(duration.toMillis());
        driver.advanceWallClockTime(duration);
    }

    @AfterEach
    void closeDriver() {
        driver.close();
        models.close();
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Test
    void shouldAnswerAFullBatchAtOnceWithSpansIntoTheOriginalContext() {
        // Given
        List<Question> batch =
                Questions.mixed("full", MAX_BATCH).stream()
                        .map(
                                q ->
                                        Question.newBuilder(q)
                                                .setAttributes(Map.of("source", q.getId()))
                                                .build())
                        .toList();
        // When
        batch.forEach(q -> questions.pipeInput(q.getId(), q));
        // Then: answered without waiting, one model call, the attributes copied
        List<TestRecord<String, Answer>> out = answers.readRecordsToList();
        assertThat(out).hasSize(MAX_BATCH);
        for (int i = 0; i < MAX_BATCH; i++) {
            Answer answer = out.get(i).value();
            assertThat(out.get(i).key()).isEqualTo(batch.get(i).getId());
            assertThat(answer.getQuestionId()).isEqualTo(batch.get(i).getId());
            assertThat(answer.getContext()).isEqualTo(batch.get(i).getContext());
            assertThat(answer.getModelName()).isEqualTo(TinyModel.NAME);
            assertThat(answer.getModelVersion()).isEqualTo(1L);
            assertThat(answer.getBatchSize()).isEqualTo(MAX_BATCH);
            assertThat(answer.getAttributes()).isEqualTo(batch.get(i).getAttributes());
            assertThat(answer.getCandidates()).isNotEmpty();
            for (ScoredSpan span : answer.getCandidates()) {
                assertThat(answer.getContext().substring(span.getStart(), span.getEnd()))
                        .isEqualTo(span.getText());
            }
        }
    }

    @Test
    void shouldAnswerAPartialBatchOnlyAfterTheMaxWait() {
        // Given
        List<Question> batch = Questions.mixed("partial", MAX_BATCH - 1);
        batch.forEach(q -> questions.pipeInput(q.getId(), q));
        assertThat(answers.isEmpty()).isTrue();
        // When
        advance(MAX_WAIT);
        // Then
        List<Answer> out = answers.readValuesToList();
        assertThat(out)
                .extracting(Answer::getQuestionId)
                .containsExactlyElementsOf(batch.stream().map(Question::getId).toList());
        assertThat(out).allSatisfy(a -> assertThat(a.getBatchSize()).isEqualTo(MAX_BATCH - 1));
        assertThat(driver.getKeyValueStore(AnswererTopology.BUFFER_STORE).approximateNumEntries())
                .isZero();
    }

    @Test
    void shouldNotCutABatchShortBeforeItsOldestQuestionWaitedTheMaxWait() {
        // Given: a question arrives, then punctuations come due before the max wait is over
        questions.pipeInput("early", Questions.question("early", "what?", "paris is a city"));
        advance(MAX_WAIT.dividedBy(2));
        // Then: still buffered, so later questions can join its batch
        assertThat(answers.isEmpty()).isTrue();
        questions.pipeInput("later", Questions.question("later", "what?", "rome is a city"));
        // When: the oldest has waited the full max wait
        advance(MAX_WAIT.dividedBy(2));
        // Then: both answered in one model call
        assertThat(answers.readValuesToList())
                .extracting(Answer::getQuestionId, Answer::getBatchSize)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("early", 2),
                        org.assertj.core.groups.Tuple.tuple("later", 2));
    }

    @Test
    void shouldKeepUnansweredQuestionsInTheChangeloggedBuffer() {
        Questions.mixed("buffered", 2).forEach(q -> questions.pipeInput(q.getId(), q));
        assertThat(driver.getKeyValueStore(AnswererTopology.BUFFER_STORE).approximateNumEntries())
                .isEqualTo(2);
    }

    @Test
    void shouldDeadLetterUndeserializableBytesWithTheOriginalBytesAndReason() {
        byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
        rawQuestions.pipeInput("k1".getBytes(StandardCharsets.UTF_8), garbage);
        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(dead.value()).isEqualTo(garbage);
        assertThat(dead.key()).isEqualTo("k1".getBytes(StandardCharsets.UTF_8));
        assertThat(header(dead, DeadLetters.REASON)).startsWith("undeserializable question");
        assertThat(header(dead, DeadLetters.SOURCE_TOPIC)).isEqualTo(topics.questions().name());
        assertThat(header(dead, DeadLetters.SOURCE_OFFSET)).isEqualTo("0");
        assertThat(answers.isEmpty()).isTrue();
        assertThat(deadLetterCounts()).containsEntry("undeserializable", 1.0);
    }

    @Test
    void shouldDeadLetterARecordWithoutValue() {
        rawQuestions.pipeInput("k2".getBytes(StandardCharsets.UTF_8), (byte[]) null);
        assertThat(header(deadLetters.readRecord(), DeadLetters.REASON))
                .contains("the record has no value");
    }

    @Test
    void shouldDeadLetterQuestionsWithEmptyFieldsOrOversizedContexts() {
        // Given
        questions.pipeInput("e1", Questions.question("e1", "", "some context"));
        questions.pipeInput("e2", Questions.question("e2", "what?", "   "));
        questions.pipeInput("e3", Questions.question("e3", "what?", "x".repeat(5_001)));
        questions.pipeInput("e4", Questions.question("", "what?", "context"));
        questions.pipeInput("e5", Questions.question("e5", "w".repeat(201), "context"));
        // When
        advance(MAX_WAIT);
        // Then
        List<String> reasons =
                deadLetters.readRecordsToList().stream()
                        .map(r -> header(r, DeadLetters.REASON))
                        .toList();
        assertThat(reasons)
                .containsExactly(
                        "question text is missing or empty",
                        "context is missing or empty",
                        "context has 5001 chars, more than the limit of 5000",
                        "question id is missing or empty",
                        "question has 201 chars, more than the limit of 200");
        assertThat(answers.isEmpty()).isTrue();
        assertThat(deadLetterCounts())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(
                                "undeserializable", 0.0,
                                "missing_field", 3.0,
                                "too_long", 2.0,
                                "inference_failed", 0.0));
        assertThat(meters.find(AnswerMetrics.ANSWERS).counters()).isEmpty();
    }

    @Test
    void shouldCountAnswersByVersionAndEachModelCall() {
        Questions.mixed("counted", MAX_BATCH + 1).forEach(q -> questions.pipeInput(q.getId(), q));
        advance(MAX_WAIT);

        assertThat(answers.readRecordsToList()).hasSize(MAX_BATCH + 1);
        assertThat(meters.get(AnswerMetrics.ANSWERS).tag("model_version", "1").counter().count())
                .isEqualTo(MAX_BATCH + 1);
        DistributionSummary batches = meters.get(AnswerMetrics.BATCH_SIZE).summary();
        assertThat(batches.count()).isEqualTo(2);
        assertThat(batches.totalAmount()).isEqualTo(MAX_BATCH + 1);
        assertThat(meters.get(AnswerMetrics.INFERENCE).timer().count()).isEqualTo(2);
        assertThat(deadLetterCounts().values()).containsOnly(0.0);
    }

    private Map<String, Double> deadLetterCounts() {
        return meters.get(AnswerMetrics.DEAD_LETTERS).counters().stream()
                .collect(
                        java.util.stream.Collectors.toMap(
                                c -> c.getId().getTag("reason"), Counter::count));
    }

    @Test
    void shouldGoOnAnsweringAfterBadInput() {
        rawQuestions.pipeInput((byte[]) null, new byte[] {0, 0, 0, 0, 42, 1});
        Question good = Questions.question("good", "what city?", "paris is a city");
        questions.pipeInput(good.getId(), good);
        advance(MAX_WAIT);
        assertThat(deadLetters.readRecordsToList()).hasSize(1);
        assertThat(answers.readValuesToList())
                .extracting(Answer::getQuestionId)
                .containsExactly("good");
    }
}
