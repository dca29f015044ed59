package io.spanloop.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.spanloop.events.Question;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class TopicsTest {

    // Configuring Apicurio serdes does not contact the registry; serializing would.
    private static final AvroSerdes SERDES =
            AvroSerdes.forRegistry("http://127.0.0.1:1/apis/registry/v3");

    @Test
    void shouldDescribeEveryTopicUnderItsConfiguredName() {
        // Given
        TopicNames names = TopicNames.withPrefix("unit.");

        // When
        Topics topics = Topics.of(names, SERDES);

        // Then
        assertThat(topics.names()).isEqualTo(names);
        assertThat(
                        List.of(
                                topics.questions().name(),
                                topics.answers().name(),
                                topics.feedback().name(),
                                topics.modelVersions().name(),
                                topics.questionsDlq().name(),
                                topics.trainingProgress().name()))
                .containsExactlyElementsOf(names.all());
    }

    @Test
    void shouldKeyEventTopicsByStringsInUtf8() {
        // Given
        Topics topics = Topics.of(TopicNames.DEFAULT, SERDES);
        Serde<String> keys = topics.questions().keySerde();

        // When
        byte[] bytes = keys.serializer().serialize(topics.questions().name(), "q-é1");

        // Then
        assertThat(bytes).isEqualTo("q-é1".getBytes(StandardCharsets.UTF_8));
        assertThat(topics.answers().keySerde().deserializer().deserialize("t", bytes))
                .isEqualTo("q-é1");
    }

    @Test
    void shouldCarryOriginalBytesUnchangedOnTheDeadLetterTopic() {
        // Given
        Topic<byte[], byte[]> dlq = Topics.of(TopicNames.DEFAULT, SERDES).questionsDlq();
        byte[] malformed = {0, 0, 0, 0, 42, (byte) 0xff};

        // When
        byte[] written = dlq.valueSerde().serializer().serialize(dlq.name(), malformed);

        // Then
        assertThat(written).isEqualTo(malformed);
        assertThat(dlq.keySerde().deserializer().deserialize(dlq.name(), malformed))
                .isEqualTo(malformed);
    }

    @Test
    void shouldGiveEachTopicItsOwnValueSerde() {
        // Given / When
        Topics topics = Topics.of(TopicNames.DEFAULT, SERDES);
        Serde<Question> questions = topics.questions().valueSerde();

        // Then
        assertThat(questions).isNotNull().isNotSameAs(topics.answers().valueSerde());
        assertThat(topics.questions().toString()).isEqualTo("Topic[qa.questions]");
    }
}
