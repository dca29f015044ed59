package io.spanloop.labeler;

import static org.assertj.core.api.Assertions.assertThat;

import io.spanloop.events.Answer;
import io.spanloop.labeler.LabelerHarness.Response;
import io.spanloop.testkit.Await;
import io.spanloop.testkit.KafkaEnvironment;
import io.spanloop.testkit.KafkaEnvironmentExtension;
import io.spanloop.testkit.KafkaTestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * With Kafka gone, a correction is answered 503 (not confirmed), never a false 201; with a topic
 * missing, the API says the review queue has stopped.
 */
@ExtendWith(KafkaEnvironmentExtension.class)
class LabelerKafkaDownIT {

    @Test
    void shouldAnswer503WhenKafkaDoesNotAcknowledge(KafkaEnvironment env, @TempDir Path state)
            throws Exception {
        // Given: a labeler on a cluster of its own (and the shared registry), one answer queued
        LabelerHarness harness = new LabelerHarness(env);
        KafkaTestCluster cluster = KafkaTestCluster.start(1);
        Labeler labeler = null;
        try {
            cluster.createTopic(harness.names.answers(), 2);
            cluster.createTopic(harness.names.feedback(), 2);
            cluster.createTopic(harness.names.modelVersions(), 1);
            produceAnswer(cluster, harness);
            Map<String, Object> config = harness.config(state);
            config.put(LabelerConfig.BOOTSTRAP_SERVERS, cluster.bootstrapServers());
            config.put(LabelerConfig.PRODUCE_TIMEOUT_MS, 4_000L);
            labeler = Labeler.start(new LabelerConfig(config));
            harness.awaitQueue(labeler, p -> p.get("total").asInt() == 1, Duration.ofSeconds(60));

            // When: the broker goes away
            cluster.close();
            long start = System.nanoTime();
            Response response =
                    harness.post(
                            labeler,
                            "/api/corrections",
                            LabelerHarness.ALICE_TOKEN,
                            LabelerHarness.correction("d1", "ACCEPTED", null, null, null));

            // Then
            assertThat(response.status()).isEqualTo(503);
            assertThat(response.body().get("error").asText())
                    .contains("not confirmed")
                    .contains("retry");
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(Duration.ofSeconds(30));
        } finally {
            if (labeler != null) {
                labeler.close();
            }
            cluster.close();
        }
    }

    @Test
    void shouldAnswer503NamingTheStoppedQueueWhenATopicItReadsIsMissing(
            KafkaEnvironment env, @TempDir Path state) throws Exception {
        // Given: a cluster without the model-versions topic the review queue also reads
        LabelerHarness harness = new LabelerHarness(env);
        try (KafkaTestCluster cluster = KafkaTestCluster.start(1)) {
            cluster.createTopic(harness.names.answers(), 2);
            cluster.createTopic(harness.names.feedback(), 2);
            Map<String, Object> config = harness.config(state);
            config.put(LabelerConfig.BOOTSTRAP_SERVERS, cluster.bootstrapServers());

            // When
            try (Labeler labeler = Labeler.start(new LabelerConfig(config))) {
                Response response =
                        Await.until(
                                () ->
                                        harness.get(
                                                labeler, "/api/queue", LabelerHarness.ALICE_TOKEN),
                                r -> r.status() != 503 || !r.body().toString().contains("loading"),
                                Duration.ofSeconds(60),
                                "the review queue to leave its loading state");

                // Then: not an internal error, but what happened and where to look
                assertThat(response.status()).isEqualTo(503);
                assertThat(response.body().get("error").asText())
                        .contains("review queue has stopped")
                        .contains("log");
            }
        }
    }

    private static void produceAnswer(KafkaTestCluster cluster, LabelerHarness harness) {
        try (KafkaProducer<String, Answer> producer =
                harness.env.producer(
                        harness.topics.answers(),
                        Map.of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                cluster.bootstrapServers()))) {
            producer.send(
                    new ProducerRecord<>(
                            harness.names.answers(),
                            "d1",
                            LabelerHarness.answer("d1", "Paris is a city.", 0, 5, 0.5, 1)));
        }
    }
}
