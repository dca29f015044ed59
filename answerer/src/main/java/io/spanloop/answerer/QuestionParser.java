package io.spanloop.answerer;

import io.spanloop.events.Question;
import org.apache.kafka.common.serialization.Deserializer;

/** Parses the raw bytes of a question record (registry-backed Avro). */
final class QuestionParser {

    private final Deserializer<Question> deserializer;
    private final String topic;

    QuestionParser(Deserializer<Question> deserializer, String topic) {
        this.deserializer = deserializer;
        this.topic = topic;
    }

    /**
     * @throws RuntimeException when the bytes are no Question
     */
    Question parse(byte[] value) {
        if (value == null || value.length == 0) {
            throw new IllegalArgumentException("the record has no value");
        }
        Question question = deserializer.deserialize(topic, value);
        if (question == null) {
            throw new IllegalArgumentException("the record value decodes to null");
        }
        return question;
    }
}
