package io.spanloop.labeler;

import com.fasterxml.jackson.databind.JsonNode;
import io.spanloop.events.Answer;
import io.spanloop.events.Correction;
import io.spanloop.events.ScoredSpan;
import io.spanloop.events.Span;
import io.spanloop.events.Verdict;
import io.spanloop.qa.SpanBoundaries;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Turns a correction request into a {@code Correction} event, or refuses it with a message a person
 * understands: only the known fields, offsets inside the context and on character boundaries
 * ({@link SpanBoundaries}), the text exactly the context's substring, and the verdict fitting the
 * span.
 */
final class CorrectionValidator {

    /** The fields of a correction request, in the order the API documents them. */
    static final List<String> FIELDS = List.of("questionId", "verdict", "start", "end", "text");

    private CorrectionValidator() {}

    /** The request's question id (400 when missing). */
    static String questionId(JsonNode request) {
        JsonNode id = request.get("questionId");
        if (id == null || !id.isTextual() || id.asText().isBlank()) {
            throw new ApiException(400, "questionId is required (a non-empty string)");
        }
        return id.asText();
    }

    static Correction validate(JsonNode request, Answer answer, String annotator, Instant now) {
        refuseUnknownFields(request);
        Verdict verdict = verdict(request);
        Span span = span(request, answer.getContext());
        ScoredSpan predicted = answer.getBest();
        switch (verdict) {
            case NO_ANSWER -> {
                if (span != null) {
                    throw new ApiException(422, "a NO_ANSWER correction carries no span");
                }
            }
            case ACCEPTED -> {
                if (span != null && !sameSpan(span, predicted)) {
                    throw new ApiException(
                            422,
                            "ACCEPTED means the model's answer is right, but this span is not the"
                                    + " model's answer: use CORRECTED");
                }
                span = predicted == null ? null : asSpan(predicted);
            }
            case CORRECTED -> {
                if (span == null) {
                    throw new ApiException(
                            422, "a CORRECTED correction needs start, end and text of the span");
                }
                if (sameSpan(span, predicted)) {
                    throw new ApiException(
                            422, "this span is exactly the model's answer: use ACCEPTED");
                }
            }
        }
        return Correction.newBuilder()
                .setQuestionId(answer.getQuestionId())
                .setQuestion(answer.getQuestion())
                .setContext(answer.getContext())
                .setVerdict(verdict)
                .setSpan(span)
                .setPredicted(predicted)
                .setModelName(answer.getModelName())
                .setModelVersion(answer.getModelVersion())
                .setAnnotator(annotator)
                .setCorrectedAt(now)
                .setAttributes(answer.getAttributes())
                .build();
    }

    /**
     * A field the API does not know would be dropped silently (e.g. a span nested as in the Avro
     * schema), so it is refused instead.
     */
    private static void refuseUnknownFields(JsonNode request) {
        List<String> unknown = new ArrayList<>();
        request.fieldNames()
                .forEachRemaining(
                        name -> {
                            if (!FIELDS.contains(name)) {
                                unknown.add(name);
                            }
                        });
        if (!unknown.isEmpty()) {
            throw new ApiException(
                    400,
                    "unknown field"
                            + (unknown.size() == 1 ? " " : "s ")
                            + unknown.stream()
                                    .map(name -> "'" + name + "'")
                                    .collect(Collectors.joining(", "))
                            + ": a correction has only "
                            + String.join(", ", FIELDS)
                            + (unknown.contains("span")
                                    ? " (the span's start, end and text at the top level, not"
                                            + " nested under 'span')"
                                    : ""));
        }
    }

    private static Verdict verdict(JsonNode request) {
        JsonNode node = request.get("verdict");
        if (node == null || !node.isTextual()) {
            throw new ApiException(400, "verdict is required: ACCEPTED, CORRECTED or NO_ANSWER");
        }
        try {
            return Verdict.valueOf(node.asText().trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ApiException(
                    400,
                    "verdict must be ACCEPTED, CORRECTED or NO_ANSWER, not '"
                            + node.asText()
                            + "'");
        }
    }

    /** The span of the request, or null when it has none; validated against the context. */
    private static Span span(JsonNode request, String context) {
        JsonNode start = request.get("start");
        JsonNode end = request.get("end");
        JsonNode text = request.get("text");
        boolean none = isAbsent(start) && isAbsent(end) && isAbsent(text);
        if (none) {
            return null;
        }
        if (isAbsent(start) || isAbsent(end) || isAbsent(text)) {
            throw new ApiException(400, "a span needs all of start, end and text");
        }
        if (!start.isIntegralNumber() || !end.isIntegralNumber() || !text.isTextual()) {
            throw new ApiException(400, "start and end must be integers and text a string");
        }
        long s = start.asLong();
        long e = end.asLong();
        SpanBoundaries.problem(context, s, e)
                .ifPresent(
                        problem -> {
                            throw new ApiException(422, problem);
                        });
        String actual = context.substring((int) s, (int) e);
        if (!actual.equals(text.asText())) {
            throw new ApiException(
                    422,
                    "text does not match the context at ["
                            + s
                            + ", "
                            + e
                            + "): the context has '"
                            + actual
                            + "' there");
        }
        return new Span((int) s, (int) e, actual);
    }

    private static boolean isAbsent(JsonNode node) {
        return node == null || node.isNull();
    }

    private static boolean sameSpan(Span span, ScoredSpan predicted) {
        return predicted != null
                && span.getStart() == predicted.getStart()
                && span.getEnd() == predicted.getEnd();
    }

    private static Span asSpan(ScoredSpan span) {
        return new Span(span.getStart(), span.getEnd(), span.getText());
    }
}
