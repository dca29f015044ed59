package io.spanloop.retrainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.spanloop.answerer.AnswererHarness;
import io.spanloop.events.ModelStatus;
import io.spanloop.events.ModelVersion;
import io.spanloop.events.TrainingProgress;
import io.spanloop.events.TrainingState;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.testing.ColorFacts;
import io.spanloop.qa.testing.TinyModel;
import io.spanloop.schemas.TopicNames;
import io.spanloop.testkit.KafkaEnvironment;
import io.spanloop.testkit.KafkaEnvironmentExtension;
import io.spanloop.testkit.Records;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A retrainer that stopped after writing a version but before its event (artifact first, event
 * second) announces that version when it starts again, exactly once, and trains nothing twice.
 */
@ExtendWith(KafkaEnvironmentExtension.class)
class RetrainerRestartIT {

    @Test
    void shouldAnnounceAVersionWrittenButNotPublishedExactlyOnce(
            KafkaEnvironment env, @TempDir Path store) throws Exception {
        // Given: v2 trained and written to the store
        ModelDirectory v1 = TinyModel.copyTo(store, 1);
        LoopHarness loop = new LoopHarness(new AnswererHarness(env, v1, 1));
        Map<String, Object> config = loop.retrainerConfig(store, v1.modelName());
        config.put(RetrainerConfig.PROGRESS_INTERVAL_MS, 200L);
        ModelVersion written;
        List<TrainingProgress> progress;
        try (Retrainer first = Retrainer.start(new RetrainerConfig(config));
                KafkaConsumer<String, ModelVersion> versions = loop.versionConsumer();
                KafkaConsumer<String, TrainingProgress> reports =
                        env.consumer(loop.answering.topics.trainingProgress())) {
            loop.correct(ColorFacts.examples(50, 41, "r"), false);
            written = LoopHarness.awaitEvents(versions, 1, Duration.ofMinutes(4)).get(0);
            progress =
                    Records.readAtLeast(reports, 4, Duration.ofSeconds(30), Duration.ofSeconds(1))
                            .stream()
                            .map(ConsumerRecord::value)
                            .toList();
        }
        assertThat(written.getStatus()).isEqualTo(ModelStatus.PUBLISHED);
        // And: while it trained, its progress went to the progress topic, ending in DONE
        assertThat(progress)
                .allSatisfy(
                        p -> {
                            assertThat(p.getModelName()).isEqualTo(v1.modelName());
                            assertThat(p.getVersion()).isEqualTo(written.getVersion());
                            assertThat(p.getParentVersion()).isEqualTo(1L);
                            assertThat(p.getLabels()).isEqualTo(50);
                        });
        assertThat(progress.get(0).getState()).isEqualTo(TrainingState.RUNNING);
        assertThat(progress.get(0).getStep()).isZero();
        List<TrainingProgress> stepping = progress.stream().filter(p -> p.getStep() > 0).toList();
        assertThat(stepping).isNotEmpty();
        TrainingProgress lastStep = stepping.get(0);
        for (TrainingProgress p : stepping) {
            assertThat(p.getStep()).isGreaterThanOrEqualTo(lastStep.getStep());
            assertThat(p.getLoss()).isPositive();
            assertThat(p.getExamplesPerSecond()).isPositive();
            lastStep = p;
        }
        assertThat(lastStep.getTotalSteps()).isEqualTo(lastStep.getStep());
        assertThat(lastStep.getEpoch()).isEqualTo(lastStep.getEpochs()).isEqualTo(12);
        assertThat(progress)
                .extracting(TrainingProgress::getState)
                .containsSubsequence(
                        TrainingState.RUNNING, TrainingState.EVALUATING, TrainingState.DONE)
                .endsWith(TrainingState.DONE)
                .doesNotContain(TrainingState.FAILED);
        assertThat(progress.get(progress.size() - 1).getTrainingExamples())
                .isEqualTo(written.getTrainingExamples());
        // And: a model-versions topic that never got its event (the crash between the two)
        TopicNames lost = env.createTopics(env.newTopicNames(), 1);
        config.put(RetrainerConfig.TOPIC_MODEL_VERSIONS, lost.modelVersions());

        try (KafkaConsumer<String, ModelVersion> versions =
                env.consumer(env.topics(lost).modelVersions())) {
            // When: the retrainer starts again
            try (Retrainer restarted = Retrainer.start(new RetrainerConfig(config))) {
                // Then: it announces v2 as written: same artifact, same labels covered
                List<ModelVersion> announced =
                        LoopHarness.awaitEvents(versions, 1, Duration.ofMinutes(1));
                assertThat(announced).singleElement();
                ModelVersion event = announced.get(0);
                assertThat(event.getVersion()).isEqualTo(written.getVersion());
                assertThat(event.getStatus()).isEqualTo(ModelStatus.PUBLISHED);
                assertThat(event.getSha256()).isEqualTo(written.getSha256());
                assertThat(event.getFeedbackOffsets()).isEqualTo(written.getFeedbackOffsets());
            }
            // And: once more started, nothing is announced or trained again
            try (Retrainer again = Retrainer.start(new RetrainerConfig(config))) {
                assertThat(LoopHarness.awaitEvents(versions, 1, Duration.ofSeconds(5))).isEmpty();
                assertThat(again.events())
                        .extracting(ModelVersion::getVersion)
                        .containsExactly(written.getVersion());
            }
        }
    }
}
