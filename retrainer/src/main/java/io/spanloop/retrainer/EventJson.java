package io.spanloop.retrainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spanloop.events.ModelVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * A {@code ModelVersion} event as Avro JSON, kept in the version's metadata.json: a retrainer that
 * crashed between writing the artifact and publishing its event publishes it from there.
 */
final class EventJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private EventJson() {}

    static String write(ModelVersion event) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Encoder encoder = EncoderFactory.get().jsonEncoder(ModelVersion.getClassSchema(), out);
            new SpecificDatumWriter<>(ModelVersion.class).write(event, encoder);
            encoder.flush();
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads an event written by this or an earlier version of the schema: fields added since
     * (BACKWARD-compatibly, with a default) get their default.
     */
    static ModelVersion read(String json) {
        try {
            String complete = withDefaults(json);
            return new SpecificDatumReader<>(ModelVersion.class)
                    .read(
                            null,
                            DecoderFactory.get()
                                    .jsonDecoder(ModelVersion.getClassSchema(), complete));
        } catch (IOException e) {
            throw new UncheckedIOException("not a ModelVersion event: " + e.getMessage(), e);
        }
    }

    /** The event's JSON with every missing top-level field that has a default added. */
    private static String withDefaults(String json) throws IOException {
        JsonNode tree = JSON.readTree(json);
        if (!(tree instanceof ObjectNode event)) {
            throw new IOException("not a JSON object");
        }
        for (Schema.Field field : ModelVersion.getClassSchema().getFields()) {
            if (!event.has(field.name()) && field.hasDefaultValue()) {
                event.set(field.name(), JSON.valueToTree(field.defaultVal()));
            }
        }
        return JSON.writeValueAsString(event);
    }
}
