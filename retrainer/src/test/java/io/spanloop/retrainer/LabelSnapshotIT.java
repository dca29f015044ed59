package io.spanloop.retrainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.spanloop.config.KafkaConnection;
import io.spanloop.events.Correction;
import io.spanloop.events.Span;
import io.spanloop.events.Verdict;
import io.spanloop.schemas.TopicNames;
import io.spanloop.schemas.Topics;
import io.spanloop.testkit.KafkaEnvironment;
import io.spanloop.testkit.KafkaEnvironmentExtension;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What another writer may put on the feedback topic never stops the label reading: bytes that are
 * no Correction and corrections that are no valid label are skipped, each with its position and
 * reason, and every good label around them is read.
 */
@ExtendWith(KafkaEnvironmentExtension.class)
class LabelSnapshotIT {

    private static final String CONTEXT = "Party \uD83C\uDF89 in Paris"; // the emoji is [6, 8)

    @Test
    void shouldSkipRecordsThatAreNoValidLabelsAndReadTheRest(KafkaEnvironment env) {
        // Given: good corrections around five bad records on one partition
        TopicNames names = env.createTopics(env.newTopicNames(), 1);
        Topics topics = env.topics(names);
        try (KafkaProducer<String, Correction> producer = env.producer(topics.feedback());
                KafkaProducer<byte[], byte[]> bytes = env.bytesProducer()) {
            send(producer, names, correction("good-1", new Span(12, 17, "Paris")));
            bytes.send(
                    new ProducerRecord<>(
                            names.feedback(),
                            "garbage".getBytes(StandardCharsets.UTF_8),
                            "not avro at all".getBytes(StandardCharsets.UTF_8)));
            bytes.flush();
            send(producer, names, correction("split", new Span(7, 12, "\uDF89 in ")));
            send(producer, names, correction("mismatch", new Span(12, 17, "Rome!")));
            send(producer, names, correction("backwards", new Span(17, 12, "")));
            send(producer, names, correction("outside", new Span(12, 99, "Paris")));
            send(producer, names, correction("good-2", new Span(6, 8, "\uD83C\uDF89")));
        }
        // When
        LabelSnapshot.Labels labels;
        try (LabelSnapshot snapshot =
                new LabelSnapshot(
                        KafkaConnection.of(env.bootstrapServers()),
                        names.feedback(),
                        topics.feedback().valueSerde().deserializer())) {
            labels = snapshot.read();
        }
        // Then
        assertThat(labels.latest().keySet()).containsExactly("good-1", "good-2");
        assertThat(labels.endOffsets()).containsEntry(0, 7L);
        List<LabelSnapshot.Skipped> skipped = labels.skipped();
        assertThat(skipped)
                .extracting(LabelSnapshot.Skipped::offset)
                .containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(skipped.get(0).reason()).startsWith("not a Correction");
        assertThat(skipped.get(1).reason()).contains("start 7 falls inside the character U+1F389");
        assertThat(skipped.get(2).reason()).contains("'Rome!' is not the context's 'Paris'");
        assertThat(skipped.get(3).reason()).contains("not inside the context");
        assertThat(skipped.get(4).reason()).contains("not inside the context");
    }

    private static void send(
            KafkaProducer<String, Correction> producer, TopicNames names, Correction correction) {
        producer.send(
                new ProducerRecord<>(names.feedback(), correction.getQuestionId(), correction));
        producer.flush();
    }

    private static Correction correction(String id, Span span) {
        return Correction.newBuilder()
                .setQuestionId(id)
                .setQuestion("What is in Paris?")
                .setContext(CONTEXT)
                .setVerdict(Verdict.CORRECTED)
                .setSpan(span)
                .setAnnotator("another-writer")
                .setCorrectedAt(Instant.now())
                .build();
    }
}
