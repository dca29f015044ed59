package io.spanloop.qa;

/**
 * One model input: question and a slice of the context, laid out with special tokens.
 *
 * @param inputIds token ids of the whole sequence
 * @param typeIds token type ids (0 for the question part, 1 for the context part where the
 *     architecture uses them)
 * @param contextOffset position in the sequence of the first context token
 * @param firstContextToken index (into the context's tokens) of that first context token
 * @param contextLength number of context tokens in this window
 * @param maxContext for each context token of the window, whether this window gives it the most
 *     surrounding context of all windows (a span may only start at such a token)
 */
record Window(
        long[] inputIds,
        long[] typeIds,
        int contextOffset,
        int firstContextToken,
        int contextLength,
        boolean[] maxContext) {

    int length() {
        return inputIds.length;
    }

    boolean isContextPosition(int position) {
        return position >= contextOffset && position < contextOffset + contextLength;
    }

    /** The context token index at sequence {@code position}. */
    int contextToken(int position) {
        return firstContextToken + position - contextOffset;
    }
}
