package io.spanloop.cli;

import io.spanloop.events.Correction;
import io.spanloop.events.Question;
import io.spanloop.events.Span;
import io.spanloop.events.Verdict;
import io.spanloop.qa.TrainingExample;
import java.time.Instant;

/** A SQuAD example as the events {@code spanloop import} sends. */
final class SquadEvents {

    private SquadEvents() {}

    /** The example's question, with the SQuAD id as its id. */
    static Question question(TrainingExample example, Instant now) {
        return Question.newBuilder()
                .setId(example.id())
                .setQuestion(example.question())
                .setContext(example.context())
                .setSubmittedAt(now)
                .build();
    }

    /**
     * The example's gold answer as a person's correction: its span as {@code CORRECTED}, or {@code
     * NO_ANSWER} for an unanswerable question. No model answered it, so the audit fields ({@code
     * predicted}, {@code modelName}, {@code modelVersion}) stay null.
     */
    static Correction correction(TrainingExample example, String annotator, Instant now) {
        return Correction.newBuilder()
                .setQuestionId(example.id())
                .setQuestion(example.question())
                .setContext(example.context())
                .setVerdict(example.hasAnswer() ? Verdict.CORRECTED : Verdict.NO_ANSWER)
                .setSpan(
                        example.hasAnswer()
                                ? new Span(example.start(), example.end(), example.answerText())
                                : null)
                .setAnnotator(annotator)
                .setCorrectedAt(now)
                .build();
    }
}
