package io.spanloop.qa;

/**
 * SQuAD scores of a model on an evaluation set.
 *
 * @param exactMatch mean exact match, 0..100
 * @param f1 mean token F1, 0..100
 * @param count questions evaluated (both scores are 0 when there were none)
 */
public record EvalScores(double exactMatch, double f1, int count) {

    public EvalScores {
        if (count < 0 || exactMatch < 0 || exactMatch > 100 || f1 < 0 || f1 > 100) {
            throw new IllegalArgumentException(
                    "scores out of range: EM " + exactMatch + ", F1 " + f1 + ", n " + count);
        }
    }
}
