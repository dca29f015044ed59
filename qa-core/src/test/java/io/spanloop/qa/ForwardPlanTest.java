package io.spanloop.qa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ForwardPlanTest {

    @Test
    void shouldRunEveryWindowExactlyOnceInPassesNoLargerThanTheLimit() {
        Random random = new Random(9);
        for (int round = 0; round < 2_000; round++) {
            int[] lengths = new int[random.nextInt(70)];
            for (int i = 0; i < lengths.length; i++) {
                lengths[i] = 8 + random.nextInt(249);
            }
            int limit = 1 + random.nextInt(20);

            List<int[]> passes = ForwardPlan.passes(lengths, limit);

            List<Integer> seen = new ArrayList<>();
            for (int[] pass : passes) {
                assertThat(pass.length).isBetween(1, limit);
                Arrays.stream(pass).forEach(seen::add);
            }
            assertThat(seen).containsExactlyInAnyOrderElementsOf(indices(lengths.length));
            // never more positions than one pass per limit-sized slice in arrival order
            assertThat(cost(lengths, passes)).isLessThanOrEqualTo(inOrderCost(lengths, limit));
        }
    }

    @Test
    void shouldSplitWhenPaddingCostsMoreThanAPass() {
        // 8 full windows and 8 short ones: one pass would pad the short ones to 256
        int[] lengths = {
            256, 100, 256, 100, 256, 100, 256, 100, 256, 100, 256, 100, 256, 100, 256, 100
        };

        List<int[]> passes = ForwardPlan.passes(lengths, 64);

        assertThat(passes).hasSize(2);
        assertThat(passes.get(0)).containsExactly(0, 2, 4, 6, 8, 10, 12, 14);
        assertThat(passes.get(1)).containsExactly(1, 3, 5, 7, 9, 11, 13, 15);
    }

    @Test
    void shouldKeepWindowsOfSimilarLengthTogether() {
        // 4 positions of padding in all is cheaper than another pass
        assertThat(ForwardPlan.passes(new int[] {120, 118, 121, 119, 122}, 64)).hasSize(1);
        assertThat(ForwardPlan.passes(new int[0], 64)).isEmpty();
        assertThatThrownBy(() -> ForwardPlan.passes(new int[] {1}, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static List<Integer> indices(int n) {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(i);
        }
        return all;
    }

    private static long cost(int[] lengths, List<int[]> passes) {
        long cost = 0;
        for (int[] pass : passes) {
            int max = Arrays.stream(pass).map(i -> lengths[i]).max().orElse(0);
            cost += ForwardPlan.PASS_COST_TOKENS + (long) max * pass.length;
        }
        return cost;
    }

    private static long inOrderCost(int[] lengths, int limit) {
        long cost = 0;
        for (int from = 0; from < lengths.length; from += limit) {
            int to = Math.min(from + limit, lengths.length);
            int max = Arrays.stream(lengths, from, to).max().orElse(0);
            cost += ForwardPlan.PASS_COST_TOKENS + (long) max * (to - from);
        }
        return cost;
    }
}
