package io.spanloop.retrainer;

import io.spanloop.events.Correction;
import io.spanloop.events.Span;
import io.spanloop.events.Verdict;
import io.spanloop.qa.SpanBoundaries;
import io.spanloop.qa.TrainingExample;
import java.util.List;
import java.util.Optional;

/** Corrections as training examples: the person's span, or "no answer". */
final class Examples {

    private Examples() {}

    /**
     * The example a correction teaches, or null when the model cannot learn it (a "no answer" for a
     * model without a no-answer position); the correction must be {@link #problem valid}.
     */
    static TrainingExample of(Correction correction, boolean modelHasNullAnswer) {
        Span span = correction.getSpan();
        if (span == null) {
            return modelHasNullAnswer
                    ? TrainingExample.unanswerable(
                            correction.getQuestionId(),
                            correction.getQuestion(),
                            correction.getContext())
                    : null;
        }
        return TrainingExample.answered(
                correction.getQuestionId(),
                correction.getQuestion(),
                correction.getContext(),
                span.getStart(),
                span.getEnd());
    }

    /**
     * Why a correction from the feedback topic cannot be a label, or empty when it can: the labeler
     * validates what it writes, another writer might not (offsets outside the context or inside a
     * character, text that is not the context's at those offsets, a verdict that does not fit).
     */
    static Optional<String> problem(Correction correction) {
        Span span = correction.getSpan();
        if (span == null) {
            return correction.getVerdict() == Verdict.CORRECTED
                    ? Optional.of("a CORRECTED correction without a span")
                    : Optional.empty();
        }
        if (correction.getVerdict() == Verdict.NO_ANSWER) {
            return Optional.of("a NO_ANSWER correction with a span");
        }
        String context = correction.getContext();
        Optional<String> boundaries =
                SpanBoundaries.problem(context, span.getStart(), span.getEnd());
        if (boundaries.isPresent()) {
            return boundaries;
        }
        String actual = context.substring(span.getStart(), span.getEnd());
        if (!actual.equals(span.getText())) {
            return Optional.of(
                    "the span's text '"
                            + span.getText()
                            + "' is not the context's '"
                            + actual
                            + "' at ["
                            + span.getStart()
                            + ", "
                            + span.getEnd()
                            + ")");
        }
        return Optional.empty();
    }

    /** The gold answers of an example for SQuAD scoring ("" = no answer). */
    static List<String> golds(TrainingExample example) {
        return List.of(example.hasAnswer() ? example.answerText() : "");
    }
}
