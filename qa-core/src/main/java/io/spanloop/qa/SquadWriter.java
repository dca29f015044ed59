package io.spanloop.qa;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.UUID;

/**
 * Writes {@link TrainingExample}s as a SQuAD v2.0 JSON file that {@link SquadReader} (and any SQuAD
 * tool) reads back: one article, one paragraph per example, {@code answer_start} counted in Unicode
 * code points as SQuAD counts them, {@code is_impossible} for examples without an answer. The file
 * is written next to its target and renamed into place, so it is never seen half-written.
 */
public final class SquadWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SquadWriter() {}

    /**
     * Writes {@code examples} to {@code file} (replaced if it exists) under the article title
     * {@code title}.
     */
    public static void write(Path file, String title, List<TrainingExample> examples)
            throws IOException {
        Path target = file.toAbsolutePath();
        Files.createDirectories(target.getParent());
        Path partial = target.resolveSibling("." + target.getFileName() + "-" + UUID.randomUUID());
        try {
            try (JsonGenerator out =
                    JSON.getFactory().createGenerator(partial.toFile(), JsonEncoding.UTF8)) {
                out.writeStartObject();
                out.writeStringField("version", "v2.0");
                out.writeArrayFieldStart("data");
                out.writeStartObject();
                out.writeStringField("title", title);
                out.writeArrayFieldStart("paragraphs");
                for (TrainingExample example : examples) {
                    writeParagraph(out, example);
                }
                out.writeEndArray();
                out.writeEndObject();
                out.writeEndArray();
                out.writeEndObject();
            }
            FileOps.fsync(partial);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    private static void writeParagraph(JsonGenerator out, TrainingExample example)
            throws IOException {
        out.writeStartObject();
        out.writeStringField("context", example.context());
        out.writeArrayFieldStart("qas");
        out.writeStartObject();
        out.writeStringField("id", example.id());
        out.writeStringField("question", example.question());
        out.writeBooleanField("is_impossible", !example.hasAnswer());
        out.writeArrayFieldStart("answers");
        if (example.hasAnswer()) {
            out.writeStartObject();
            out.writeStringField("text", example.answerText());
            out.writeNumberField(
                    "answer_start", example.context().codePointCount(0, example.start()));
            out.writeEndObject();
        }
        out.writeEndArray();
        out.writeEndObject();
        out.writeEndArray();
        out.writeEndObject();
    }
}
