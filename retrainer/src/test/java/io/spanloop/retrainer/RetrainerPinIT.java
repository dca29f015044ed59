package io.spanloop.retrainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.spanloop.answerer.AnswererHarness;
import io.spanloop.events.ModelStatus;
import io.spanloop.events.ModelVersion;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.ModelStore;
import io.spanloop.qa.testing.ColorFacts;
import io.spanloop.qa.testing.TinyModel;
import io.spanloop.testkit.KafkaEnvironment;
import io.spanloop.testkit.KafkaEnvironmentExtension;
import io.spanloop.versions.VersionActions;
import io.spanloop.versions.VersionLog;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator's pin reaches the retrainer through the topic: the next candidate is trained from and
 * gated against the pinned version, and though it passes the gate it is held, not served.
 */
@ExtendWith(KafkaEnvironmentExtension.class)
class RetrainerPinIT {

    @Test
    void shouldTrainFromThePinnedVersionAndHoldThePassingCandidate(
            KafkaEnvironment env, @TempDir Path store) throws Exception {
        // Given: a retrainer whose gate passes every candidate; v2 trained from v1 and served
        ModelDirectory v1 = TinyModel.copyTo(store, 1);
        LoopHarness loop = new LoopHarness(new AnswererHarness(env, v1, 1));
        Map<String, Object> config = loop.retrainerConfig(store, v1.modelName());
        config.put(RetrainerConfig.EVAL_TOLERANCE, 100.0);
        try (Retrainer retrainer = Retrainer.start(new RetrainerConfig(config));
                KafkaConsumer<String, ModelVersion> versions = loop.versionConsumer()) {
            loop.correct(ColorFacts.examples(50, 41, "p"), false);
            ModelVersion v2 = LoopHarness.awaitEvents(versions, 1, Duration.ofMinutes(4)).get(0);
            assertThat(v2.getStatus()).isEqualTo(ModelStatus.PUBLISHED);
            assertThat(v2.getIncumbentVersion()).isEqualTo(1L);

            // When: an operator pins v1 (serving it again), and new labels arrive
            VersionLog log = VersionLog.of(v1.modelName(), List.of(v2));
            ModelVersion pin = VersionActions.pin(log, 1, "bob", "freeze", Instant.now());
            try (KafkaProducer<String, ModelVersion> producer =
                    env.producer(loop.answering.topics.modelVersions())) {
                producer.send(
                                new ProducerRecord<>(
                                        loop.answering.names.modelVersions(),
                                        pin.getModelName(),
                                        pin))
                        .get();
            }
            loop.correct(ColorFacts.examples(50, 97, "q"), false);
            List<ModelVersion> next = LoopHarness.awaitEvents(versions, 2, Duration.ofMinutes(4));

            // Then: v3 was trained from v1 and gated against it, passed, and is held
            assertThat(next.get(0).getAction().toString()).isEqualTo("PINNED");
            ModelVersion v3 = next.get(1);
            assertThat(v3.getVersion()).isEqualTo(3L);
            assertThat(v3.getParentVersion()).isEqualTo(1L);
            assertThat(v3.getIncumbentVersion()).isEqualTo(1L);
            assertThat(v3.getHeld()).isTrue();
            assertThat(v3.getStatus()).isEqualTo(ModelStatus.REJECTED);
            assertThat(v3.getReason())
                    .isEqualTo("passed the gate, held: serving is pinned to v1 by bob");
            // And: its artifact is kept, so it can be promoted later
            assertThat(new ModelStore(store).versions(v1.modelName())).contains(3L);
            VersionLog after = VersionLog.of(v1.modelName(), retrainer.events());
            assertThat(after.served().get().version()).isEqualTo(1L);
            assertThat(after.servable(3)).isTrue();
        }
    }
}
