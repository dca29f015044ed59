package io.spanloop.qa;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Chooses answer spans from start/end logits the way the SQuAD reference systems do: best {@code
 * start + end} logit sum with start <= end, both on context tokens of the same window, a bounded
 * length, starts only where the window gives the token most context, the best across windows; the
 * n-best spans and the null answer share one softmax.
 */
final class SpanDecoder {

    private final DecodingOptions options;

    SpanDecoder(DecodingOptions options) {
        this.options = options;
    }

    QaResult decode(EncodedQuestion encoded, List<WindowLogits> logits) {
        List<Window> windows = encoded.windows();
        if (windows.size() != logits.size()) {
            throw new IllegalArgumentException(
                    windows.size() + " windows but " + logits.size() + " logits");
        }
        TokenizedText context = encoded.context();
        double nullLogit = Double.POSITIVE_INFINITY;
        NBest nBest = new NBest(options.nBest());
        for (int w = 0; w < windows.size(); w++) {
            Window window = windows.get(w);
            WindowLogits windowLogits = logits.get(w);
            nullLogit = Math.min(nullLogit, windowLogits.start()[0] + windowLogits.end()[0]);
            collect(window, windowLogits, context, nBest);
        }
        return result(encoded.input().context(), nBest, nullLogit);
    }

    private void collect(Window window, WindowLogits logits, TokenizedText context, NBest out) {
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
                out.offer(logits.start()[s] + logits.end()[e], charStart, charEnd);
            }
        }
    }

    /**
     * The best distinct spans (by character range) seen so far, best first; a span seen twice keeps
     * its higher logit, equal logits keep the order they came in. Bounded, so a question's
     * candidates are never collected and sorted.
     */
    static final class NBest {
        private final double[] logits;
        private final int[] starts;
        private final int[] ends;
        private int size;

        NBest(int capacity) {
            logits = new double[capacity];
            starts = new int[capacity];
            ends = new int[capacity];
        }

        void offer(double logit, int start, int end) {
            if (size == logits.length && logit <= logits[size - 1]) {
                return; // not better than the last: neither new nor a better copy of a kept span
            }
            for (int i = 0; i < size; i++) {
                if (starts[i] == start && ends[i] == end) {
                    if (logits[i] >= logit) {
                        return;
                    }
                    remove(i);
                    break;
                }
            }
            if (size == logits.length) {
                size--;
            }
            int position = size;
            while (position > 0 && logits[position - 1] < logit) {
                position--;
            }
            System.arraycopy(logits, position, logits, position + 1, size - position);
            System.arraycopy(starts, position, starts, position + 1, size - position);
            System.arraycopy(ends, position, ends, position + 1, size - position);
            logits[position] = logit;
            starts[position] = start;
            ends[position] = end;
            size++;
        }

        private void remove(int i) {
            System.arraycopy(logits, i + 1, logits, i, size - i - 1);
            System.arraycopy(starts, i + 1, starts, i, size - i - 1);
            System.arraycopy(ends, i + 1, ends, i, size - i - 1);
            size--;
        }

        int size() {
            return size;
        }

        double logit(int i) {
            return logits[i];
        }

        int start(int i) {
            return starts[i];
        }

        int end(int i) {
            return ends[i];
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

    private QaResult result(String context, NBest nBest, double nullLogit) {
        boolean withNull = options.supportsNullAnswer() && Double.isFinite(nullLogit);
        double max = withNull ? nullLogit : Double.NEGATIVE_INFINITY;
        for (int i = 0; i < nBest.size; i++) {
            max = Math.max(max, nBest.logits[i]);
        }
        double sum = withNull ? Math.exp(nullLogit - max) : 0.0;
        for (int i = 0; i < nBest.size; i++) {
            sum += Math.exp(nBest.logits[i] - max);
        }
        List<AnswerSpan> spans = new ArrayList<>();
        for (int i = 0; i < nBest.size && spans.size() < options.topK(); i++) {
            int start = nBest.starts[i];
            int end = nBest.ends[i];
            spans.add(
                    new AnswerSpan(
                            start,
                            end,
                            context.substring(start, end),
                            Math.exp(nBest.logits[i] - max) / sum));
        }
        double noAnswer = withNull ? Math.exp(nullLogit - max) / sum : 0.0;
        boolean answerable =
                nBest.size > 0
                        && !(withNull && nullLogit - nBest.logits[0] > options.nullScoreMargin());
        return new QaResult(answerable ? spans.get(0) : null, spans, noAnswer);
    }
}
