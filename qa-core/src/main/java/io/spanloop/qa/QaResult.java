package io.spanloop.qa;

import java.util.List;
import java.util.Optional;

/**
 * The model's answer to one {@link QaInput}.
 *
 * @param best the best span, or {@code null} when the model says the context holds no answer
 * @param candidates the top spans, best first, each with its probability
 * @param noAnswerScore probability of "no answer" (0 for models without a null answer)
 * @param tokenScores each context token's start and end probability, or {@code null} unless the
 *     model was loaded with {@link QaModelOptions#tokenScores()}
 */
public record QaResult(
        AnswerSpan best,
        List<AnswerSpan> candidates,
        double noAnswerScore,
        TokenScores tokenScores) {

    public QaResult {
        candidates = List.copyOf(candidates);
    }

    public QaResult(AnswerSpan best, List<AnswerSpan> candidates, double noAnswerScore) {
        this(best, candidates, noAnswerScore, null);
    }

    public Optional<AnswerSpan> bestSpan() {
        return Optional.ofNullable(best);
    }

    public QaResult withTokenScores(TokenScores scores) {
        return new QaResult(best, candidates, noAnswerScore, scores);
    }
}
