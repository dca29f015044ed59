package io.spanloop.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class RecordsTest {

    private static final TopicPartition PARTITION = new TopicPartition("t", 0);

    @Test
    void shouldReadTheExpectedRecordsAndWhatArrivesWhileSettling() {
        // Given: two records, a third (a duplicate) arriving a moment after them
        MockConsumer<String, String> consumer = consumer();
        consumer.addRecord(record(0, "a"));
        consumer.addRecord(record(1, "b"));
        consumer.schedulePollTask(() -> {});
        consumer.schedulePollTask(() -> consumer.addRecord(record(2, "b")));

        // When
        List<ConsumerRecord<String, String>> read =
                Records.readAtLeast(consumer, 2, Duration.ofSeconds(10), Duration.ofMillis(600));

        // Then
        assertThat(read).extracting(ConsumerRecord::value).containsExactly("a", "b", "b");
    }

    @Test
    void shouldReturnWhatArrivedWhenTheTimeoutPasses() {
        // Given
        MockConsumer<String, String> consumer = consumer();
        consumer.addRecord(record(0, "only"));
        long started = System.nanoTime();

        // When
        List<ConsumerRecord<String, String>> read =
                Records.readAtLeast(consumer, 3, Duration.ofMillis(300), Duration.ZERO);

        // Then
        assertThat(read).extracting(ConsumerRecord::value).containsExactly("only");
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    private static MockConsumer<String, String> consumer() {
        MockConsumer<String, String> consumer = new MockConsumer<>("earliest");
        consumer.assign(List.of(PARTITION));
        consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
        return consumer;
    }

    private static ConsumerRecord<String, String> record(long offset, String value) {
        return new ConsumerRecord<>(PARTITION.topic(), PARTITION.partition(), offset, "k", value);
    }
}
