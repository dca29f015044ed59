package io.spanloop.qa;

import java.util.Objects;

/**
 * One labelled question for fine-tuning or evaluation: the answer is a span of the context, or none
 * (SQuAD 2.0's "impossible" questions, the labeler's NO_ANSWER verdict).
 *
 * @param id the question's id (unique within a data set)
 * @param question the question
 * @param context the text the answer is taken from
 * @param start first char of the answer: a Java {@code String} index (UTF-16 code units) into the
 *     context, or {@code null} for "no answer"
 * @param end one past the answer's last char, or {@code null} for "no answer"
 */
public record TrainingExample(
        String id, String question, String context, Integer start, Integer end) {

    public TrainingExample {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(context, "context");
        if ((start == null) != (end == null)) {
            throw new IllegalArgumentException(
                    "example " + id + ": start and end must both be set or both be null");
        }
        if (start != null && (start < 0 || end <= start || end > context.length())) {
            throw new IllegalArgumentException(
                    "example "
                            + id
                            + ": answer ["
                            + start
                            + ", "
                            + end
                            + ") is not a non-empty span of a "
                            + context.length()
                            + "-char context");
        }
    }

    /** An example whose answer is {@code context.substring(start, end)}. */
    public static TrainingExample answered(
            String id, String question, String context, int start, int end) {
        return new TrainingExample(id, question, context, start, end);
    }

    /** An example whose context holds no answer. */
    public static TrainingExample unanswerable(String id, String question, String context) {
        return new TrainingExample(id, question, context, null, null);
    }

    /** Whether the context holds the answer. */
    public boolean hasAnswer() {
        return start != null;
    }

    /** The answer's text, or {@code ""} for "no answer". */
    public String answerText() {
        return hasAnswer() ? context.substring(start, end) : "";
    }

    /** The example as model input. */
    public QaInput input() {
        return new QaInput(question, context);
    }
}
