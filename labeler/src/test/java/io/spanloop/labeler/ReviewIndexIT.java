package io.spanloop.labeler;

import static io.spanloop.labeler.LabelerHarness.ALICE_TOKEN;
import static io.spanloop.labeler.LabelerHarness.BOB_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.spanloop.events.Answer;
import io.spanloop.events.Correction;
import io.spanloop.events.Verdict;
import io.spanloop.testkit.Await;
import io.spanloop.testkit.KafkaEnvironment;
import io.spanloop.testkit.KafkaEnvironmentExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The labeler's queue, read from its index over HTTP, against a full scan of its stores and the
 * queue the test expects from what it sent: three partitions, answers, re-answers and corrections
 * in random order, skips and corrections through the API, then a restart on the same local state
 * and one restored from the changelogs (neither passes the restored records through the processor).
 */
@ExtendWith(KafkaEnvironmentExtension.class)
class ReviewIndexIT {

    private static final Duration CONVERGED = Duration.ofSeconds(90);

    private final Random random = new Random(20261124);
    // what the labeler should hold: the answer it reviews per question, the corrected questions
    private final Map<String, Answer> answers = new HashMap<>();
    private final Set<String> corrected = new HashSet<>();
    private final Set<String> skippedByBob = new HashSet<>();

    @Test
    void shouldServeWhatAFullScanServesAcrossPartitionsAndRestarts(
            KafkaEnvironment env, @TempDir Path state) {
        LabelerHarness harness = new LabelerHarness(env, 3);
        try (Labeler labeler = Labeler.start(new LabelerConfig(harness.config(state)))) {
            for (int round = 1; round <= 3; round++) {
                sendRandomEvents(harness, 150);
                assertAgreement(harness, labeler);
                correctAndSkipThroughTheApi(harness, labeler);
            }
            assertAgreement(harness, labeler);
        }
        // skips live in memory: a restarted labeler has none
        skippedByBob.clear();
        try (Labeler restarted = Labeler.start(new LabelerConfig(harness.config(state)))) {
            assertAgreement(harness, restarted);
            sendRandomEvents(harness, 60);
            assertAgreement(harness, restarted);
        }
        try (Labeler restored =
                Labeler.start(new LabelerConfig(harness.config(state.resolve("fresh"))))) {
            assertAgreement(harness, restored);
        }
    }

    private void sendRandomEvents(LabelerHarness harness, int count) {
        try (KafkaProducer<String, Answer> answerProducer =
                        harness.env.producer(harness.topics.answers());
                KafkaProducer<String, Correction> feedbackProducer =
                        harness.env.producer(harness.topics.feedback())) {
            for (int i = 0; i < count; i++) {
                String id = String.format("q%03d", random.nextInt(300));
                if (random.nextInt(4) == 0) {
                    Correction correction = correction(id);
                    feedbackProducer.send(
                            new ProducerRecord<>(harness.names.feedback(), id, correction));
                    corrected.add(id);
                } else {
                    Answer answer = answer(id);
                    answerProducer.send(new ProducerRecord<>(harness.names.answers(), id, answer));
                    Answer previous = answers.get(id);
                    if (previous == null
                            || answer.getModelVersion() >= previous.getModelVersion()) {
                        answers.put(id, answer);
                    }
                }
            }
        }
    }

    /** Alice corrects two items (they leave the queue at once), Bob skips four. */
    private void correctAndSkipThroughTheApi(LabelerHarness harness, Labeler labeler) {
        List<String> open = expectedOrder(Set.of());
        for (String id : open.subList(0, 2)) {
            assertThat(
                            harness.post(
                                            labeler,
                                            "/api/corrections",
                                            ALICE_TOKEN,
                                            LabelerHarness.correction(
                                                    id, "ACCEPTED", null, null, null))
                                    .status())
                    .isEqualTo(201);
            corrected.add(id);
        }
        assertThat(listing(harness, labeler, ALICE_TOKEN))
                .doesNotContainAnyElementsOf(open.subList(0, 2));
        for (int i = 0; i < 4; i++) {
            String id = open.get(2 + random.nextInt(open.size() - 2));
            assertThat(
                            harness.post(labeler, "/api/items/" + id + "/skip", BOB_TOKEN, null)
                                    .status())
                    .isEqualTo(204);
            skippedByBob.add(id);
        }
    }

    /**
     * Once the labeler has everything sent, its queue is the expected one, and every page and the
     * status equal those of a full scan of its stores.
     */
    private void assertAgreement(LabelerHarness harness, Labeler labeler) {
        ReviewStores stores = ReviewStores.of(labeler.streams());
        ReviewQueue scan =
                new ReviewQueue(
                        stores, QueueOrder.SCORE, new ScannedOpenItems(stores, QueueOrder.SCORE));
        skippedByBob.forEach(id -> scan.skip("bob", id));
        List<String> expected = expectedOrder(skippedByBob);
        assertThat(expected).hasSizeGreaterThan(50);
        Await.until(
                () -> {
                    try {
                        return listing(scan, "bob").equals(expected)
                                && listing(harness, labeler, BOB_TOKEN).equals(expected);
                    } catch (RuntimeException loading) {
                        return false;
                    }
                },
                CONVERGED,
                "the labeler to hold every answer and correction sent");
        for (String token : List.of(ALICE_TOKEN, BOB_TOKEN)) {
            String annotator = token.equals(ALICE_TOKEN) ? "alice" : "bob";
            for (int offset = 0; offset <= expected.size(); offset += 100) {
                assertThat(
                                harness.get(labeler, "/api/queue?limit=100&offset=" + offset, token)
                                        .body())
                        .isEqualTo(tree(scan.page(annotator, 100, offset)));
            }
            assertThat(harness.get(labeler, "/api/queue?limit=3&offset=7", token).body())
                    .isEqualTo(tree(scan.page(annotator, 3, 7)));
            JsonNode status = harness.get(labeler, "/api/status", token).body();
            assertThat(status).isEqualTo(tree(scan.status(annotator, Instant.now())));
            assertThat(status.get("queueLength").asInt()).isEqualTo(expected.size());
        }
    }

    /** Open questions in queue order: the skipped ones last, then most uncertain first. */
    private List<String> expectedOrder(Set<String> skipped) {
        return answers.values().stream()
                .filter(answer -> !corrected.contains(answer.getQuestionId()))
                .sorted(
                        Comparator.comparing((Answer a) -> skipped.contains(a.getQuestionId()))
                                .thenComparing(
                                        Comparator.comparingDouble(QueueOrder.SCORE::uncertainty)
                                                .reversed())
                                .thenComparing(Answer::getQuestionId))
                .map(Answer::getQuestionId)
                .toList();
    }

    /** The whole queue as the annotator's API pages list it. */
    private static List<String> listing(LabelerHarness harness, Labeler labeler, String token) {
        List<String> ids = new ArrayList<>();
        for (int offset = 0; ; offset += 100) {
            LabelerHarness.Response page =
                    harness.get(labeler, "/api/queue?limit=100&offset=" + offset, token);
            if (page.status() != 200) {
                throw new IllegalStateException("queue answered " + page.status());
            }
            page.body().get("items").forEach(item -> ids.add(item.get("questionId").asText()));
            if (offset + 100 >= page.body().get("total").asInt()) {
                return ids;
            }
        }
    }

    /** The whole queue as the queue's pages list it. */
    private static List<String> listing(ReviewQueue queue, String annotator) {
        List<String> ids = new ArrayList<>();
        for (int offset = 0; ; offset += 100) {
            Views.QueuePage page = queue.page(annotator, 100, offset);
            page.items().forEach(item -> ids.add(item.questionId()));
            if (offset + 100 >= page.total()) {
                return ids;
            }
        }
    }

    private Answer answer(String id) {
        // few distinct scores, so that many items tie on uncertainty and order by question id
        double score = (1 + random.nextInt(9)) / 10.0;
        long version = 1 + random.nextInt(3);
        return LabelerHarness.answer(
                id, "The capital of France is Paris, said " + id + ".", 25, 30, score, version);
    }

    private static Correction correction(String id) {
        return Correction.newBuilder()
                .setQuestionId(id)
                .setQuestion("What is asked about " + id + "?")
                .setContext("The capital of France is Paris, said " + id + ".")
                .setVerdict(Verdict.NO_ANSWER)
                .setAnnotator("squad-import")
                .setCorrectedAt(Instant.now())
                .build();
    }

    private static JsonNode tree(Object view) {
        try {
            return LabelerApi.JSON.readTree(LabelerApi.JSON.writeValueAsString(view));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
