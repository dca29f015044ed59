package io.spanloop.answerer;

import static org.assertj.core.api.Assertions.assertThat;

import io.spanloop.events.Answer;
import io.spanloop.events.Question;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.testing.TinyModel;
import io.spanloop.testkit.Await;
import io.spanloop.testkit.KafkaEnvironment;
import io.spanloop.testkit.KafkaEnvironmentExtension;
import io.spanloop.testkit.Records;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Two answerer instances share a 4-partition questions topic through Kafka's group protocol. */
@ExtendWith(KafkaEnvironmentExtension.class)
class AnswererScaleIT {

    @Test
    void shouldShareThePartitionsBetweenTwoInstancesWithNothingLostOrDuplicated(
            KafkaEnvironment env, @TempDir Path store, @TempDir Path stateDir) throws Exception {
        // Given
        ModelDirectory model = TinyModel.copyTo(store, 1);
        AnswererHarness harness = new AnswererHarness(env, model, 4);
        List<Question> questions = Questions.mixed("scale", 200);
        try (Answerer first = harness.startAnswerer(stateDir.resolve("a"));
                Answerer second = harness.startAnswerer(stateDir.resolve("b"));
                KafkaConsumer<String, Answer> consumer = harness.answerConsumer()) {
            awaitRunning(first.streams(), second.streams());
            // When
            harness.produce(questions);
            List<ConsumerRecord<String, Answer>> answers =
                    Records.readAtLeast(
                            consumer,
                            questions.size(),
                            Duration.ofSeconds(90),
                            Duration.ofSeconds(2));
            // Then: both instances own partitions, and each question is answered once
            assertThat(activeTasks(first.streams())).isPositive();
            assertThat(activeTasks(second.streams())).isPositive();
            assertThat(activeTasks(first.streams()) + activeTasks(second.streams())).isEqualTo(4);
            Map<String, Long> perQuestion =
                    answers.stream()
                            .collect(
                                    Collectors.groupingBy(
                                            ConsumerRecord::key, Collectors.counting()));
            assertThat(perQuestion)
                    .containsOnlyKeys(questions.stream().map(Question::getId).toList())
                    .allSatisfy((id, count) -> assertThat(count).isEqualTo(1L));
        }
    }

    private static int activeTasks(KafkaStreams streams) {
        return streams.metadataForLocalThreads().stream()
                .map(ThreadMetadata::activeTasks)
                .mapToInt(java.util.Set::size)
                .sum();
    }

    private static void awaitRunning(KafkaStreams... instances) {
        Await.until(
                () -> shareFourPartitions(instances),
                Duration.ofSeconds(60),
                "the two instances, both RUNNING, to share the 4 partitions");
    }

    private static boolean shareFourPartitions(KafkaStreams... instances) {
        boolean balanced = true;
        int tasks = 0;
        for (KafkaStreams streams : instances) {
            balanced &= streams.state() == KafkaStreams.State.RUNNING;
            tasks += activeTasks(streams);
            balanced &= activeTasks(streams) > 0;
        }
        return balanced && tasks == 4;
    }
}
