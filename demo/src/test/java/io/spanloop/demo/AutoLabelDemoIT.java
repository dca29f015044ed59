package io.spanloop.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.spanloop.demo.clients.DemoClients;
import io.spanloop.demo.learning.LearningDriver;
import io.spanloop.demo.learning.LearningTable;
import io.spanloop.demo.learning.LearningTarget;
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
                            .run(LABELS, 10, Duration.ofMinutes(8));

            // Then: at least one new version was published, and it learned the unseen facts
            List<LearningTable.Row> published =
                    result.rows().stream().filter(r -> r.status().equals("PUBLISHED")).toList();
            assertThat(published).isNotEmpty();
            LearningTable.Row base = result.first();
            LearningTable.Row newest = published.get(published.size() - 1);
            assertThat(base.scores().unseen().exactMatch()).isLessThanOrEqualTo(20.0);
            // 120 held-out questions: 15 points are 18 more answered exactly right
            assertThat(newest.scores().unseen().exactMatch())
                    .isGreaterThanOrEqualTo(base.scores().unseen().exactMatch() + 15);
            assertThat(result.labelled()).isPositive().isLessThanOrEqualTo(LABELS);

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
