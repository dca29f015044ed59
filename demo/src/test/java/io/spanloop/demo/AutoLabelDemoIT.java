package io.spanloop.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.spanloop.demo.clients.DemoClients;
import io.spanloop.demo.domain.FactType;
import io.spanloop.demo.learning.LearningDriver;
import io.spanloop.demo.learning.LearningTarget;
import io.spanloop.events.ModelStatus;
import io.spanloop.events.ModelVersion;
import io.spanloop.events.SliceMetrics;
import io.spanloop.local.LocalStack;
import io.spanloop.schemas.Topic;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./spanloop demo --auto-label} on a small budget: the local stack as the launcher starts it
 * (broker, registry, answerer, labeler, retrainer as processes), the simulated annotator working
 * through the labeler's HTTP API, and the base model learning the facts it never saw.
 */
class AutoLabelDemoIT {

    private static final int LABELS = 240;

    @Test
    void shouldLearnTheUnseenFactsFromAutoLabelledCorrections(@TempDir Path data) throws Exception {
        DemoOptions options =
                LocalRunIT.options(data)
                        .autoLabel(DemoOptions.AutoLabel.of(LABELS, 10, Duration.ofMinutes(8)))
                        .build();
        DemoProfile profile = DemoProfile.of(options);
        try (LocalStack stack = LocalStack.start(options.stack(), profile.services())) {
            // When
            DemoClients clients = new DemoClients(options.stack());
            LearningDriver.Result result =
                    new LearningDriver(
                                    clients,
                                    URI.create(options.labelerUrl()),
                                    options.annotatorToken(),
                                    profile.modelStore(),
                                    profile.modelName(),
                                    LearningTarget.TINY,
                                    System.out)
                            // in lockstep, as the demo runs it: the profile has turned the
                            // retrainer's time trigger off, so labels short of a batch would
                            // wait for the timeout
                            .run(LABELS, 10, Duration.ofMinutes(8), profile.minLabels());

            // Then: the candidates learned the unseen facts (the retrainer's held-out labels are
            // all about them), and the gate served none that forgot the known ones: a
            // PUBLISHED version keeps the known-facts slice within a point of version 1 and of
            // its incumbent, a REJECTED one says which rule it broke
            assertThat(result.first().scores().unseen().exactMatch()).isLessThanOrEqualTo(20.0);
            assertThat(result.labelled()).isPositive().isLessThanOrEqualTo(LABELS);
            List<ModelVersion> events = versions(clients, profile.modelName());
            assertThat(events).isNotEmpty();
            assertThat(events)
                    .anySatisfy(
                            e ->
                                    assertThat(e.getMetrics().getCandidateExactMatch())
                                            .isGreaterThanOrEqualTo(
                                                    e.getMetrics().getIncumbentExactMatch() + 15));
            for (ModelVersion event : events) {
                SliceMetrics known =
                        event.getSlices().stream()
                                .filter(slice -> slice.getSlice().equals("file:demo-known"))
                                .findFirst()
                                .orElseThrow();
                assertThat(known.getGated()).isTrue();
                assertThat(known.getMetrics().getEvalSize()).isEqualTo(200);
                // each question's fact attribute reached the retrainer through answer and
                // correction: the held-out labels are sliced by it, every one in some slice
                List<SliceMetrics> byFact =
                        event.getSlices().stream()
                                .filter(slice -> slice.getSlice().startsWith("labels[fact="))
                                .toList();
                assertThat(byFact)
                        .extracting(SliceMetrics::getSlice)
                        .isNotEmpty()
                        .isSubsetOf(
                                FactType.unseen().stream()
                                        .map(f -> "labels[fact=" + f.attribute() + "]")
                                        .toList());
                assertThat(byFact.stream().mapToInt(s -> s.getMetrics().getEvalSize()).sum())
                        .isEqualTo(event.getMetrics().getEvalSize());
                if (event.getStatus() == ModelStatus.PUBLISHED) {
                    double em = known.getMetrics().getCandidateExactMatch();
                    assertThat(em).isGreaterThanOrEqualTo(known.getReferenceExactMatch() - 1.0);
                    assertThat(em)
                            .isGreaterThanOrEqualTo(
                                    known.getMetrics().getIncumbentExactMatch() - 1.0);
                } else {
                    assertThat(event.getReason()).matches("(slice |candidate F1 |no new ).*");
                }
            }

            // every question answered exactly once, every correction on qa.feedback
            Map<String, Integer> answers = new HashMap<>();
            readAll(clients, clients.topics().answers(), answers, result.asked());
            assertThat(answers.keySet()).containsAll(result.asked());
            assertThat(answers).allSatisfy((id, times) -> assertThat(times).as(id).isOne());
            Map<String, Integer> corrections = new HashMap<>();
            readAll(clients, clients.topics().feedback(), corrections, null);
            assertThat(corrections).hasSize(result.labelled());
            assertThat(result.asked()).containsAll(corrections.keySet());
            stack.checkAlive();
        }
    }

    /** The model's version events, in order. */
    private static List<ModelVersion> versions(DemoClients clients, String modelName) {
        List<ModelVersion> events = new java.util.ArrayList<>();
        try (KafkaConsumer<String, ModelVersion> consumer =
                clients.consumer(clients.topics().modelVersions(), "earliest")) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            int idlePolls = 0;
            while (System.nanoTime() < deadline && idlePolls < 6) {
                ConsumerRecords<String, ModelVersion> records =
                        consumer.poll(Duration.ofMillis(500));
                records.forEach(
                        r -> {
                            if (r.value().getModelName().equals(modelName)) {
                                events.add(r.value());
                            }
                        });
                idlePolls = records.isEmpty() ? idlePolls + 1 : 0;
            }
        }
        return events;
    }

    /** Counts records per key until every expected key is seen (or the topic's end). */
    private static void readAll(
            DemoClients clients,
            Topic<String, ?> topic,
            Map<String, Integer> counts,
            List<String> expected) {
        try (KafkaConsumer<String, ?> consumer = clients.consumer(topic, "earliest")) {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            int idlePolls = 0;
            while (System.nanoTime() < deadline) {
                ConsumerRecords<String, ?> records = consumer.poll(Duration.ofMillis(500));
                records.forEach(r -> counts.merge(r.key(), 1, Integer::sum));
                idlePolls = records.isEmpty() ? idlePolls + 1 : 0;
                boolean complete = expected == null || counts.keySet().containsAll(expected);
                if (complete && idlePolls >= 6) {
                    return;
                }
            }
        }
    }
}
