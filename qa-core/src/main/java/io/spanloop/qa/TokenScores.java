package io.spanloop.qa;

/**
 * Why the model chose its span: for each context token, the probability it gave the token of
 * starting the answer and of ending it. Offsets are Java {@code String} indices (UTF-16, end
 * exclusive) into the context, in text order, never empty and never overlapping (tokens that share
 * characters, as byte-level pieces of one emoji do, are one entry). Probabilities are a softmax
 * over the positions a span may start or end at in a window (its context tokens and, for models
 * with a null answer, {@code [CLS]}); a token seen by several windows keeps its highest. Longer
 * contexts keep the {@link #MAX_TOKENS} tokens with the highest start or end probability.
 */
public record TokenScores(
        int[] starts, int[] ends, float[] startProbabilities, float[] endProbabilities) {

    /** The most tokens one answer carries (about 8 bytes each on the wire). */
    public static final int MAX_TOKENS = 4096;

    public TokenScores {
        int n = starts.length;
        if (ends.length != n || startProbabilities.length != n || endProbabilities.length != n) {
            throw new IllegalArgumentException("token score arrays differ in length");
        }
    }

    public int size() {
        return starts.length;
    }
}
