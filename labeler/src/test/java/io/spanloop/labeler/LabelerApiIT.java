package io.spanloop.labeler;

import static io.spanloop.labeler.LabelerHarness.ALICE_TOKEN;
import static io.spanloop.labeler.LabelerHarness.BOB_TOKEN;
import static io.spanloop.labeler.LabelerHarness.correction;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.spanloop.events.Answer;
import io.spanloop.events.Correction;
import io.spanloop.events.EvalMetrics;
import io.spanloop.events.ModelStatus;
import io.spanloop.events.ModelVersion;
import io.spanloop.events.SliceMetrics;
import io.spanloop.events.TokenScores;
import io.spanloop.events.TrainingProgress;
import io.spanloop.events.TrainingState;
import io.spanloop.events.Verdict;
import io.spanloop.events.VersionAction;
import io.spanloop.labeler.LabelerHarness.Response;
import io.spanloop.schemas.ProbabilityBytes;
import io.spanloop.testkit.Await;
import io.spanloop.testkit.KafkaEnvironment;
import io.spanloop.testkit.KafkaEnvironmentExtension;
import io.spanloop.testkit.metrics.Exposition;
import io.spanloop.testkit.metrics.MetricsScrape;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The labeler's JSON API against a real KRaft broker and registry. */
@ExtendWith(KafkaEnvironmentExtension.class)
class LabelerApiIT {

    private static final String EMOJI_CONTEXT =
            "Party 🎉 time!\r\nThe king 👑 of Paris said hello.";

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("items").forEach(item -> ids.add(item.get("questionId").asText()));
        return ids;
    }

    @Test
    void shouldListTheQueueMostUncertainFirstAndPreferTheNewestModelVersion(
            KafkaEnvironment env, @TempDir Path state) throws Exception {
        // Given: answers with different confidence; q2 answered again by v2 (and a late v1)
        LabelerHarness harness = new LabelerHarness(env);
        String context = "The capital of France is Paris.";
        harness.produceAnswers(
                List.of(
                        Answer.newBuilder(LabelerHarness.answer("q1", context, 25, 30, 0.9, 1))
                                .setTokenScores(
                                        new TokenScores(
                                                List.of(0, 25),
                                                List.of(3, 30),
                                                ProbabilityBytes.encode(new float[] {0.2f, 0.8f}),
                                                ProbabilityBytes.encode(new float[] {0f, 1f})))
                                .build(),
                        LabelerHarness.answer("q2", context, 4, 11, 0.5, 1),
                        LabelerHarness.answer("q3", context, 0, 3, 0.2, 1),
                        LabelerHarness.answer("q2", context, 25, 30, 0.7, 2),
                        LabelerHarness.answer("q2", context, 0, 3, 0.1, 1)));
        try (Labeler labeler = Labeler.start(new LabelerConfig(harness.config(state)))) {
            // When
            JsonNode page =
                    harness.awaitQueue(
                            labeler,
                            p ->
                                    p.get("total").asInt() == 3
                                            && p.toString().contains("\"modelVersion\":2"),
                            Duration.ofSeconds(60));
            // Then: lowest best-span probability first; q2 is v2's answer
            assertThat(ids(page)).containsExactly("q3", "q2", "q1");
            JsonNode q2 = page.get("items").get(1);
            assertThat(q2.get("modelVersion").asLong()).isEqualTo(2);
            assertThat(q2.get("best").get("text").asText()).isEqualTo("Paris");
            assertThat(q2.get("uncertainty").asDouble())
                    .isCloseTo(0.3, org.assertj.core.api.Assertions.within(1e-9));
            // and token scores pass through as offsets and probabilities 0..1, null when none
            assertThat(q2.get("tokenScores").isNull()).isTrue();
            JsonNode scores = page.get("items").get(2).get("tokenScores");
            assertThat(scores.toString())
                    .isEqualTo(
                            "{\"starts\":[0,25],\"ends\":[3,30],"
                                    + "\"startProbabilities\":[0.2,0.8],"
                                    + "\"endProbabilities\":[0.0,1.0]}");
            // paging
            assertThat(ids(harness.get(labeler, "/api/queue?limit=1&offset=1", ALICE_TOKEN).body()))
                    .containsExactly("q2");
            assertThat(
                            harness.get(labeler, "/api/status", ALICE_TOKEN)
                                    .body()
                                    .get("modelVersion")
                                    .asLong())
                    .isEqualTo(2);
        }
    }

    @Test
    void shouldShowTheLastTrainingSliceBySlice(KafkaEnvironment env, @TempDir Path state) {
        // Given: an answer by v2 of the model, and its last two trainings
        LabelerHarness harness = new LabelerHarness(env);
        Answer answered =
                LabelerHarness.answer("q1", "The capital of France is Paris.", 25, 30, 0.9, 2);
        harness.produceAnswers(List.of(answered));
        harness.produceVersions(
                List.of(
                        version(answered.getModelName(), 2, ModelStatus.PUBLISHED, null, List.of()),
                        version(
                                answered.getModelName(),
                                3,
                                ModelStatus.REJECTED,
                                "slice file:known (200 examples): candidate EM 88.0 is more than"
                                        + " 1.0 below the incumbent's 93.0",
                                List.of(
                                        new SliceMetrics(
                                                "file:known",
                                                new EvalMetrics(88.0, 88.5, 93.0, 93.2, 200),
                                                91.5,
                                                true)))));
        try (Labeler labeler = Labeler.start(new LabelerConfig(harness.config(state)))) {
            // When
            JsonNode training =
                    Await.until(
                            () ->
                                    harness.get(labeler, "/api/status", ALICE_TOKEN)
                                            .body()
                                            .path("lastTraining"),
                            t -> t.path("version").asLong() == 3,
                            Duration.ofSeconds(60),
                            "the last training in /api/status");

            // Then
            assertThat(training.get("status").asText()).isEqualTo("REJECTED");
            assertThat(training.get("reason").asText()).startsWith("slice file:known");
            assertThat(training.get("overall").get("slice").asText()).isEqualTo("labels");
            JsonNode known = training.get("slices").get(0);
            assertThat(known.get("slice").asText()).isEqualTo("file:known");
            assertThat(known.get("candidateExactMatch").asDouble()).isEqualTo(88.0);
            assertThat(known.get("incumbentExactMatch").asDouble()).isEqualTo(93.0);
            assertThat(known.get("referenceExactMatch").asDouble()).isEqualTo(91.5);
            assertThat(known.get("size").asInt()).isEqualTo(200);
            assertThat(known.get("gated").asBoolean()).isTrue();
        }
    }

    @Test
    void shouldListTheVersionsAndLetOnlyAdminsPromotePinAndUnpin(
            KafkaEnvironment env, @TempDir Path state) {
        // Given: v1 the base, v2 passed, v3 rejected, v4 passed (both gated against v2); answers
        // by v2 and v4 in this minute; a training of v5 under way
        LabelerHarness harness = new LabelerHarness(env);
        harness.produceVersions(
                List.of(
                        LabelerHarness.trained(2, 1, ModelStatus.PUBLISHED, 70.0),
                        LabelerHarness.trained(3, 2, ModelStatus.REJECTED, 60.0),
                        LabelerHarness.trained(4, 2, ModelStatus.PUBLISHED, 80.0)));
        String context = "The capital of France is Paris.";
        harness.produceAnswers(
                List.of(
                        LabelerHarness.answer("a1", context, 25, 30, 0.9, 2),
                        LabelerHarness.answer("a2", context, 25, 30, 0.9, 4),
                        LabelerHarness.answer("a3", context, 25, 30, 0.8, 4)));
        Instant started = Instant.now().minusSeconds(30);
        harness.produceProgress(
                TrainingProgress.newBuilder()
                        .setModelName("tiny-bert-qa")
                        .setVersion(5)
                        .setParentVersion(4)
                        .setState(TrainingState.RUNNING)
                        .setLabels(120)
                        .setNewLabels(40)
                        .setTrainingExamples(160)
                        .setEvalExamples(24)
                        .setEpoch(1)
                        .setEpochs(2)
                        .setStep(7)
                        .setTotalSteps(20)
                        .setLoss(1.25)
                        .setExamplesPerSecond(12.5)
                        .setEtaSeconds(52L)
                        .setStartedAt(started)
                        .setUpdatedAt(started.plusSeconds(28))
                        .build());
        try (Labeler labeler = Labeler.start(new LabelerConfig(harness.config(state)))) {
            // When: anyone looks
            JsonNode model =
                    Await.until(
                                    () -> harness.get(labeler, "/api/models", BOB_TOKEN).body(),
                                    m -> m.path("models").path(0).path("versions").size() == 4,
                                    Duration.ofSeconds(60),
                                    "the versions in /api/models")
                            .get("models")
                            .get(0);

            // Then: every version newest first with the gate's numbers, v4 served as the newest
            // passing one, v1 the base
            assertThat(model.get("modelName").asText()).isEqualTo("tiny-bert-qa");
            assertThat(model.get("served").get("version").asLong()).isEqualTo(4);
            assertThat(model.get("served").get("why").asText()).isEqualTo("NEWEST_PASSING");
            assertThat(model.get("pin").isNull()).isTrue();
            JsonNode versions = model.get("versions");
            assertThat(versions.findValuesAsText("status"))
                    .containsExactly("PUBLISHED", "REJECTED", "PUBLISHED", "BASE");
            assertThat(versions.findValues("version"))
                    .extracting(JsonNode::asLong)
                    .containsExactly(4L, 3L, 2L, 1L);
            JsonNode v4 = versions.get(0);
            assertThat(v4.get("served").asBoolean()).isTrue();
            assertThat(v4.get("candidateExactMatch").asDouble()).isEqualTo(80.0);
            assertThat(v4.get("incumbentF1").asDouble()).isEqualTo(76.0);
            assertThat(v4.get("incumbentVersion").asLong()).isEqualTo(2);
            assertThat(v4.get("evalSize").asInt()).isEqualTo(24);
            assertThat(v4.get("trainingExamples").asInt()).isEqualTo(104);
            assertThat(v4.get("device").asText()).isEqualTo("cpu");
            assertThat(versions.get(1).get("servable").asBoolean()).isFalse();
            assertThat(versions.get(1).get("reason").asText()).contains("below the incumbent");
            assertThat(
                            harness.get(labeler, "/api/models", BOB_TOKEN)
                                    .body()
                                    .get("admin")
                                    .asBoolean())
                    .isFalse();
            assertThat(
                            harness.get(labeler, "/api/session", ALICE_TOKEN)
                                    .body()
                                    .get("admin")
                                    .asBoolean())
                    .isTrue();
            assertThat(
                            harness.get(labeler, "/api/session", BOB_TOKEN)
                                    .body()
                                    .get("admin")
                                    .asBoolean())
                    .isFalse();

            // and the live training, and answers per version this minute
            JsonNode run =
                    harness.get(labeler, "/api/training", BOB_TOKEN).body().get("runs").get(0);
            assertThat(run.get("version").asLong()).isEqualTo(5);
            assertThat(run.get("state").asText()).isEqualTo("RUNNING");
            assertThat(run.get("step").asInt()).isEqualTo(7);
            assertThat(run.get("totalSteps").asInt()).isEqualTo(20);
            assertThat(run.get("etaSeconds").asLong()).isEqualTo(52);
            assertThat(run.get("secondsSinceUpdate").asLong()).isBetween(0L, 60L);
            JsonNode rates =
                    Await.until(
                            () ->
                                    harness.get(
                                                    labeler,
                                                    "/api/answers-per-version?minutes=5",
                                                    BOB_TOKEN)
                                            .body(),
                            // all three answers counted (the Streams app may be mid-way)
                            r ->
                                    r.path("versions").size() == 2
                                            && r.path("versions").findValues("total").stream()
                                                            .mapToLong(JsonNode::asLong)
                                                            .sum()
                                                    == 3,
                            Duration.ofSeconds(30),
                            "answers per version");
            assertThat(rates.get("minuteStarts")).hasSize(5);
            assertThat(rates.get("versions").findValues("version"))
                    .extracting(JsonNode::asLong)
                    .containsExactly(2L, 4L);
            assertThat(rates.get("versions").get(1).get("total").asLong()).isEqualTo(2);
            JsonNode v4PerMinute = rates.get("versions").get(1).get("counts");
            assertThat(v4PerMinute.get(3).asLong() + v4PerMinute.get(4).asLong())
                    .as("answered this minute (or the last, at a minute's turn)")
                    .isEqualTo(2);
            assertThat(
                            harness.get(labeler, "/api/answers-per-version?minutes=0", BOB_TOKEN)
                                    .status())
                    .isEqualTo(400);

            // When: bob, no admin, promotes v2
            Response refused = promote(harness, labeler, BOB_TOKEN, "promote", "{\"version\":2}");
            // Then: 403 saying why
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.body().get("error").asText())
                    .contains("only admins may promote, pin or unpin")
                    .contains("bob is not one");

            // When: alice, an admin, promotes the rejected v3, or sends nonsense
            Response rejected =
                    promote(harness, labeler, ALICE_TOKEN, "promote", "{\"version\":3}");
            // Then: refused with the log's reason
            assertThat(rejected.status()).isEqualTo(422);
            assertThat(rejected.body().get("error").asText())
                    .contains("v3 was REJECTED by the gate")
                    .contains("only versions that passed the gate");
            assertThat(
                            promote(harness, labeler, ALICE_TOKEN, "promote", "{\"version\":9}")
                                    .status())
                    .isEqualTo(422);
            Response unknownField =
                    promote(
                            harness,
                            labeler,
                            ALICE_TOKEN,
                            "promote",
                            "{\"version\":2,\"force\":true}");
            assertThat(unknownField.status()).isEqualTo(400);
            assertThat(unknownField.body().get("error").asText())
                    .isEqualTo("unknown field 'force': promote takes version and note");
            assertThat(
                            promote(harness, labeler, ALICE_TOKEN, "promote", "{\"version\":\"2\"}")
                                    .status())
                    .isEqualTo(400);
            assertThat(promote(harness, labeler, ALICE_TOKEN, "pin", "{}").status()).isEqualTo(400);
            Response noModel =
                    harness.post(
                            labeler, "/api/models/nope/promote", ALICE_TOKEN, "{\"version\":2}");
            assertThat(noModel.status()).isEqualTo(404);

            // When: alice promotes v2 with a note
            Response promoted =
                    promote(
                            harness,
                            labeler,
                            ALICE_TOKEN,
                            "promote",
                            "{\"version\":2,\"note\":\"v4 mixes up rivers\"}");

            // Then: the event is on the topic, v2 is served, promoted by alice
            assertThat(promoted.status()).as(promoted.body().toString()).isEqualTo(201);
            assertThat(promoted.body().get("action").asText()).isEqualTo("PROMOTED");
            assertThat(promoted.body().get("served").get("version").asLong()).isEqualTo(2);
            List<ModelVersion> events = harness.readVersions(4, Duration.ofSeconds(30));
            ModelVersion written = events.get(events.size() - 1);
            assertThat(written.getAction()).isEqualTo(VersionAction.PROMOTED);
            assertThat(written.getActor()).isEqualTo("alice");
            assertThat(written.getVersion()).isEqualTo(2);
            assertThat(written.getReason()).isEqualTo("v4 mixes up rivers");
            assertThat(written.getUri()).isEqualTo("file:/models/tiny-bert-qa/2/");
            JsonNode after =
                    harness.get(labeler, "/api/models", BOB_TOKEN).body().get("models").get(0);
            assertThat(after.get("served").get("version").asLong()).isEqualTo(2);
            assertThat(after.get("served").get("why").asText()).isEqualTo("PROMOTED");
            assertThat(after.get("served").get("actor").asText()).isEqualTo("alice");
            JsonNode v2 = after.get("versions").get(2);
            assertThat(v2.get("served").asBoolean()).isTrue();
            assertThat(v2.get("actions").get(0).get("actor").asText()).isEqualTo("alice");
            assertThat(v2.get("actions").get(0).get("note").asText())
                    .isEqualTo("v4 mixes up rivers");
            // promoting it again is a conflict with what the log says
            Response again = promote(harness, labeler, ALICE_TOKEN, "promote", "{\"version\":2}");
            assertThat(again.status()).isEqualTo(409);
            assertThat(again.body().get("error").asText()).contains("v2 is already served");

            // When: alice pins v4, then unpins
            Response pinned =
                    promote(
                            harness,
                            labeler,
                            ALICE_TOKEN,
                            "pin",
                            "{\"version\":4,\"note\":\"freeze\"}");
            assertThat(pinned.status()).as(pinned.body().toString()).isEqualTo(201);
            assertThat(pinned.body().get("pin").get("version").asLong()).isEqualTo(4);
            assertThat(pinned.body().get("served").get("why").asText()).isEqualTo("PINNED");
            Response unpinned =
                    promote(harness, labeler, ALICE_TOKEN, "unpin", "{\"note\":\"thaw\"}");
            assertThat(unpinned.status()).as(unpinned.body().toString()).isEqualTo(201);

            // Then: the pin is gone, v4 stays served; unpinning again is refused
            JsonNode last =
                    harness.get(labeler, "/api/models", BOB_TOKEN).body().get("models").get(0);
            assertThat(last.get("pin").isNull()).isTrue();
            assertThat(last.get("served").get("version").asLong()).isEqualTo(4);
            assertThat(last.get("actions").findValuesAsText("action"))
                    .containsExactly("PROMOTED", "PINNED", "UNPINNED");
            Response notPinned =
                    harness.post(labeler, "/api/models/tiny-bert-qa/unpin", ALICE_TOKEN, null);
            assertThat(notPinned.status()).isEqualTo(409);
            assertThat(notPinned.body().get("error").asText()).contains("is not pinned");
            assertThat(harness.readVersions(6, Duration.ofSeconds(30)))
                    .extracting(ModelVersion::getAction)
                    .containsExactly(
                            VersionAction.TRAINED,
                            VersionAction.TRAINED,
                            VersionAction.TRAINED,
                            VersionAction.PROMOTED,
                            VersionAction.PINNED,
                            VersionAction.UNPINNED);
            // and the review page's last training is still v4's training, not an admin's action
            JsonNode training =
                    harness.get(labeler, "/api/status", BOB_TOKEN).body().get("lastTraining");
            assertThat(training.get("version").asLong()).isEqualTo(4);
            assertThat(training.get("reason").isNull()).isTrue();
        }
    }

    private static Response promote(
            LabelerHarness harness, Labeler labeler, String token, String action, String body) {
        return harness.post(labeler, "/api/models/tiny-bert-qa/" + action, token, body);
    }

    private static ModelVersion version(
            String model,
            long version,
            ModelStatus status,
            String reason,
            List<SliceMetrics> slices) {
        return ModelVersion.newBuilder()
                .setModelName(model)
                .setVersion(version)
                .setParentVersion(version - 1)
                .setUri("")
                .setSha256("")
                .setStatus(status)
                .setReason(reason)
                .setMetrics(new EvalMetrics(90.0, 91.0, 89.0, 90.0, 24))
                .setTrainingExamples(100)
                .setEpochs(2)
                .setDevice("cpu")
                .setTrainingSeconds(20.0)
                .setCreatedAt(Instant.now())
                .setSlices(slices)
                .build();
    }

    @Test
    void shouldWriteCorrectionsWithExactlyTheSubmittedOffsetsAndDropThemFromTheQueue(
            KafkaEnvironment env, @TempDir Path state) throws Exception {
        // Given
        LabelerHarness harness = new LabelerHarness(env);
        int paris = EMOJI_CONTEXT.indexOf("Paris");
        harness.produceAnswers(
                List.of(
                        Answer.newBuilder(LabelerHarness.answer("e1", EMOJI_CONTEXT, 0, 5, 0.3, 1))
                                .setAttributes(Map.of("topic", "royalty"))
                                .build(),
                        LabelerHarness.answer("e2", EMOJI_CONTEXT, paris, paris + 5, 0.6, 1),
                        LabelerHarness.answer("e3", EMOJI_CONTEXT, 0, 5, 0.4, 1),
                        LabelerHarness.answer("e4", EMOJI_CONTEXT, 0, 5, 0.45, 1)));
        try (Labeler labeler = Labeler.start(new LabelerConfig(harness.config(state)))) {
            harness.awaitQueue(labeler, p -> p.get("total").asInt() == 4, Duration.ofSeconds(60));
            URI metrics = labeler.metricsUrl().orElseThrow();
            assertThat(metrics.getHost()).isEqualTo("127.0.0.1");
            Exposition before = MetricsScrape.of(metrics);
            assertThat(before.value("spanloop_review_queue_open")).isEqualTo(4);
            assertThat(before.sum("spanloop_corrections_total")).isZero();
            // When: alice corrects e1 to "king 👑", bob accepts e2, alice marks e3 no-answer
            int king = EMOJI_CONTEXT.indexOf("king");
            int kingEnd = king + "king 👑".length();
            Response corrected =
                    harness.post(
                            labeler,
                            "/api/corrections",
                            ALICE_TOKEN,
                            correction("e1", "CORRECTED", king, kingEnd, "king 👑"));
            Response accepted =
                    harness.post(
                            labeler,
                            "/api/corrections",
                            BOB_TOKEN,
                            correction("e2", "ACCEPTED", null, null, null));
            Response noAnswer =
                    harness.post(
                            labeler,
                            "/api/corrections",
                            ALICE_TOKEN,
                            correction("e3", "NO_ANSWER", null, null, null));
            // Then: each confirmed after Kafka's acknowledgement
            assertThat(corrected.status()).as(corrected.body().toString()).isEqualTo(201);
            assertThat(corrected.body().get("offset").asLong()).isNotNegative();
            assertThat(accepted.status()).isEqualTo(201);
            assertThat(noAnswer.status()).isEqualTo(201);
            List<ConsumerRecord<String, Correction>> feedback =
                    harness.readFeedback(3, Duration.ofSeconds(30));
            assertThat(feedback).hasSize(3);
            Correction e1 = value(feedback, "e1");
            assertThat(e1.getVerdict()).isEqualTo(Verdict.CORRECTED);
            assertThat(e1.getSpan().getStart()).isEqualTo(king);
            assertThat(e1.getSpan().getEnd()).isEqualTo(kingEnd);
            assertThat(e1.getSpan().getText()).isEqualTo("king 👑");
            assertThat(e1.getAnnotator()).isEqualTo("alice");
            assertThat(e1.getPredicted().getText()).isEqualTo("Party");
            assertThat(e1.getModelVersion()).isEqualTo(1L);
            assertThat(e1.getContext()).isEqualTo(EMOJI_CONTEXT);
            assertThat(e1.getAttributes()).isEqualTo(Map.of("topic", "royalty"));
            Correction e2 = value(feedback, "e2");
            assertThat(e2.getVerdict()).isEqualTo(Verdict.ACCEPTED);
            assertThat(e2.getSpan().getText()).isEqualTo("Paris");
            assertThat(e2.getAnnotator()).isEqualTo("bob");
            assertThat(e2.getAttributes()).isEmpty();
            assertThat(value(feedback, "e3").getSpan()).isNull();
            // And: reviewed items leave the queue; the item shows its review
            JsonNode page =
                    harness.awaitQueue(
                            labeler, p -> p.get("total").asInt() == 1, Duration.ofSeconds(30));
            assertThat(ids(page)).containsExactly("e4");
            JsonNode item = harness.get(labeler, "/api/items/e1", ALICE_TOKEN).body();
            assertThat(item.get("review").get("verdict").asText()).isEqualTo("CORRECTED");
            JsonNode status = harness.get(labeler, "/api/status", ALICE_TOKEN).body();
            assertThat(status.get("queueLength").asInt()).isEqualTo(1);
            // And: /metrics counted each verdict, the requests by route, and the errors
            assertThat(harness.get(labeler, "/api/items/nope", ALICE_TOKEN).status())
                    .isEqualTo(404);
            assertThat(harness.get(labeler, "/api/queue", null).status()).isEqualTo(401);
            Exposition after = MetricsScrape.of(metrics);
            for (String verdict : List.of("CORRECTED", "ACCEPTED", "NO_ANSWER")) {
                assertThat(after.value("spanloop_corrections_total", Map.of("verdict", verdict)))
                        .as(verdict)
                        .isEqualTo(1);
            }
            assertThat(after.value("spanloop_review_queue_open")).isEqualTo(1);
            assertThat(after.value("spanloop_api_errors_total", Map.of("status", "404")))
                    .isEqualTo(1);
            assertThat(after.value("spanloop_api_errors_total", Map.of("status", "401")))
                    .isEqualTo(1);
            assertThat(
                            after.value(
                                    "spanloop_http_requests_seconds_count",
                                    Map.of(
                                            "method", "POST",
                                            "route", "/api/corrections",
                                            "status", "201")))
                    .isEqualTo(3);
            assertThat(
                            after.value(
                                    "spanloop_http_requests_seconds_count",
                                    Map.of(
                                            "method", "GET",
                                            "route", "/api/items/{questionId}",
                                            "status", "200")))
                    .isEqualTo(1);
            // the Kafka clients' own metrics: the corrections producer sent the three
            assertThat(
                            after.sum(
                                    "kafka_producer_record_send_total",
                                    Map.of("client_id", "spanloop-labeler-corrections")))
                    .isEqualTo(3);
            assertThat(after.has("kafka_stream_thread_process_total")).isTrue();
        }
        // And: after a restart (new instance, new local state) they stay reviewed
        try (Labeler restarted =
                Labeler.start(new LabelerConfig(harness.config(state.resolve("restarted"))))) {
            JsonNode page =
                    harness.awaitQueue(
                            restarted, p -> p.get("total").asInt() == 1, Duration.ofSeconds(60));
            assertThat(ids(page)).containsExactly("e4");
            JsonNode status = harness.get(restarted, "/api/status", ALICE_TOKEN).body();
            assertThat(status.get("reviewedToday").asLong()).isEqualTo(3);
            assertThat(status.get("reviewedTodayByMe").asLong()).isEqualTo(2);
        }
    }

    private static Correction value(List<ConsumerRecord<String, Correction>> records, String id) {
        return records.stream()
                .filter(r -> r.key().equals(id))
                .map(ConsumerRecord::value)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no correction for " + id));
    }

    @Test
    void shouldRefuseInvalidCorrectionsWithAClearMessage(KafkaEnvironment env, @TempDir Path state)
            throws Exception {
        LabelerHarness harness = new LabelerHarness(env);
        String context = "The capital of France is Paris.";
        String party = "Cafe\u0301 party: it's a 🎉 in Paris"; // the emoji is [20, 22)
        // bytes another writer put on the topics the review queue reads are skipped (the
        // feedback topic too, by the same handler; this test reads that one itself)
        try (KafkaProducer<byte[], byte[]> bytes = env.bytesProducer()) {
            for (String topic : List.of(harness.names.answers(), harness.names.modelVersions())) {
                bytes.send(
                        new ProducerRecord<>(topic, "v1".getBytes(UTF_8), "junk".getBytes(UTF_8)));
            }
        }
        harness.produceAnswers(
                List.of(
                        LabelerHarness.answer("v1", context, 25, 30, 0.5, 1),
                        LabelerHarness.answer("v2", party, 26, 31, 0.5, 1)));
        try (Labeler labeler = Labeler.start(new LabelerConfig(harness.config(state)))) {
            harness.awaitQueue(labeler, p -> p.get("total").asInt() == 2, Duration.ofSeconds(60));
            // a span inside the emoji's surrogate pair: UTF-8 could not even carry its text
            assertRefused(
                    harness,
                    labeler,
                    "{\"questionId\":\"v2\",\"verdict\":\"CORRECTED\",\"start\":21,\"end\":23,"
                            + "\"text\":\"\\udf89 \"}",
                    422,
                    "start 21 falls inside the character U+1F389");
            assertRefused(
                    harness,
                    labeler,
                    correction("v2", "CORRECTED", 0, 4, "Cafe"),
                    422,
                    "end 4 separates a combining mark (U+0301)");
            // the span nested as in the Avro schema would be dropped: refused, with the fields
            assertRefused(
                    harness,
                    labeler,
                    "{\"questionId\":\"v1\",\"verdict\":\"NO_ANSWER\","
                            + "\"span\":{\"start\":25,\"end\":30,\"text\":\"Paris\"}}",
                    400,
                    "unknown field 'span': a correction has only questionId, verdict, start, end,"
                            + " text (the span's start, end and text at the top level");
            assertRefused(
                    harness,
                    labeler,
                    "{\"questionId\":\"v1\",\"verdict\":\"ACCEPTED\",\"note\":1,\"by\":2}",
                    400,
                    "unknown fields 'note', 'by'");
            assertRefused(harness, labeler, "{not json", 400, "not valid JSON");
            assertRefused(harness, labeler, "[1,2]", 400, "JSON object");
            assertRefused(harness, labeler, "{\"verdict\":\"ACCEPTED\"}", 400, "questionId");
            assertRefused(harness, labeler, "{\"questionId\":\"v1\"}", 400, "verdict is required");
            assertRefused(
                    harness, labeler, correction("v1", "MAYBE", null, null, null), 400, "MAYBE");
            assertRefused(
                    harness,
                    labeler,
                    correction("nope", "ACCEPTED", null, null, null),
                    404,
                    "unknown question id 'nope'");
            assertRefused(
                    harness, labeler, correction("v1", "CORRECTED", 5, 5, ""), 422, "not inside");
            assertRefused(
                    harness,
                    labeler,
                    correction("v1", "CORRECTED", -1, 3, "Th"),
                    422,
                    "not inside");
            assertRefused(
                    harness,
                    labeler,
                    correction("v1", "CORRECTED", 25, 32, "Paris.x"),
                    422,
                    "not inside the context: need 0 <= start < end <= 31");
            assertRefused(
                    harness,
                    labeler,
                    correction("v1", "CORRECTED", 4, 11, "Capital"),
                    422,
                    "the context has 'capital' there");
            assertRefused(
                    harness,
                    labeler,
                    "{\"questionId\":\"v1\",\"verdict\":\"CORRECTED\",\"start\":4}",
                    400,
                    "all of start, end and text");
            assertRefused(
                    harness,
                    labeler,
                    correction("v1", "NO_ANSWER", 4, 11, "capital"),
                    422,
                    "NO_ANSWER correction carries no span");
            assertRefused(
                    harness,
                    labeler,
                    correction("v1", "CORRECTED", null, null, null),
                    422,
                    "needs start, end and text");
            assertRefused(
                    harness,
                    labeler,
                    correction("v1", "CORRECTED", 25, 30, "Paris"),
                    422,
                    "use ACCEPTED");
            assertRefused(
                    harness,
                    labeler,
                    correction("v1", "ACCEPTED", 4, 11, "capital"),
                    422,
                    "use CORRECTED");
            String huge =
                    "{\"questionId\":\"v1\",\"verdict\":\"ACCEPTED\",\"pad\":\""
                            + "x".repeat(100_000)
                            + "\"}";
            assertRefused(harness, labeler, huge, 413, "larger than");
            // unauthenticated, wrong token, wrong content type
            Response anonymous =
                    harness.call(
                            "POST",
                            labeler.baseUrl() + "/api/corrections",
                            null,
                            correction("v1", "ACCEPTED", null, null, null),
                            Map.of());
            assertThat(anonymous.status()).isEqualTo(401);
            assertThat(anonymous.body().get("error").asText()).contains("log in");
            assertThat(harness.get(labeler, "/api/queue", "wrong").status()).isEqualTo(401);
            Response form =
                    harness.call(
                            "POST",
                            labeler.baseUrl() + "/api/corrections",
                            ALICE_TOKEN,
                            null,
                            Map.of("Content-Type", "application/x-www-form-urlencoded"));
            assertThat(form.status()).isEqualTo(415);
            assertThat(harness.get(labeler, "/api/queue?limit=0", ALICE_TOKEN).status())
                    .isEqualTo(400);
            assertThat(harness.get(labeler, "/api/items/nope", ALICE_TOKEN).status())
                    .isEqualTo(404);
            // nothing of that reached the feedback topic
            assertThat(harness.readFeedback(1, Duration.ofSeconds(2))).isEmpty();
        }
    }

    private static void assertRefused(
            LabelerHarness harness, Labeler labeler, String body, int status, String message) {
        Response response = harness.post(labeler, "/api/corrections", ALICE_TOKEN, body);
        assertThat(response.status())
                .as(body.length() > 200 ? "huge body" : body)
                .isEqualTo(status);
        assertThat(response.body().get("error").asText()).contains(message);
    }

    @Test
    void shouldAnswerConcurrentReadsWithoutAnyServerErrorWhileAnswersStreamIn(
            KafkaEnvironment env, @TempDir Path state) throws Exception {
        LabelerHarness harness = new LabelerHarness(env);
        try (Labeler labeler = Labeler.start(new LabelerConfig(harness.config(state)))) {
            harness.produceAnswers(
                    List.of(LabelerHarness.answer("h-0", "Paris is a city.", 0, 5, 0.5, 1)));
            harness.awaitQueue(labeler, p -> p.get("total").asInt() == 1, Duration.ofSeconds(60));
            // When: four clients read queue and status as fast as they can while answers arrive
            ExecutorService clients = Executors.newFixedThreadPool(5);
            AtomicBoolean producing = new AtomicBoolean(true);
            Future<?> producer =
                    clients.submit(
                            () -> {
                                for (int batch = 1; batch <= 20; batch++) {
                                    List<Answer> answers = new ArrayList<>();
                                    for (int i = 0; i < 10; i++) {
                                        answers.add(
                                                LabelerHarness.answer(
                                                        "h-" + batch + "-" + i,
                                                        "Paris is a city.",
                                                        0,
                                                        5,
                                                        0.1 + i / 20.0,
                                                        1));
                                    }
                                    harness.produceAnswers(answers);
                                }
                                producing.set(false);
                            });
            List<Future<List<Integer>>> readers = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                String path = c % 2 == 0 ? "/api/queue?limit=50" : "/api/status";
                readers.add(
                        clients.submit(
                                () -> {
                                    List<Integer> statuses = new ArrayList<>();
                                    while (producing.get() || statuses.size() < 50) {
                                        statuses.add(
                                                harness.get(labeler, path, ALICE_TOKEN).status());
                                    }
                                    return statuses;
                                }));
            }
            producer.get(2, TimeUnit.MINUTES);
            List<Integer> statuses = new ArrayList<>();
            for (Future<List<Integer>> reader : readers) {
                statuses.addAll(reader.get(2, TimeUnit.MINUTES));
            }
            clients.shutdown();
            // Then: every read answered 200, and the queue holds every answer
            assertThat(statuses).hasSizeGreaterThanOrEqualTo(200).containsOnly(200);
            harness.awaitQueue(labeler, p -> p.get("total").asInt() == 201, Duration.ofSeconds(60));
        }
    }

    @Test
    void shouldThrottleAClientThatKeepsGuessingTokens(KafkaEnvironment env, @TempDir Path state) {
        LabelerHarness harness = new LabelerHarness(env);
        try (Labeler labeler = Labeler.start(new LabelerConfig(harness.config(state)))) {
            // Given: as many wrong logins and bearer tokens as allowed within a minute
            for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
                Response wrong =
                        i % 2 == 0
                                ? harness.post(
                                        labeler,
                                        "/api/session",
                                        null,
                                        "{\"annotator\":\"alice\",\"token\":\"guess-" + i + "\"}")
                                : harness.get(labeler, "/api/status", "guess-" + i);
                assertThat(wrong.status()).isEqualTo(401);
            }
            // When: the next attempt, even with the right token
            Response login =
                    harness.post(
                            labeler,
                            "/api/session",
                            null,
                            "{\"annotator\":\"alice\",\"token\":\"" + ALICE_TOKEN + "\"}");
            Response bearer = harness.get(labeler, "/api/status", ALICE_TOKEN);
            // Then: 429 with when to retry, for logins and bearer tokens alike
            for (Response refused : List.of(login, bearer)) {
                assertThat(refused.status()).isEqualTo(429);
                assertThat(refused.body().get("error").asText()).contains("too many failed logins");
                assertThat(
                                Long.parseLong(
                                        refused.raw()
                                                .headers()
                                                .firstValue("Retry-After")
                                                .orElseThrow()))
                        .isBetween(1L, LoginThrottle.WINDOW.toSeconds());
            }
        }
    }

    @Test
    void shouldProtectCookieSessionsAgainstCrossSiteWrites(
            KafkaEnvironment env, @TempDir Path state) throws Exception {
        LabelerHarness harness = new LabelerHarness(env);
        harness.produceAnswers(
                List.of(LabelerHarness.answer("c1", "Paris is a city.", 0, 5, 0.5, 1)));
        try (Labeler labeler = Labeler.start(new LabelerConfig(harness.config(state)))) {
            harness.awaitQueue(labeler, p -> p.get("total").asInt() == 1, Duration.ofSeconds(60));
            // wrong password
            Response bad =
                    harness.post(
                            labeler,
                            "/api/session",
                            null,
                            "{\"annotator\":\"alice\",\"token\":\"guess\"}");
            assertThat(bad.status()).isEqualTo(401);
            // login
            Response login =
                    harness.post(
                            labeler,
                            "/api/session",
                            null,
                            "{\"annotator\":\"alice\",\"token\":\"" + ALICE_TOKEN + "\"}");
            assertThat(login.status()).isEqualTo(200);
            String cookie =
                    login.raw().headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
            assertThat(login.raw().headers().firstValue("Set-Cookie").orElseThrow())
                    .contains("HttpOnly")
                    .contains("SameSite=Strict");
            String csrf = login.body().get("csrfToken").asText();
            String body = correction("c1", "ACCEPTED", null, null, null);
            String url = labeler.baseUrl() + "/api/corrections";
            // cookie without the CSRF token: refused
            assertThat(harness.call("POST", url, null, body, Map.of("Cookie", cookie)).status())
                    .isEqualTo(403);
            // cookie + token but from another site: refused
            assertThat(
                            harness.call(
                                            "POST",
                                            url,
                                            null,
                                            body,
                                            Map.of(
                                                    "Cookie",
                                                    cookie,
                                                    LabelerApi.CSRF_HEADER,
                                                    csrf,
                                                    "Origin",
                                                    "http://evil.example"))
                                    .status())
                    .isEqualTo(403);
            // same origin with the token: recorded for alice
            Response ok =
                    harness.call(
                            "POST",
                            url,
                            null,
                            body,
                            Map.of(
                                    "Cookie",
                                    cookie,
                                    LabelerApi.CSRF_HEADER,
                                    csrf,
                                    "Origin",
                                    labeler.baseUrl()));
            assertThat(ok.status()).isEqualTo(201);
            assertThat(ok.body().get("annotator").asText()).isEqualTo("alice");
            // reads work with the cookie alone; pages carry a restrictive CSP
            Response status =
                    harness.call(
                            "GET",
                            labeler.baseUrl() + "/api/status",
                            null,
                            null,
                            Map.of("Cookie", cookie));
            assertThat(status.status()).isEqualTo(200);
            assertThat(status.raw().headers().firstValue("Content-Security-Policy").orElseThrow())
                    .contains("script-src 'self'");
        }
    }
}
