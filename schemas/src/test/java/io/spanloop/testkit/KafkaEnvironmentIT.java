package io.spanloop.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.spanloop.events.Question;
import io.spanloop.schemas.Topic;
import io.spanloop.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The environment's typed clients: a topic's serdes, each consumer its own group. */
@ExtendWith(KafkaEnvironmentExtension.class)
class KafkaEnvironmentIT {

    @Test
    void shouldWriteAndReadATopicWithItsSerdesAcrossClientsThatComeAndGo(KafkaEnvironment env)
            throws Exception {
        // Given
        Topics topics = env.topics(env.createTopics(env.newTopicNames(), 2));
        Topic<String, Question> questions = topics.questions();

        // When: two producers one after the other share the topic's serdes
        for (String id : List.of("q-1", "q-2")) {
            try (KafkaProducer<String, Question> producer = env.producer(questions)) {
                producer.send(new ProducerRecord<>(questions.name(), id, question(id))).get();
            }
        }

        // Then: two consumers, each in a group of its own, read both from the start
        for (int reader = 0; reader < 2; reader++) {
            try (KafkaConsumer<String, Question> consumer = env.consumer(questions)) {
                List<ConsumerRecord<String, Question>> read =
                        Records.readAtLeast(
                                consumer, 2, Duration.ofSeconds(30), Duration.ofMillis(500));
                assertThat(read)
                        .extracting(ConsumerRecord::key, r -> r.value().getId())
                        .containsExactlyInAnyOrder(
                                Tuple.tuple("q-1", "q-1"), Tuple.tuple("q-2", "q-2"));
                assertThat(consumer.groupMetadata().groupId()).contains(questions.name());
            }
        }
    }

    @Test
    void shouldLeaveTheTopicsSerdesOpenWhenItsClientsClose(KafkaEnvironment env) {
        // Given: a topic whose serdes note being closed
        AtomicBoolean serializerClosed = new AtomicBoolean();
        AtomicBoolean deserializerClosed = new AtomicBoolean();
        Serde<String> serde =
                Serdes.serdeFrom(
                        new StringSerializer() {
                            @Override
                            public void close() {
                                serializerClosed.set(true);
                            }
                        },
                        new StringDeserializer() {
                            @Override
                            public void close() {
                                deserializerClosed.set(true);
                            }
                        });
        Topic<String, String> topic = new Topic<>("kept-open", serde, serde);

        // When
        env.producer(topic).close();
        env.consumer(topic).close();

        // Then
        assertThat(serializerClosed).isFalse();
        assertThat(deserializerClosed).isFalse();
    }

    @Test
    void shouldWriteRawBytesAndLayOverridesOverTheProducerSettings(KafkaEnvironment env)
            throws Exception {
        // Given
        Topics topics = env.topics(env.createTopics(env.newTopicNames(), 1));
        byte[] garbage = {1, 2, 3};

        // When
        try (KafkaProducer<byte[], byte[]> raw = env.bytesProducer();
                KafkaProducer<String, Question> typed =
                        env.producer(topics.questions(), Map.of("client.id", "override-it"))) {
            raw.send(new ProducerRecord<>(topics.questionsDlq().name(), null, garbage)).get();
            typed.send(new ProducerRecord<>(topics.questions().name(), "q", question("q"))).get();
            assertThat(typed.metrics().keySet())
                    .anySatisfy(
                            m -> assertThat(m.tags()).containsEntry("client-id", "override-it"));
        }

        // Then
        try (KafkaConsumer<byte[], byte[]> consumer =
                env.consumer(topics.questionsDlq(), "raw-" + System.nanoTime())) {
            List<ConsumerRecord<byte[], byte[]>> read =
                    Records.readAtLeast(consumer, 1, Duration.ofSeconds(30), Duration.ZERO);
            assertThat(read)
                    .singleElement()
                    .satisfies(r -> assertThat(r.value()).isEqualTo(garbage));
        }
    }

    private static Question question(String id) {
        return Question.newBuilder()
                .setId(id)
                .setQuestion("Where?")
                .setContext("In Paris.")
                .setSubmittedAt(Instant.ofEpochMilli(1_700_000_000_000L))
                .setAttributes(Map.of())
                .build();
    }
}
