package io.spanloop.qa;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/** Turns one question's window logits into {@link TokenScores}, reusing the decoder's arrays. */
final class TokenScorer {

    private final boolean withNullAnswer;

    TokenScorer(boolean withNullAnswer) {
        this.withNullAnswer = withNullAnswer;
    }

    TokenScores score(EncodedQuestion encoded, List<WindowLogits> logits) {
        TokenizedText context = encoded.context();
        float[] start = new float[context.size()];
        float[] end = new float[context.size()];
        for (int w = 0; w < logits.size(); w++) {
            Window window = encoded.windows().get(w);
            keepHighest(window, probabilities(logits.get(w).start(), window), start);
            keepHighest(window, probabilities(logits.get(w).end(), window), end);
        }
        return capped(merged(context, start, end), TokenScores.MAX_TOKENS);
    }

    /**
     * Softmax of a window's logits over the positions a span may start or end at: the window's
     * context tokens and, with a null answer, {@code [CLS]} (position 0). Indexed by position;
     * every other position is 0, so the array sums to 1.
     */
    float[] probabilities(float[] logits, Window window) {
        int from = window.contextOffset();
        int to = from + window.contextLength();
        double max = withNullAnswer ? logits[0] : Double.NEGATIVE_INFINITY;
        for (int p = from; p < to; p++) {
            max = Math.max(max, logits[p]);
        }
        double sum = withNullAnswer ? Math.exp(logits[0] - max) : 0.0;
        for (int p = from; p < to; p++) {
            sum += Math.exp(logits[p] - max);
        }
        float[] probabilities = new float[window.length()];
        if (withNullAnswer) {
            probabilities[0] = (float) (Math.exp(logits[0] - max) / sum);
        }
        for (int p = from; p < to; p++) {
            probabilities[p] = (float) (Math.exp(logits[p] - max) / sum);
        }
        return probabilities;
    }

    private static void keepHighest(Window window, float[] probabilities, float[] perToken) {
        int from = window.contextOffset();
        for (int p = from; p < from + window.contextLength(); p++) {
            int token = window.contextToken(p);
            perToken[token] = Math.max(perToken[token], probabilities[p]);
        }
    }

    /** One entry per run of tokens sharing characters; tokens without characters are dropped. */
    private static TokenScores merged(TokenizedText context, float[] start, float[] end) {
        int n = context.size();
        int[] starts = new int[n];
        int[] ends = new int[n];
        float[] startP = new float[n];
        float[] endP = new float[n];
        int count = 0;
        for (int t = 0; t < n; t++) {
            int s = context.starts()[t];
            int e = context.ends()[t];
            if (e <= s) {
                continue;
            }
            if (count > 0 && s < ends[count - 1]) {
                ends[count - 1] = Math.max(ends[count - 1], e);
                startP[count - 1] = Math.max(startP[count - 1], start[t]);
                endP[count - 1] = Math.max(endP[count - 1], end[t]);
                continue;
            }
            starts[count] = s;
            ends[count] = e;
            startP[count] = start[t];
            endP[count] = end[t];
            count++;
        }
        return count == n
                ? new TokenScores(starts, ends, startP, endP)
                : new TokenScores(
                        Arrays.copyOf(starts, count),
                        Arrays.copyOf(ends, count),
                        Arrays.copyOf(startP, count),
                        Arrays.copyOf(endP, count));
    }

    /**
     * At most {@code limit} entries: those most likely to start or end the answer, in text order.
     */
    static TokenScores capped(TokenScores scores, int limit) {
        if (scores.size() <= limit) {
            return scores;
        }
        int[] kept =
                IntStream.range(0, scores.size())
                        .boxed()
                        .sorted((a, b) -> Float.compare(peak(scores, b), peak(scores, a)))
                        .limit(limit)
                        .mapToInt(Integer::intValue)
                        .sorted()
                        .toArray();
        int[] starts = new int[limit];
        int[] ends = new int[limit];
        float[] startP = new float[limit];
        float[] endP = new float[limit];
        for (int i = 0; i < limit; i++) {
            starts[i] = scores.starts()[kept[i]];
            ends[i] = scores.ends()[kept[i]];
            startP[i] = scores.startProbabilities()[kept[i]];
            endP[i] = scores.endProbabilities()[kept[i]];
        }
        return new TokenScores(starts, ends, startP, endP);
    }

    private static float peak(TokenScores scores, int i) {
        return Math.max(scores.startProbabilities()[i], scores.endProbabilities()[i]);
    }
}
