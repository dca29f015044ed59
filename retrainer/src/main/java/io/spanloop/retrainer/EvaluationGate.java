package io.spanloop.retrainer;

import io.spanloop.events.EvalMetrics;
import io.spanloop.events.SliceMetrics;
import io.spanloop.qa.EvalScores;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Decides whether a candidate may serve. Candidate and incumbent are scored on the same examples:
 * the held-out labels as a whole (the candidate's F1 may be at most {@code eval.tolerance} below
 * the incumbent's) and every slice of at least {@code eval.slice.min.size} examples (its exact
 * match at most {@code eval.slice.tolerance} below the incumbent's, and for a regression slice also
 * below the reference version's, so that no chain of small drops takes a published version far from
 * what version 1 knew). Smaller slices are reported, not gated.
 */
final class EvaluationGate {

    /** What the gate found: the metrics for the event, and why it refused (null: it passed). */
    record Verdict(EvalMetrics overall, List<SliceMetrics> slices, String rejection) {
        boolean passed() {
            return rejection == null;
        }
    }

    private final double tolerance;
    private final double sliceTolerance;
    private final int sliceMinSize;

    EvaluationGate(double tolerance, double sliceTolerance, int sliceMinSize) {
        this.tolerance = tolerance;
        this.sliceTolerance = sliceTolerance;
        this.sliceMinSize = sliceMinSize;
    }

    /**
     * Judges a candidate.
     *
     * @param overall the held-out labels (and seed examples held out for evaluation)
     * @param slices the other slices
     * @param candidate scores a slice with the candidate
     * @param incumbent scores a slice with the serving version
     * @param reference the reference version's exact match per regression slice name (absent: not
     *     held against one)
     * @param referenceVersion the reference version, for messages
     */
    Verdict judge(
            EvalSlice overall,
            List<EvalSlice> slices,
            Function<EvalSlice, EvalScores> candidate,
            Function<EvalSlice, EvalScores> incumbent,
            Map<String, Double> reference,
            long referenceVersion) {
        EvalScores candidateOverall = candidate.apply(overall);
        EvalScores incumbentOverall = incumbent.apply(overall);
        String rejection = null;
        if (candidateOverall.f1() < incumbentOverall.f1() - tolerance) {
            rejection =
                    String.format(
                            Locale.ROOT,
                            "candidate F1 %.1f is more than %s below the incumbent's %.1f",
                            candidateOverall.f1(),
                            tolerance,
                            incumbentOverall.f1());
        }
        List<SliceMetrics> metrics = new ArrayList<>();
        for (EvalSlice slice : slices) {
            EvalScores c = candidate.apply(slice);
            EvalScores i = incumbent.apply(slice);
            Double ref = slice.regression() ? reference.get(slice.name()) : null;
            boolean gated = slice.size() >= sliceMinSize;
            metrics.add(new SliceMetrics(slice.name(), metricsOf(c, i, slice.size()), ref, gated));
            if (rejection != null || !gated) {
                continue;
            }
            if (c.exactMatch() < i.exactMatch() - sliceTolerance) {
                rejection = sliceRejection(slice, c, "the incumbent's", i.exactMatch());
            } else if (ref != null && c.exactMatch() < ref - sliceTolerance) {
                rejection = sliceRejection(slice, c, "version " + referenceVersion + "'s", ref);
            }
        }
        return new Verdict(
                metricsOf(candidateOverall, incumbentOverall, overall.size()), metrics, rejection);
    }

    private String sliceRejection(EvalSlice slice, EvalScores candidate, String whose, double em) {
        return String.format(
                Locale.ROOT,
                "slice %s (%d examples): candidate EM %.1f is more than %s below %s %.1f",
                slice.name(),
                slice.size(),
                candidate.exactMatch(),
                sliceTolerance,
                whose,
                em);
    }

    private static EvalMetrics metricsOf(EvalScores candidate, EvalScores incumbent, int size) {
        return new EvalMetrics(
                candidate.exactMatch(),
                candidate.f1(),
                incumbent.exactMatch(),
                incumbent.f1(),
                size);
    }
}
