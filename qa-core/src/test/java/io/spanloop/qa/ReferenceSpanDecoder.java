package io.spanloop.qa;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The span decoder as it was before its n-best list was bounded (it collected and sorted every
 * candidate): the oracle {@code SpanDecoderEquivalenceTest} compares today's decoder with.
 *
 * <p>Its original description: chooses answer spans from start/end logits the way the SQuAD
 * reference systems do: best {@code start + end} logit sum with start <= end, both on context
 * tokens of the same window, a bounded length, starts only where the window gives the token most
 * context, the best across windows; the n-best spans and the null answer share one softmax.
 */
final class ReferenceSpanDecoder {

    private final DecodingOptions options;

    ReferenceSpanDecoder(DecodingOptions options) {
        this.options = options;
    }

    private record Candidate(double logit, int start, int end) {}

    QaResult decode(EncodedQuestion encoded, List<WindowLogits> logits) {
        List<Window> windows = encoded.windows();
        if (windows.size() != logits.size()) {
            throw new IllegalArgumentException(
                    windows.size() + " windows but " + logits.size() + " logits");
        }
        TokenizedText context = encoded.context();
        double nullLogit = Double.POSITIVE_INFINITY;
        List<Candidate> candidates = new ArrayList<>();
        for (int w = 0; w < windows.size(); w++) {
            Window window = windows.get(w);
            WindowLogits windowLogits = logits.get(w);
            nullLogit = Math.min(nullLogit, windowLogits.start()[0] + windowLogits.end()[0]);
            collect(window, windowLogits, context, candidates);
        }
        candidates.sort(Comparator.comparingDouble(Candidate::logit).reversed());
        List<Candidate> nBest = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (Candidate candidate : candidates) {
            if (seen.add(((long) candidate.start << 32) | candidate.end)) {
                nBest.add(candidate);
                if (nBest.size() == options.nBest()) {
                    break;
                }
            }
        }
        return result(encoded.input().context(), nBest, nullLogit);
    }

    private void collect(
            Window window, WindowLogits logits, TokenizedText context, List<Candidate> out) {
        int[] starts = topPositions(logits.start(), window, true);
        int[] ends = topPositions(logits.end(), window, false);
        for (int s : starts) {
            for (int e : ends) {
                if (e < s || e - s + 1 > options.maxAnswerTokens()) {
                    continue;
                }
                int charStart = context.starts()[window.contextToken(s)];
                int charEnd = context.ends()[window.contextToken(e)];
                if (charEnd <= charStart) {
                    continue;
                }
                out.add(new Candidate(logits.start()[s] + logits.end()[e], charStart, charEnd));
            }
        }
    }

    /**
     * The n-best context positions of the window by logit, best first (ties: earlier position
     * first). A partial insertion selection: this runs for every window of every question.
     */
    private int[] topPositions(float[] values, Window window, boolean startPositions) {
        int[] top = new int[Math.min(options.nBest(), window.contextLength())];
        if (top.length == 0) {
            return top;
        }
        int count = 0;
        for (int p = window.contextOffset();
                p < window.contextOffset() + window.contextLength();
                p++) {
            if (startPositions && !window.maxContext()[p - window.contextOffset()]) {
                continue;
            }
            if (count == top.length && values[p] <= values[top[count - 1]]) {
                continue;
            }
            int i = count < top.length ? count++ : count - 1;
            while (i > 0 && values[top[i - 1]] < values[p]) {
                top[i] = top[i - 1];
                i--;
            }
            top[i] = p;
        }
        return count == top.length ? top : Arrays.copyOf(top, count);
    }

    private QaResult result(String context, List<Candidate> nBest, double nullLogit) {
        boolean withNull = options.supportsNullAnswer() && Double.isFinite(nullLogit);
        double max = withNull ? nullLogit : Double.NEGATIVE_INFINITY;
        for (Candidate candidate : nBest) {
            max = Math.max(max, candidate.logit);
        }
        double sum = withNull ? Math.exp(nullLogit - max) : 0.0;
        for (Candidate candidate : nBest) {
            sum += Math.exp(candidate.logit - max);
        }
        List<AnswerSpan> spans = new ArrayList<>();
        for (Candidate candidate : nBest) {
            if (spans.size() == options.topK()) {
                break;
            }
            spans.add(
                    new AnswerSpan(
                            candidate.start,
                            candidate.end,
                            context.substring(candidate.start, candidate.end),
                            Math.exp(candidate.logit - max) / sum));
        }
        double noAnswer = withNull ? Math.exp(nullLogit - max) / sum : 0.0;
        boolean answerable =
                !nBest.isEmpty()
                        && !(withNull
                                && nullLogit - nBest.get(0).logit > options.nullScoreMargin());
        return new QaResult(answerable ? spans.get(0) : null, spans, noAnswer);
    }
}
