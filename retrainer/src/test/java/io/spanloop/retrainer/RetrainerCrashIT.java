package io.spanloop.retrainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.spanloop.answerer.AnswererHarness;
import io.spanloop.config.ConfigSources;
import io.spanloop.events.ModelStatus;
import io.spanloop.events.ModelVersion;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.SquadWriter;
import io.spanloop.qa.TrainingExample;
import io.spanloop.qa.testing.ColorFacts;
import io.spanloop.qa.testing.TinyModel;
import io.spanloop.testkit.Await;
import io.spanloop.testkit.KafkaEnvironment;
import io.spanloop.testkit.KafkaEnvironmentExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A retrainer process killed (SIGKILL) in the middle of training, then started again, ends in
 * exactly one published version for that data and never a partial version directory.
 */
@ExtendWith(KafkaEnvironmentExtension.class)
class RetrainerCrashIT {

    @Test
    void shouldPublishExactlyOneVersionAfterAKillMidTraining(
            KafkaEnvironment env, @TempDir Path store, @TempDir Path state) throws Exception {
        // Given: labels waiting, and a retrainer process told to train for a long time
        ModelDirectory v1 = TinyModel.copyTo(store, 1);
        AnswererHarness answering = new AnswererHarness(env, v1, 1);
        LoopHarness loop = new LoopHarness(answering);
        List<TrainingExample> labels = ColorFacts.examples(60, 21, "k");
        loop.correct(labels, false);
        Map<String, Object> slow = loop.retrainerConfig(store, v1.modelName());
        slow.put(RetrainerConfig.TRAIN_EPOCHS, 1000);
        Path log = Path.of("target", "retrainer-crash-it-" + System.nanoTime() + ".log");
        Process process = startProcess(slow, log);
        try (KafkaConsumer<String, ModelVersion> versions = loop.versionConsumer()) {
            // When: it is killed while training
            awaitLogLine(process, log, "Training " + v1.modelName());
            Thread.sleep(3_000);
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            assertNothingPublished(store, v1, versions);

            // And: started again (with a short training)
            assertOneVersionAfterRestart(loop, store, v1, versions);
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void shouldPublishExactlyOneVersionAfterAKillDuringTheGate(
            KafkaEnvironment env, @TempDir Path store, @TempDir Path files) throws Exception {
        // Given: labels waiting, and a gate that takes seconds (a large eval file to score)
        ModelDirectory v1 = TinyModel.copyTo(store, 1);
        LoopHarness loop = new LoopHarness(new AnswererHarness(env, v1, 1));
        loop.correct(ColorFacts.examples(60, 22, "g"), false);
        Path evalFile = files.resolve("slow-gate.squad.json");
        SquadWriter.write(evalFile, "slow gate", ColorFacts.examples(8_000, 23, "e"));
        Map<String, Object> gated = loop.retrainerConfig(store, v1.modelName());
        gated.put(RetrainerConfig.EVAL_SQUAD_FILES, evalFile.toString());
        Path log = Path.of("target", "retrainer-gate-crash-it-" + System.nanoTime() + ".log");
        Process process = startProcess(gated, log);
        try (KafkaConsumer<String, ModelVersion> versions = loop.versionConsumer()) {
            // When: it is killed after training, while the gate scores the candidate
            int epochs = (int) gated.get(RetrainerConfig.TRAIN_EPOCHS);
            awaitLogLine(process, log, "Epoch " + epochs + "/" + epochs + ":");
            Thread.sleep(500);
            assertThat(readLog(log)).as("still in the gate").doesNotContain("Candidate v2");
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            assertThat(readLog(log)).doesNotContain("Candidate v2");
            assertNothingPublished(store, v1, versions);

            // And: started again (without the slow file)
            assertOneVersionAfterRestart(loop, store, v1, versions);
        } finally {
            process.destroyForcibly();
        }
    }

    /** The killed process left no version directory and no event behind. */
    private static void assertNothingPublished(
            Path store, ModelDirectory v1, KafkaConsumer<String, ModelVersion> versions)
            throws Exception {
        assertThat(LearningLoopIT.versionDirectories(store, v1.modelName())).containsExactly("1");
        assertThat(LoopHarness.awaitEvents(versions, 1, Duration.ofSeconds(2))).isEmpty();
    }

    /** A retrainer started again (short training) publishes exactly one version, v2, once. */
    private static void assertOneVersionAfterRestart(
            LoopHarness loop,
            Path store,
            ModelDirectory v1,
            KafkaConsumer<String, ModelVersion> versions)
            throws Exception {
        try (Retrainer restarted =
                Retrainer.start(new RetrainerConfig(loop.retrainerConfig(store, v1.modelName())))) {
            List<ModelVersion> events = LoopHarness.awaitEvents(versions, 1, Duration.ofMinutes(4));
            // Then: exactly one version for that data
            assertThat(events).hasSize(1);
            assertThat(events.get(0).getVersion()).isEqualTo(2L);
            assertThat(events.get(0).getStatus()).isEqualTo(ModelStatus.PUBLISHED);
            Thread.sleep(3 * 300);
            assertThat(LoopHarness.awaitEvents(versions, 1, Duration.ofSeconds(3))).isEmpty();
        }
        assertThat(LearningLoopIT.versionDirectories(store, v1.modelName()))
                .containsExactly("1", "2");
    }

    private static Process startProcess(Map<String, Object> config, Path log) throws Exception {
        Files.createDirectories(log.getParent());
        ProcessBuilder builder =
                new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx1g",
                        "-Dai.djl.offline=true",
                        "-cp",
                        System.getProperty("java.class.path"),
                        RetrainerMain.class.getName());
        config.forEach(
                (key, value) ->
                        builder.environment()
                                .put(
                                        ConfigSources.envName(RetrainerConfig.ENV_PREFIX, key),
                                        String.valueOf(value)));
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        return builder.start();
    }

    private static void awaitLogLine(Process process, Path log, String text) {
        Await.until(
                () -> readLog(log),
                output -> {
                    if (output.contains(text)) {
                        return true;
                    }
                    if (!process.isAlive()) {
                        throw new AssertionError("retrainer exited early:\n" + readLog(log));
                    }
                    return false;
                },
                Duration.ofSeconds(120),
                "the retrainer to log '" + text + "'");
    }

    private static String readLog(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
