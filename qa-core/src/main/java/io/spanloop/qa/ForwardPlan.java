package io.spanloop.qa;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Groups a batch's windows into forward passes of similar length. Every pass is padded to its
 * longest window, and a padded position costs the model as much as a real one, so one pass over
 * windows of 250 and 100 tokens computes 500 positions for 350 real ones. Windows are sorted by
 * length and cut into consecutive groups (at most {@code maxWindows} each) where the padding saved
 * outweighs the fixed cost of another pass, counted as {@value #PASS_COST_TOKENS} positions.
 */
public final class ForwardPlan {

    /** What one more forward pass costs besides its positions (its calls, tensors, outputs). */
    static final int PASS_COST_TOKENS = 64;

    private ForwardPlan() {}

    /**
     * The passes for windows of {@code lengths}: each an array of indices into {@code lengths},
     * longest first; together every index exactly once.
     */
    public static List<int[]> passes(int[] lengths, int maxWindows) {
        if (maxWindows < 1) {
            throw new IllegalArgumentException("maxWindows must be >= 1: " + maxWindows);
        }
        int n = lengths.length;
        Integer[] order =
                IntStream.range(0, n)
                        .boxed()
                        .sorted(Comparator.comparingInt((Integer i) -> -lengths[i]))
                        .toArray(Integer[]::new);
        // cost[i]: the cheapest plan for the i longest windows; cut[i]: where its last pass starts
        long[] cost = new long[n + 1];
        int[] cut = new int[n + 1];
        Arrays.fill(cost, 1, n + 1, Long.MAX_VALUE);
        for (int end = 1; end <= n; end++) {
            for (int start = Math.max(0, end - maxWindows); start < end; start++) {
                long candidate =
                        cost[start]
                                + PASS_COST_TOKENS
                                + (long) (end - start) * lengths[order[start]];
                if (candidate < cost[end]) {
                    cost[end] = candidate;
                    cut[end] = start;
                }
            }
        }
        List<int[]> passes = new ArrayList<>();
        for (int end = n; end > 0; end = cut[end]) {
            int start = cut[end];
            int[] pass = new int[end - start];
            for (int i = start; i < end; i++) {
                pass[i - start] = order[i];
            }
            passes.add(0, pass);
        }
        return passes;
    }
}
