package io.spanloop.retrainer;

import io.spanloop.events.ModelVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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

    static ModelVersion read(String json) {
        try {
            return new SpecificDatumReader<>(ModelVersion.class)
                    .read(
                            null,
                            DecoderFactory.get().jsonDecoder(ModelVersion.getClassSchema(), json));
        } catch (IOException e) {
            throw new UncheckedIOException("not a ModelVersion event: " + e.getMessage(), e);
        }
    }
}
