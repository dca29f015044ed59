package io.spanloop.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.spanloop.events.Correction;
import io.spanloop.events.Question;
import io.spanloop.events.Span;
import io.spanloop.events.Verdict;
import io.spanloop.schemas.Topic;
import io.spanloop.schemas.TopicNames;
import io.spanloop.testkit.KafkaEnvironment;
import io.spanloop.testkit.KafkaEnvironmentExtension;
import io.spanloop.testkit.Records;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code spanloop import} of a SQuAD 2.0 file onto a real broker and registry. */
@ExtendWith(KafkaEnvironmentExtension.class)
class ImportCommandIT {

    private static final String SKY = "The sky is blue. Grass is green.";
    private static final String SNOW = "Snow is white \uD83D\uDE42 and coal is black.";

    /**
     * SQuAD 2.0: an answerable question, one whose answer_start is wrong by far (skipped), an
     * unanswerable one, and one after an emoji (answer_start counts code points: 28 is Java's 29).
     */
    private static final String SQUAD =
            """
            {"version": "v2.0", "data": [{"title": "Colors", "paragraphs": [
              {"context": "%s", "qas": [
                {"id": "sky", "question": "What color is the sky?", "is_impossible": false,
                 "answers": [{"text": "blue", "answer_start": 11}]},
                {"id": "grass", "question": "What color is grass?", "is_impossible": false,
                 "answers": [{"text": "green", "answer_start": 0}]},
                {"id": "moon", "question": "What color is the moon?", "is_impossible": true,
                 "answers": [], "plausible_answers": [{"text": "blue", "answer_start": 11}]}
              ]},
              {"context": "%s", "qas": [
                {"id": "coal", "question": "What color is coal?", "is_impossible": false,
                 "answers": [{"text": "black", "answer_start": 28}]}
              ]}
            ]}]}
            """
                    .formatted(SKY, SNOW);

    @Test
    void shouldSendEveryUsableQuestionAndItsCorrectionAndReportTheSkippedOne(
            KafkaEnvironment env, @TempDir Path dir) throws Exception {
        // Given
        TopicNames names = env.createTopics(env.newTopicNames(), 2);
        Path file = Files.writeString(dir.resolve("colors.json"), SQUAD);

        // When
        CliRun run =
                CliRun.against(
                        env,
                        names,
                        null,
                        "import",
                        file.toString(),
                        "--with-corrections",
                        "--annotator",
                        "tester");

        // Then: the broken offset is reported and skipped, and counted
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.err())
                .contains("problems in " + file + " (skipped: 1, offsets corrected: 0):")
                .contains("question grass: answer 'green' is not at answer_start 0")
                .contains("question grass: no answer matches the context; skipped")
                .contains("] 3/3 questions");
        assertThat(run.out())
                .isEqualTo(
                        "imported "
                                + file
                                + ": 3 questions to "
                                + names.questions()
                                + ", 3 corrections to "
                                + names.feedback()
                                + "; skipped: 1, offsets corrected: 0\n");

        // And: exactly the usable questions, keyed and identified by their SQuAD ids
        List<ConsumerRecord<String, Question>> questions =
                readAll(env, env.topics(names).questions(), 3);
        assertThat(questions)
                .extracting(
                        ConsumerRecord::key,
                        r -> r.value().getId(),
                        r -> r.value().getQuestion(),
                        r -> r.value().getContext())
                .containsExactlyInAnyOrder(
                        tuple("sky", "sky", "What color is the sky?", SKY),
                        tuple("moon", "moon", "What color is the moon?", SKY),
                        tuple("coal", "coal", "What color is coal?", SNOW));

        // And: their gold answers as corrections, spans in Java String indices
        List<ConsumerRecord<String, Correction>> corrections =
                readAll(env, env.topics(names).feedback(), 3);
        assertThat(corrections)
                .extracting(
                        ConsumerRecord::key,
                        r -> r.value().getVerdict(),
                        r -> r.value().getSpan(),
                        r -> r.value().getAnnotator(),
                        r -> r.value().getModelVersion())
                .containsExactlyInAnyOrder(
                        tuple("sky", Verdict.CORRECTED, new Span(11, 15, "blue"), "tester", null),
                        tuple("moon", Verdict.NO_ANSWER, null, "tester", null),
                        tuple(
                                "coal",
                                Verdict.CORRECTED,
                                new Span(29, 34, "black"),
                                "tester",
                                null));
        assertThat(corrections)
                .allSatisfy(
                        r ->
                                assertThat(r.value().getContext())
                                        .isEqualTo(r.key().equals("coal") ? SNOW : SKY));
        assertThat(SNOW.substring(29, 34)).isEqualTo("black");
    }

    @Test
    void shouldSendOnlyQuestionsWithoutTheFlag(KafkaEnvironment env, @TempDir Path dir)
            throws Exception {
        TopicNames names = env.createTopics(env.newTopicNames(), 1);
        Path file = Files.writeString(dir.resolve("colors.json"), SQUAD);

        CliRun run = CliRun.against(env, names, null, "import", file.toString());

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains(": 3 questions to " + names.questions() + "; skipped: 1");
        assertThat(run.out()).doesNotContain("corrections");
        assertThat(readAll(env, env.topics(names).questions(), 3)).hasSize(3);
        assertThat(readAll(env, env.topics(names).feedback(), 0)).isEmpty();
    }

    private static <V> List<ConsumerRecord<String, V>> readAll(
            KafkaEnvironment env, Topic<String, V> topic, int expected) {
        try (KafkaConsumer<String, V> consumer = env.consumer(topic)) {
            return Records.readAtLeast(
                    consumer, expected, Duration.ofSeconds(30), Duration.ofSeconds(2));
        }
    }
}
