package io.spanloop.qa;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads SQuAD v1.1 and v2.0 JSON ({@code data → paragraphs → context, qas → id, question, answers
 * [{text, answer_start}], is_impossible}) into {@link TrainingExample}s, streaming one article at a
 * time.
 *
 * <p>SQuAD's {@code answer_start} is a Python string index, i.e. counts Unicode code points; it is
 * converted to a Java {@code String} index. An answer whose text is not at its offset is looked for
 * at most {@value #MAX_OFFSET_SHIFT} chars either side (the nearest occurrence wins, and the fix is
 * reported); a question with no usable answer is skipped and reported, never fatal.
 */
public final class SquadReader {

    /** How far from its stated offset an answer's text is looked for. */
    public static final int MAX_OFFSET_SHIFT = 5;

    private static final ObjectMapper JSON = new ObjectMapper();

    private SquadReader() {}

    /**
     * Reads a SQuAD file.
     *
     * @throws SquadFormatException when it is not JSON or has no {@code data} array of articles
     * @throws UncheckedIOException when it cannot be read
     */
    public static SquadDataset read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads SQuAD JSON from a stream; {@code source} names it in messages. */
    public static SquadDataset read(InputStream in, String source) {
        Collector collector = new Collector();
        try (JsonParser parser = JSON.createParser(in)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new SquadFormatException(source + " is not a JSON object");
            }
            boolean sawData = false;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (!field.equals("data")) {
                    parser.skipChildren();
                    continue;
                }
                if (value != JsonToken.START_ARRAY) {
                    throw new SquadFormatException(source + ": \"data\" is not an array");
                }
                sawData = true;
                while (parser.nextToken() == JsonToken.START_OBJECT) {
                    collector.article(parser.readValueAsTree());
                }
            }
            if (!sawData) {
                throw new SquadFormatException(source + " has no \"data\" array");
            }
        } catch (JsonProcessingException e) {
            throw new SquadFormatException(
                    source + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source + ": " + e.getMessage(), e);
        }
        return new SquadDataset(collector.examples, collector.golds, collector.problems);
    }

    private static final class Collector {
        private final List<TrainingExample> examples = new ArrayList<>();
        private final Map<String, List<String>> golds = new LinkedHashMap<>();
        private final List<String> problems = new ArrayList<>();

        void article(JsonNode article) {
            for (JsonNode paragraph : article.path("paragraphs")) {
                JsonNode context = paragraph.get("context");
                if (context == null || !context.isTextual()) {
                    problems.add("a paragraph without a context string was skipped");
                    continue;
                }
                String text = context.asText();
                CodePointOffsets offsets = new CodePointOffsets(text);
                for (JsonNode qa : paragraph.path("qas")) {
                    question(qa, text, offsets);
                }
            }
        }

        private void question(JsonNode qa, String context, CodePointOffsets offsets) {
            String id = qa.path("id").asText("");
            String question = qa.path("question").asText("");
            if (id.isEmpty() || question.isEmpty()) {
                problems.add("question '" + id + "': no id or question text; skipped");
                return;
            }
            if (golds.containsKey(id)) {
                problems.add("question " + id + ": duplicate id; skipped");
                return;
            }
            if (qa.path("is_impossible").asBoolean(false)) {
                examples.add(TrainingExample.unanswerable(id, question, context));
                golds.put(id, List.of());
                return;
            }
            List<String> texts = new ArrayList<>();
            TrainingExample example = null;
            for (JsonNode answer : qa.path("answers")) {
                String text = answer.path("text").asText("");
                if (text.isEmpty()) {
                    continue;
                }
                texts.add(text);
                if (example == null) {
                    Integer start = start(id, answer.get("answer_start"), text, context, offsets);
                    if (start != null && !onBoundaries(id, context, start, text)) {
                        start = null;
                    }
                    if (start != null) {
                        example =
                                TrainingExample.answered(
                                        id, question, context, start, start + text.length());
                    }
                }
            }
            if (example == null) {
                problems.add(
                        "question "
                                + id
                                + (texts.isEmpty()
                                        ? ": no answers and not marked impossible; skipped"
                                        : ": no answer matches the context; skipped"));
                return;
            }
            examples.add(example);
            golds.put(id, List.copyOf(texts));
        }

        /** False (with a problem) when the answer splits a character of the context. */
        private boolean onBoundaries(String id, String context, int start, String text) {
            Optional<String> problem =
                    SpanBoundaries.problem(context, start, start + text.length());
            problem.ifPresent(
                    p -> problems.add("question " + id + ": answer '" + text + "': " + p));
            return problem.isEmpty();
        }

        /** The answer's String index in the context, or null (with a problem) when none fits. */
        private Integer start(
                String id,
                JsonNode answerStart,
                String text,
                String context,
                CodePointOffsets offsets) {
            if (answerStart == null || !answerStart.canConvertToInt()) {
                problems.add("question " + id + ": answer_start " + answerStart + " is no index");
                return null;
            }
            int codePoint = answerStart.asInt();
            int stated;
            try {
                stated = offsets.toUtf16(codePoint);
            } catch (IndexOutOfBoundsException e) {
                problems.add(
                        "question "
                                + id
                                + ": answer_start "
                                + codePoint
                                + " is outside the context");
                return null;
            }
            if (context.startsWith(text, stated)) {
                return stated;
            }
            int nearest = nearestOccurrence(context, text, stated);
            if (nearest < 0) {
                problems.add(
                        "question "
                                + id
                                + ": answer '"
                                + text
                                + "' is not at answer_start "
                                + codePoint);
                return null;
            }
            problems.add(
                    "question "
                            + id
                            + ": answer '"
                            + text
                            + "' found at String index "
                            + nearest
                            + ", not at answer_start "
                            + codePoint
                            + "; corrected");
            return nearest;
        }

        private static int nearestOccurrence(String context, String text, int stated) {
            for (int shift = 1; shift <= MAX_OFFSET_SHIFT; shift++) {
                if (stated - shift >= 0 && context.startsWith(text, stated - shift)) {
                    return stated - shift;
                }
                if (context.startsWith(text, stated + shift)) {
                    return stated + shift;
                }
            }
            return -1;
        }
    }
}
