package io.spanloop.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.spanloop.events.Answer;
import io.spanloop.events.Correction;
import io.spanloop.events.ModelVersion;
import io.spanloop.events.Question;
import io.spanloop.events.ScoredSpan;
import io.spanloop.events.TokenScores;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/**
 * Every event schema stays compatible both ways with the one last released (a copy under {@code
 * src/test/resources/released-avro/}): consumers on the new schema read old events (BACKWARD), and
 * consumers still on the old one read new events (FORWARD). Update the copies when a release ships.
 */
class SchemaEvolutionTest {

    private static Map<String, Schema> released() throws IOException {
        Schema.Parser parser = new Schema.Parser();
        Map<String, Schema> schemas = new LinkedHashMap<>();
        // referenced types first, as the build's avro plugin imports them
        for (String name :
                List.of("Span", "ScoredSpan", "Question", "Answer", "Correction", "ModelVersion")) {
            try (InputStream in =
                    SchemaEvolutionTest.class.getResourceAsStream(
                            "/released-avro/" + name + ".avsc")) {
                schemas.put(name, parser.parse(in));
            }
        }
        return schemas;
    }

    @Test
    void shouldReadOldEventsAndLetOldConsumersReadNewOnes() throws IOException {
        Map<String, Schema> released = released();
        Map<String, Schema> current =
                Map.of(
                        "Question", Question.getClassSchema(),
                        "Answer", Answer.getClassSchema(),
                        "Correction", Correction.getClassSchema(),
                        "ModelVersion", ModelVersion.getClassSchema());
        current.forEach(
                (name, schema) -> {
                    Schema old = released.get(name);
                    assertThat(
                                    SchemaCompatibility.checkReaderWriterCompatibility(schema, old)
                                            .getType())
                            .as("%s: the new schema reads old events", name)
                            .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
                    assertThat(
                                    SchemaCompatibility.checkReaderWriterCompatibility(old, schema)
                                            .getType())
                            .as("%s: old consumers read new events", name)
                            .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
                });
    }

    @Test
    void shouldLetAConsumerOnTheReleasedSchemaDecodeANewAnswer() throws IOException {
        // Given: an answer written with today's schema (its question's attributes and its token
        // scores included)
        Answer answer =
                Answer.newBuilder()
                        .setQuestionId("q-1")
                        .setQuestion("Where?")
                        .setContext("In Paris.")
                        .setBest(new ScoredSpan(3, 8, "Paris", 0.9))
                        .setCandidates(List.of())
                        .setNoAnswerScore(0.1)
                        .setModelName("m")
                        .setModelVersion(2)
                        .setAnsweredAt(Instant.parse("2026-12-01T12:00:00Z"))
                        .setInferenceMicros(100)
                        .setBatchSize(1)
                        .setAttributes(Map.of("topic", "travel"))
                        .setTokenScores(
                                new TokenScores(
                                        List.of(0, 3),
                                        List.of(2, 8),
                                        ProbabilityBytes.encode(new float[] {0.1f, 0.9f}),
                                        ProbabilityBytes.encode(new float[] {0.0f, 1.0f})))
                        .build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new SpecificDatumWriter<Answer>(Answer.getClassSchema()).write(answer, encoder);
        encoder.flush();
        // When: a consumer still on the released schema reads it
        GenericRecord read =
                new GenericDatumReader<GenericRecord>(
                                Answer.getClassSchema(), released().get("Answer"))
                        .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
        // Then: every field it knows is there
        assertThat(read.get("questionId")).hasToString("q-1");
        assertThat(((GenericRecord) read.get("best")).get("text")).hasToString("Paris");
        assertThat(read.get("modelVersion")).isEqualTo(2L);
    }

    @Test
    void shouldCatchAnIncompatibleChange() throws IOException {
        // a required field without a default: old events cannot be read with it
        Schema old = released().get("Question");
        Schema broken =
                new Schema.Parser()
                        .parse(
                                old.toString()
                                        .replace(
                                                "\"fields\":[",
                                                "\"fields\":[{\"name\":\"tenant\",\"type\":\"string\"},"));
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(broken, old).getType())
                .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    }
}
