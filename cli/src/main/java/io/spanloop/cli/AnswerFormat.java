package io.spanloop.cli;

import io.spanloop.events.Answer;
import io.spanloop.events.ScoredSpan;
import java.util.Locale;

/** An answer as {@code spanloop ask} prints it. */
final class AnswerFormat {

    private AnswerFormat() {}

    /**
     * The answer's lines: id, question, the best span ({@code "text" [start, end) score}) or "no
     * answer" with the null answer's score, and the model version that produced it.
     */
    static String format(Answer answer) {
        ScoredSpan best = answer.getBest();
        String span =
                best == null
                        ? String.format(
                                Locale.ROOT,
                                "no answer  (no-answer score %.3f)",
                                answer.getNoAnswerScore())
                        : String.format(
                                Locale.ROOT,
                                "\"%s\"  [%d, %d)  score %.3f",
                                best.getText(),
                                best.getStart(),
                                best.getEnd(),
                                best.getScore());
        return String.format(
                Locale.ROOT,
                "id:        %s%nquestion:  %s%nanswer:    %s%nmodel:     %s v%d%n",
                answer.getQuestionId(),
                answer.getQuestion(),
                span,
                answer.getModelName(),
                answer.getModelVersion());
    }
}
