package io.spanloop.retrainer;

import io.spanloop.events.Correction;
import io.spanloop.events.Span;
import io.spanloop.qa.TrainingExample;
import java.util.List;

/** Corrections as training examples: the person's span, or "no answer". */
final class Examples {

    private Examples() {}

    /** The example a correction teaches, or null when the model cannot learn it. */
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
        if (span.getEnd() > correction.getContext().length()
                || !correction
                        .getContext()
                        .substring(span.getStart(), span.getEnd())
                        .equals(span.getText())) {
            return null; // the labeler validates this; a foreign writer might not
        }
        return TrainingExample.answered(
                correction.getQuestionId(),
                correction.getQuestion(),
                correction.getContext(),
                span.getStart(),
                span.getEnd());
    }

    /** The gold answers of an example for SQuAD scoring ("" = no answer). */
    static List<String> golds(TrainingExample example) {
        return List.of(example.hasAnswer() ? example.answerText() : "");
    }
}
