package io.spanloop.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.spanloop.schemas.AvroSerdes;
import io.spanloop.schemas.TopicNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
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
        LocalOptions options =
                new LocalOptions(
                        data,
                        false,
                        Ports.free(),
                        Ports.free(),
                        Ports.free(),
                        Ports.free(),
                        "demo:demo",
                        Path.of(System.getProperty("spanloop.registry.home")),
                        LocalRunIT.DEMO_MODEL,
                        new LocalOptions.AutoLabel(true, LABELS, 10, Duration.ofMinutes(8)),
                        true);
        try (LocalStack stack = LocalStack.start(options)) {
            // When
            LearningDemo.Result result =
                    new LearningDemo(options, stack.modelStore(), stack.modelName())
                            .run(LABELS, 10, Duration.ofMinutes(8));

            // Then: at least one new version was published, and it learned the unseen facts
            List<LearningDemo.Row> published =
                    result.rows().stream().filter(r -> r.status().equals("PUBLISHED")).toList();
            assertThat(published).isNotEmpty();
            LearningDemo.Row base = result.first();
            LearningDemo.Row newest = published.get(published.size() - 1);
            assertThat(base.scores().unseen().exactMatch()).isLessThanOrEqualTo(20.0);
            // 120 held-out questions: 15 points are 18 more answered exactly right
            assertThat(newest.scores().unseen().exactMatch())
                    .isGreaterThanOrEqualTo(base.scores().unseen().exactMatch() + 15);
            assertThat(result.labelled()).isPositive().isLessThanOrEqualTo(LABELS);

            // every question answered exactly once, every correction on qa.feedback
            Map<String, Integer> answers = new HashMap<>();
            readAll(options, TopicNames.DEFAULT.answers(), answers, result.asked());
            assertThat(answers.keySet()).containsAll(result.asked());
            assertThat(answers).allSatisfy((id, times) -> assertThat(times).as(id).isOne());
            Map<String, Integer> corrections = new HashMap<>();
            readAll(options, TopicNames.DEFAULT.feedback(), corrections, null);
            assertThat(corrections).hasSize(result.labelled());
            assertThat(result.asked()).containsAll(corrections.keySet());
            stack.checkAlive();
        }
    }

    /** Counts records per key until every expected key is seen (or the topic's end). */
    private static void readAll(
            LocalOptions options,
            String topic,
            Map<String, Integer> counts,
            List<String> expected) {
        AvroSerdes serdes = AvroSerdes.forRegistry(options.registryUrl());
        Map<String, Object> props = new HashMap<>(serdes.deserializerConfig());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "auto-label-it-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroKafkaDeserializer.class);
        try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            int idlePolls = 0;
            while (System.nanoTime() < deadline) {
                var records = consumer.poll(Duration.ofMillis(500));
                records.forEach(
                        (ConsumerRecord<String, Object> r) ->
                                counts.merge(r.key(), 1, Integer::sum));
                idlePolls = records.isEmpty() ? idlePolls + 1 : 0;
                boolean complete = expected == null || counts.keySet().containsAll(expected);
                if (complete && idlePolls >= 6) {
                    return;
                }
            }
        }
    }
}
