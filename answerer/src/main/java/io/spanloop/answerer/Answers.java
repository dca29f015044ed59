package io.spanloop.answerer;

import io.spanloop.events.Answer;
import io.spanloop.events.Question;
import io.spanloop.events.ScoredSpan;
import io.spanloop.qa.AnswerSpan;
import io.spanloop.qa.QaModel;
import io.spanloop.qa.QaResult;
import io.spanloop.qa.TokenScores;
import io.spanloop.schemas.ProbabilityBytes;
import java.time.Instant;
import java.util.Arrays;

/** Maps the model's result for a question to the {@code Answer} event. */
final class Answers {

    private Answers() {}

    static Answer of(
            Question question,
            QaResult result,
            QaModel model,
            long inferenceMicros,
            int batchSize,
            Instant answeredAt) {
        return Answer.newBuilder()
                .setQuestionId(question.getId())
                .setQuestion(question.getQuestion())
                .setContext(question.getContext())
                .setBest(result.best() == null ? null : span(result.best()))
                .setCandidates(result.candidates().stream().map(Answers::span).toList())
                .setNoAnswerScore(result.noAnswerScore())
                .setModelName(model.name())
                .setModelVersion(model.version())
                .setAnsweredAt(answeredAt)
                .setInferenceMicros(inferenceMicros)
                .setBatchSize(batchSize)
                .setAttributes(question.getAttributes())
                .setTokenScores(
                        result.tokenScores() == null ? null : tokenScores(result.tokenScores()))
                .build();
    }

    private static io.spanloop.events.TokenScores tokenScores(TokenScores scores) {
        return new io.spanloop.events.TokenScores(
                Arrays.stream(scores.starts()).boxed().toList(),
                Arrays.stream(scores.ends()).boxed().toList(),
                ProbabilityBytes.encode(scores.startProbabilities()),
                ProbabilityBytes.encode(scores.endProbabilities()));
    }

    private static ScoredSpan span(AnswerSpan span) {
        return new ScoredSpan(span.start(), span.end(), span.text(), span.score());
    }
}
