package io.spanloop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.spanloop.answerer.Answerer;
import io.spanloop.answerer.AnswererHarness;
import io.spanloop.events.Answer;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.testing.TinyModel;
import io.spanloop.schemas.TopicNames;
import io.spanloop.testkit.KafkaEnvironment;
import io.spanloop.testkit.KafkaEnvironmentExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code spanloop ask} against a real answerer on a real broker and registry. */
@ExtendWith(KafkaEnvironmentExtension.class)
class AskCommandIT {

    private static final Pattern SPAN =
            Pattern.compile("answer: {4}\"(.*)\" {2}\\[(\\d+), (\\d+)\\) {2}score (\\d\\.\\d{3})");

    /**
     * The tiny test model, told never to prefer "no answer" (its null score margin is huge), so
     * that every answer has a span to print.
     */
    private static ModelDirectory alwaysAnswering(Path store) throws Exception {
        ModelDirectory tiny = TinyModel.copyTo(store, 1);
        Path config = tiny.path().resolve("config.json");
        String json = Files.readString(config);
        Files.writeString(
                config,
                json.replaceFirst(
                        "\"null_score_margin\":\\s*[0-9.eE+-]+", "\"null_score_margin\": 1e9"));
        assertThat(Files.readString(config)).contains("1e9");
        return ModelDirectory.open(tiny.path());
    }

    @Test
    void shouldPrintTheAnswerToItsOwnQuestion(
            KafkaEnvironment env, @TempDir Path store, @TempDir Path stateDir) throws Exception {
        // Given: a running answerer, and an unrelated question answered before ours
        AnswererHarness harness = new AnswererHarness(env, alwaysAnswering(store), 2);
        try (Answerer answerer = harness.startAnswerer(stateDir)) {
            CliRun other =
                    CliRun.against(
                            env,
                            harness.names,
                            null,
                            "ask",
                            "--question",
                            "Who wrote the book?",
                            "--context",
                            "The book was written by a famous author in 1851.");
            assertThat(other.status()).as(other.err()).isZero();
            assertThat(other.out()).containsPattern("id: {8}cli-[0-9a-f-]{36}\n");

            // When: asked with the context piped in and an id of our choosing
            CliRun run =
                    CliRun.against(
                            env,
                            harness.names,
                            "The sky above the harbour is a deep blue today.\n",
                            "ask",
                            "--id",
                            "sky-1",
                            "--question",
                            "What color is the sky?",
                            "--context",
                            "-",
                            "--timeout",
                            "60s");

            // Then: it printed the answer the answerer wrote for sky-1, exactly
            assertThat(run.status()).as(run.err()).isZero();
            assertThat(run.err()).contains("asked sky-1 on " + harness.names.questions());
            Answer written = answerTo(harness, "sky-1");
            assertThat(written.getContext())
                    .isEqualTo("The sky above the harbour is a deep blue today.");
            assertThat(written.getBest()).isNotNull();
            assertThat(run.outLines())
                    .containsExactly(
                            "id:        sky-1",
                            "question:  What color is the sky?",
                            String.format(
                                    java.util.Locale.ROOT,
                                    "answer:    \"%s\"  [%d, %d)  score %.3f",
                                    written.getBest().getText(),
                                    written.getBest().getStart(),
                                    written.getBest().getEnd(),
                                    written.getBest().getScore()),
                            "model:     tiny-bert-qa v1");
            Matcher span = SPAN.matcher(run.out());
            assertThat(span.find()).isTrue();
            int start = Integer.parseInt(span.group(2));
            int end = Integer.parseInt(span.group(3));
            assertThat(written.getContext().substring(start, end)).isEqualTo(span.group(1));
            assertThat(Double.parseDouble(span.group(4))).isBetween(0.0, 1.0);

            // And: a question the answerer refuses (context over its limit) fails at once
            CliRun refused =
                    CliRun.against(
                            env,
                            harness.names,
                            null,
                            "ask",
                            "--id",
                            "huge-1",
                            "--question",
                            "what?",
                            "--context",
                            "x ".repeat(15_000));
            assertThat(refused.status()).isEqualTo(1);
            assertThat(refused.err())
                    .contains(
                            "the answerer refused question huge-1: context has 30000 chars, more"
                                    + " than the limit of 20000");
            assertThat(refused.out()).isEmpty();
        }
    }

    @Test
    void shouldGiveUpAfterItsTimeoutAndNameMissingTopics(KafkaEnvironment env) {
        // Given: the topics exist but no answerer runs
        TopicNames names = env.createTopics(env.newTopicNames(), 1);
        long started = System.nanoTime();
        CliRun run =
                CliRun.against(
                        env,
                        names,
                        null,
                        "ask",
                        "--id",
                        "lonely",
                        "--question",
                        "q",
                        "--context",
                        "c",
                        "--timeout",
                        "2s");
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err())
                .contains("no answer to lonely on " + names.answers() + " within 2 s")
                .contains("is the answerer running?");
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .isLessThan(Duration.ofSeconds(30));

        // And: topics that do not exist are named, not created
        TopicNames missing = env.newTopicNames();
        CliRun nowhere =
                CliRun.against(env, missing, null, "ask", "--question", "q", "--context", "c");
        assertThat(nowhere.status()).isEqualTo(1);
        assertThat(nowhere.err())
                .contains(
                        "topic "
                                + missing.answers()
                                + " does not exist on "
                                + env.bootstrapServers());
        CliRun versions = CliRun.against(env, missing, null, "versions", "--once");
        assertThat(versions.status()).isEqualTo(1);
        assertThat(versions.err()).contains("topic " + missing.modelVersions() + " does not exist");
    }

    private static Answer answerTo(AnswererHarness harness, String id) {
        try (KafkaConsumer<String, Answer> consumer = harness.answerConsumer()) {
            Map<String, Answer> byId =
                    AnswererHarness.readAtLeast(
                                    consumer, 2, Duration.ofSeconds(30), Duration.ofMillis(500))
                            .stream()
                            .collect(
                                    Collectors.toMap(
                                            ConsumerRecord::key,
                                            ConsumerRecord::value,
                                            (a, b) -> a));
            assertThat(byId).containsKey(id);
            return byId.get(id);
        }
    }
}
