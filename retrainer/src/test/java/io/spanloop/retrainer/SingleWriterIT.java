package io.spanloop.retrainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.spanloop.answerer.AnswererHarness;
import io.spanloop.events.ModelStatus;
import io.spanloop.events.ModelVersion;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.testing.ColorFacts;
import io.spanloop.qa.testing.TinyModel;
import io.spanloop.testkit.KafkaEnvironment;
import io.spanloop.testkit.KafkaEnvironmentExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Two retrainers for one model: the newer fences the older, which can no longer publish. */
@ExtendWith(KafkaEnvironmentExtension.class)
class SingleWriterIT {

    @Test
    void shouldLetOnlyTheNewestRetrainerPublish(KafkaEnvironment env, @TempDir Path store)
            throws Exception {
        // Given: two instances started one after the other
        ModelDirectory v1 = TinyModel.copyTo(store, 1);
        LoopHarness loop = new LoopHarness(new AnswererHarness(env, v1, 1));
        RetrainerConfig config = new RetrainerConfig(loop.retrainerConfig(store, v1.modelName()));
        try (Retrainer older = Retrainer.start(config);
                Retrainer newer = Retrainer.start(config);
                KafkaConsumer<String, ModelVersion> versions = loop.versionConsumer()) {
            // When: labels arrive and both see the trigger
            loop.correct(ColorFacts.examples(50, 31, "w"), false);
            CompletableFuture<Throwable> olderStop =
                    CompletableFuture.supplyAsync(
                            () -> {
                                try {
                                    return older.awaitStop();
                                } catch (InterruptedException e) {
                                    throw new IllegalStateException(e);
                                }
                            });
            List<ModelVersion> events = LoopHarness.awaitEvents(versions, 1, Duration.ofMinutes(4));
            // Then: one version, published by the newer instance; the older one stopped fenced
            assertThat(events).hasSize(1);
            assertThat(events.get(0).getStatus()).isEqualTo(ModelStatus.PUBLISHED);
            assertThat(olderStop.get(4, TimeUnit.MINUTES))
                    .isInstanceOf(VersionPublisher.FencedException.class);
            assertThat(LoopHarness.awaitEvents(versions, 1, Duration.ofSeconds(3))).isEmpty();
            assertThat(newer.events())
                    .extracting(ModelVersion::getVersion)
                    .contains(events.get(0).getVersion());
        }
    }
}
