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
import io.spanloop.events.Verdict;
import io.spanloop.labeler.LabelerHarness.Response;
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
                        LabelerHarness.answer("q1", context, 25, 30, 0.9, 1),
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
