package io.spanloop.qa;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Lays out (question, context) pairs as model inputs, sliding a window over contexts longer than
 * one sequence. Only the context is cut; windows overlap by {@link ModelConfig#stride()} tokens.
 */
final class WindowEncoder {

    private final QaTokenizer tokenizer;
    private final ModelConfig config;

    WindowEncoder(QaTokenizer tokenizer, ModelConfig config) {
        this.tokenizer = tokenizer;
        this.config = config;
    }

    EncodedQuestion encode(QaInput input) {
        TokenizedText question = tokenizer.tokenize(input.question());
        TokenizedText context = tokenizer.tokenize(input.context());
        long[] questionIds =
                Arrays.copyOf(question.ids(), Math.min(question.size(), config.maxQueryLength()));
        return new EncodedQuestion(input, context, windows(questionIds, context.ids()));
    }

    List<Window> windows(long[] questionIds, long[] contextIds) {
        int contextTokens = contextIds.length;
        int perWindow = config.contextTokensPerWindow(questionIds.length);
        int step = perWindow - config.stride();
        List<int[]> ranges = new ArrayList<>();
        for (int start = 0; ; start += step) {
            int end = Math.min(start + perWindow, contextTokens);
            ranges.add(new int[] {start, end});
            if (end >= contextTokens) {
                break;
            }
        }
        List<Window> windows = new ArrayList<>(ranges.size());
        for (int[] range : ranges) {
            windows.add(window(questionIds, contextIds, range[0], range[1], ranges));
        }
        return windows;
    }

    private Window window(
            long[] questionIds, long[] contextIds, int from, int to, List<int[]> ranges) {
        ModelArchitecture arch = config.arch();
        int length = questionIds.length + (to - from) + arch.specialTokens();
        long[] ids = new long[length];
        long[] types = new long[length];
        int pos = 0;
        ids[pos++] = tokenizer.clsId();
        for (long id : questionIds) {
            ids[pos++] = id;
        }
        for (int i = 0; i < arch.separatorsBetween(); i++) {
            ids[pos++] = tokenizer.sepId();
        }
        int contextOffset = pos;
        System.arraycopy(contextIds, from, ids, contextOffset, to - from);
        ids[length - 1] = tokenizer.sepId();
        if (arch.typedSegments()) {
            Arrays.fill(types, contextOffset, length, 1L);
        }
        boolean[] maxContext = new boolean[to - from];
        for (int t = from; t < to; t++) {
            maxContext[t - from] = hasMaxContext(ranges, from, to, t);
        }
        return new Window(ids, types, contextOffset, from, to - from, maxContext);
    }

    /**
     * The SQuAD reference rule: a token belongs to the window where min(left, right) context is
     * largest (ties to the longer window, then the earlier one).
     */
    static boolean hasMaxContext(List<int[]> ranges, int from, int to, int token) {
        double own = contextScore(from, to, token);
        for (int[] other : ranges) {
            if (other[0] == from && other[1] == to) {
                continue;
            }
            if (token < other[0] || token >= other[1]) {
                continue;
            }
            double score = contextScore(other[0], other[1], token);
            if (score > own || (score == own && other[0] < from)) {
                return false;
            }
        }
        return true;
    }

    private static double contextScore(int from, int to, int token) {
        int left = token - from;
        int right = to - 1 - token;
        return Math.min(left, right) + 0.01 * (to - from);
    }
}
