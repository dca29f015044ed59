package io.spanloop.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.spanloop.events.Answer;
import io.spanloop.events.Correction;
import io.spanloop.events.ModelVersion;
import io.spanloop.events.Question;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
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
