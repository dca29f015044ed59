package io.spanloop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.spanloop.events.EvalMetrics;
import io.spanloop.events.ModelStatus;
import io.spanloop.events.ModelVersion;
import io.spanloop.schemas.TopicNames;
import io.spanloop.schemas.Topics;
import io.spanloop.testkit.KafkaEnvironment;
import io.spanloop.testkit.KafkaEnvironmentExtension;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code spanloop versions} on a real broker and registry, with versions published the way the
 * retrainer publishes them: one Kafka transaction each, keyed by the model name.
 */
@ExtendWith(KafkaEnvironmentExtension.class)
class VersionsCommandIT {

    private static final Instant T1 = Instant.parse("2025-01-02T03:04:05.678Z");
    private static final Instant T2 = Instant.parse("2025-01-02T03:14:05Z");

    private static ModelVersion version(
            long version,
            Long parent,
            ModelStatus status,
            String reason,
            EvalMetrics metrics,
            int examples,
            double seconds,
            String device,
            Instant createdAt) {
        return ModelVersion.newBuilder()
                .setModelName("tiny-bert-qa")
                .setVersion(version)
                .setParentVersion(parent)
                .setUri("file:/models/tiny-bert-qa/" + version)
                .setSha256("ab".repeat(32))
                .setStatus(status)
                .setReason(reason)
                .setMetrics(metrics)
                .setTrainingExamples(examples)
                .setEpochs(2)
                .setDevice(device)
                .setTrainingSeconds(seconds)
                .setCreatedAt(createdAt)
                .build();
    }

    private static final ModelVersion V1 =
            version(
                    1,
                    null,
                    ModelStatus.PUBLISHED,
                    null,
                    new EvalMetrics(0.0, 0.0, null, null, 0),
                    0,
                    0.0,
                    "cpu",
                    T1);
    private static final ModelVersion V2 =
            version(
                    2,
                    1L,
                    ModelStatus.REJECTED,
                    "F1 45.5 is not above the incumbent's 55.3",
                    new EvalMetrics(40.0, 45.5, 50.0, 55.25, 16),
                    12,
                    3.25,
                    "gpu(0)",
                    T2);
    private static final ModelVersion V3 =
            version(
                    3,
                    1L,
                    ModelStatus.PUBLISHED,
                    null,
                    new EvalMetrics(62.5, 70.0, 50.0, 55.25, 16),
                    24,
                    7.0,
                    "cpu",
                    T2.plusSeconds(60));

    /** A transactional publisher, as the retrainer's; {@code abort} rolls the event back. */
    private static void publish(
            KafkaEnvironment env, TopicNames names, ModelVersion event, boolean abort) {
        Topics topics = env.topics(names);
        Map<String, Object> props = env.producerProps();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "cli-it-" + UUID.randomUUID());
        try (KafkaProducer<String, ModelVersion> producer =
                new KafkaProducer<>(
                        props,
                        topics.modelVersions().keySerde().serializer(),
                        topics.modelVersions().valueSerde().serializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(names.modelVersions(), event.getModelName(), event));
            if (abort) {
                producer.abortTransaction();
            } else {
                producer.commitTransaction();
            }
        }
    }

    @Test
    void shouldPrintTheCommittedVersionsOnceAndExit(KafkaEnvironment env) {
        // Given: two committed versions and one rolled back
        TopicNames names = env.createTopics(env.newTopicNames(), 1);
        CliRun empty = CliRun.against(env, names, null, "versions", "--once");
        publish(env, names, V1, false);
        publish(env, names, V2, false);
        publish(env, names, V3, true);

        // When
        CliRun run = CliRun.against(env, names, null, "versions", "--once");

        // Then
        assertThat(run.status()).as(run.err()).isZero();
        List<String> lines = run.outLines();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(3))
                .isEqualTo("served: tiny-bert-qa v1 (the newest version that passed the gate)");
        assertThat(lines.get(0).split(" {2,}"))
                .containsExactly(
                        "MODEL",
                        "VERSION",
                        "STATUS",
                        "PARENT",
                        "CAND EM/F1",
                        "INCB EM/F1",
                        "EVAL",
                        "EXAMPLES",
                        "SECONDS",
                        "DEVICE",
                        "CREATED (UTC)",
                        "REASON");
        assertThat(lines.get(1).split(" +"))
                .containsExactly(
                        "tiny-bert-qa",
                        "1",
                        "PUBLISHED",
                        "-",
                        "0.0/0.0",
                        "-",
                        "0",
                        "0",
                        "0.0",
                        "cpu",
                        "2025-01-02T03:04:05Z");
        assertThat(lines.get(2))
                .startsWith("tiny-bert-qa")
                .endsWith("2025-01-02T03:14:05Z  F1 45.5 is not above the incumbent's 55.3");
        assertThat(lines.get(2).split(" +"))
                .startsWith(
                        "tiny-bert-qa",
                        "2",
                        "REJECTED",
                        "1",
                        "40.0/45.5",
                        "50.0/55.3",
                        "16",
                        "12",
                        "3.3",
                        "gpu(0)");
        // And: on the empty topic, only the header, and a word on stderr
        assertThat(empty.status()).isZero();
        assertThat(empty.outLines()).containsExactly(VersionFormat.HEADER);
        assertThat(empty.err()).contains("no model versions on " + names.modelVersions() + " yet");
    }

    @Test
    void shouldFollowNewVersionsUntilStopped(KafkaEnvironment env) throws Exception {
        // Given: one version, and the command following the topic
        TopicNames names = env.createTopics(env.newTopicNames(), 1);
        publish(env, names, V1, false);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CliContext context =
                new CliContext(
                        new ByteArrayInputStream(new byte[0]),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                        Map.of(),
                        true,
                        false,
                        names);
        String[] args = {
            "versions",
            "--bootstrap-servers",
            env.bootstrapServers(),
            "--registry-url",
            env.registryUrl()
        };
        AtomicInteger status = new AtomicInteger(-1);
        Thread runner = new Thread(() -> status.set(Cli.run(args, context)), "versions-follow");
        runner.start();
        awaitLines(out, 3);

        // When: the retrainer publishes another one
        publish(env, names, V3, false);

        // Then: it is printed as it arrives, with the served version it makes, and the command
        // ends cleanly when stopped
        awaitLines(out, 5);
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines.get(3).split(" +"))
                .startsWith("tiny-bert-qa", "3", "PUBLISHED", "1", "62.5/70.0", "50.0/55.3");
        assertThat(lines.get(4)).startsWith("served: tiny-bert-qa v3 (the newest");
        runner.interrupt();
        runner.join(30_000);
        assertThat(runner.isAlive()).isFalse();
        assertThat(status.get()).isZero();
    }

    @Test
    void shouldPromotePinAndUnpinWithClearRefusals(KafkaEnvironment env) {
        // Given: v1 (base, published), v2 rejected, v3 published and served
        TopicNames names = env.createTopics(env.newTopicNames(), 1);
        publish(env, names, V1, false);
        publish(env, names, V2, false);
        publish(env, names, V3, false);

        // When: v1 is promoted back
        CliRun promote =
                CliRun.against(
                        env,
                        names,
                        null,
                        "versions",
                        "promote",
                        "1",
                        "--by",
                        "alice",
                        "--note",
                        "v3 answers dates wrong");

        // Then: the event is on the topic and the served line says so
        assertThat(promote.status()).as(promote.err()).isZero();
        assertThat(promote.outLines().get(0).split(" +"))
                .startsWith("tiny-bert-qa", "1", "PROMOTED")
                .endsWith("by", "alice:", "v3", "answers", "dates", "wrong");
        assertThat(promote.outLines().get(1))
                .startsWith("served: tiny-bert-qa v1 (promoted by alice at ");

        // And: a rejected version, an unknown one, a served one are refused with the reason
        CliRun rejected = CliRun.against(env, names, null, "versions", "promote", "2");
        assertThat(rejected.status()).isEqualTo(1);
        assertThat(rejected.err())
                .contains("promote refused: v2 was REJECTED by the gate (F1 45.5");
        assertThat(CliRun.against(env, names, null, "versions", "promote", "9").err())
                .contains("there is no v9 of tiny-bert-qa");
        assertThat(CliRun.against(env, names, null, "versions", "promote", "1").err())
                .contains("v1 is already served");
        assertThat(CliRun.against(env, names, null, "versions", "promote", "x").err())
                .contains("the version must be a positive number, not x");
        assertThat(CliRun.against(env, names, null, "versions", "unpin").err())
                .contains("is not pinned");

        // When: v3 is pinned, then unpinned
        CliRun pin = CliRun.against(env, names, null, "versions", "pin", "v3", "--by", "bob");
        assertThat(pin.status()).as(pin.err()).isZero();
        assertThat(pin.outLines().get(1))
                .startsWith("served: tiny-bert-qa v3 (pinned by bob at ")
                .endsWith("; pinned: candidates are held until `spanloop versions unpin`");
        assertThat(CliRun.against(env, names, null, "versions", "pin", "3").err())
                .contains("already pinned to v3");
        CliRun unpin = CliRun.against(env, names, null, "versions", "unpin", "--by", "bob");
        assertThat(unpin.status()).as(unpin.err()).isZero();

        // Then: the listing shows every action and what is served
        CliRun list = CliRun.against(env, names, null, "versions", "--once");
        List<String> lines = list.outLines();
        assertThat(lines.subList(1, lines.size() - 1))
                .extracting(line -> line.split(" +")[2])
                .containsExactly(
                        "PUBLISHED", "REJECTED", "PUBLISHED", "PROMOTED", "PINNED", "UNPINNED");
        assertThat(lines.get(lines.size() - 1))
                .startsWith("served: tiny-bert-qa v3 (promoted by bob");
    }

    private static void awaitLines(ByteArrayOutputStream out, int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (out.toString(StandardCharsets.UTF_8).lines().count() < count) {
            assertThat(System.nanoTime()).as("waiting for %d lines", count).isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
