package io.spanloop.qa;

/**
 * How spans are chosen from the model's logits.
 *
 * @param maxAnswerTokens longest span, in tokens
 * @param nBest start and end positions considered per window, and spans kept for scoring
 * @param topK candidates reported with an answer
 * @param supportsNullAnswer whether "no answer" ({@code [CLS]}) is a possible prediction
 * @param nullScoreMargin "no answer" wins when its logit score exceeds the best span's by more
 */
public record DecodingOptions(
        int maxAnswerTokens,
        int nBest,
        int topK,
        boolean supportsNullAnswer,
        double nullScoreMargin) {

    public static final int DEFAULT_N_BEST = 20;
    public static final int DEFAULT_TOP_K = 5;

    public DecodingOptions {
        if (maxAnswerTokens <= 0 || nBest <= 0 || topK <= 0) {
            throw new IllegalArgumentException(
                    "maxAnswerTokens, nBest and topK must be > 0: "
                            + maxAnswerTokens
                            + ", "
                            + nBest
                            + ", "
                            + topK);
        }
    }

    /** The options a model's config asks for, with default n-best and top-k. */
    public static DecodingOptions from(ModelConfig config) {
        return new DecodingOptions(
                config.maxAnswerLength(),
                DEFAULT_N_BEST,
                DEFAULT_TOP_K,
                config.supportsNullAnswer(),
                config.nullScoreMargin());
    }

    public DecodingOptions withTopK(int topK) {
        return new DecodingOptions(
                maxAnswerTokens, nBest, topK, supportsNullAnswer, nullScoreMargin);
    }
}
