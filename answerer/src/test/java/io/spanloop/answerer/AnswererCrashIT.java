package io.spanloop.answerer;

import static org.assertj.core.api.Assertions.assertThat;

import io.spanloop.config.ConfigSources;
import io.spanloop.events.Answer;
import io.spanloop.events.Question;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.testing.TinyModel;
import io.spanloop.testkit.KafkaEnvironment;
import io.spanloop.testkit.KafkaEnvironmentExtension;
import io.spanloop.testkit.Records;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills an answerer process (SIGKILL, no clean shutdown, transactions left open) while questions
 * flow, starts a new instance, and proves every question is answered exactly once.
 */
@ExtendWith(KafkaEnvironmentExtension.class)
class AnswererCrashIT {

    private static final int QUESTIONS = 300;

    @Test
    void shouldAnswerEveryQuestionExactlyOnceAcrossAKilledInstance(
            KafkaEnvironment env, @TempDir Path store, @TempDir Path stateDir) throws Exception {
        // Given: an answerer in its own JVM
        ModelDirectory model = TinyModel.copyTo(store, 1);
        AnswererHarness harness = new AnswererHarness(env, model, 2);
        List<Question> questions = Questions.mixed("crash", QUESTIONS);
        Process process = startAnswererProcess(harness, stateDir.resolve("first"));
        try (KafkaConsumer<String, Answer> consumer = harness.answerConsumer()) {
            // When: questions flow, and the process is killed once answers are coming out
            CompletableFuture<Void> producing =
                    CompletableFuture.runAsync(() -> produceSlowly(harness, questions));
            List<ConsumerRecord<String, Answer>> beforeKill =
                    Records.readAtLeast(consumer, 30, Duration.ofSeconds(90), Duration.ZERO);
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            assertThat(beforeKill).as("answers before the kill").hasSizeGreaterThanOrEqualTo(30);
            producing.get(60, TimeUnit.SECONDS);
            assertThat(beforeKill.size()).as("killed mid-stream").isLessThan(QUESTIONS);

            // And: a new instance takes over
            try (Answerer second = harness.startAnswerer(stateDir.resolve("second"))) {
                List<ConsumerRecord<String, Answer>> afterKill =
                        Records.readAtLeast(
                                consumer,
                                QUESTIONS - beforeKill.size(),
                                Duration.ofSeconds(120),
                                Duration.ofSeconds(3));

                // Then: every question has exactly one committed answer
                Map<String, Long> perQuestion =
                        java.util.stream.Stream.concat(beforeKill.stream(), afterKill.stream())
                                .collect(
                                        Collectors.groupingBy(
                                                ConsumerRecord::key, Collectors.counting()));
                assertThat(perQuestion)
                        .containsOnlyKeys(questions.stream().map(Question::getId).toList())
                        .allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1L));
            }
        } finally {
            process.destroyForcibly();
        }
    }

    private static void produceSlowly(AnswererHarness harness, List<Question> questions) {
        for (int i = 0; i < questions.size(); i += 10) {
            harness.produce(questions.subList(i, Math.min(i + 10, questions.size())));
            try {
                Thread.sleep(40);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** {@code AnswererMain} in a child JVM, configured the way users do: environment variables. */
    private static Process startAnswererProcess(AnswererHarness harness, Path stateDir)
            throws Exception {
        Path log = Path.of("target", "answerer-crash-it-" + System.nanoTime() + ".log");
        Files.createDirectories(log.getParent());
        ProcessBuilder builder =
                new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx1g",
                        "-cp",
                        System.getProperty("java.class.path"),
                        AnswererMain.class.getName());
        Map<String, String> environment = builder.environment();
        harness.config(stateDir)
                .forEach(
                        (key, value) ->
                                environment.put(
                                        ConfigSources.envName(AnswererConfig.ENV_PREFIX, key),
                                        String.valueOf(value)));
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        Process process = builder.start();
        assertThat(new File(log.toString())).exists();
        return process;
    }
}
