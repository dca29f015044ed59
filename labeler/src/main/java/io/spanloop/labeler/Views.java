package io.spanloop.labeler;

import io.spanloop.events.Answer;
import io.spanloop.events.Correction;
import io.spanloop.events.EvalMetrics;
import io.spanloop.events.ModelVersion;
import io.spanloop.events.ScoredSpan;
import io.spanloop.events.Span;
import io.spanloop.events.TokenScores;
import io.spanloop.schemas.ProbabilityBytes;
import java.util.List;

/** The JSON shapes of the labeler API. */
final class Views {

    private Views() {}

    record SpanView(int start, int end, String text, Double score) {
        static SpanView of(ScoredSpan span) {
            return span == null
                    ? null
                    : new SpanView(span.getStart(), span.getEnd(), span.getText(), span.getScore());
        }

        static SpanView of(Span span) {
            return span == null
                    ? null
                    : new SpanView(span.getStart(), span.getEnd(), span.getText(), null);
        }
    }

    record ReviewView(
            String verdict,
            Integer start,
            Integer end,
            String text,
            String annotator,
            String correctedAt) {
        static ReviewView of(Correction correction) {
            if (correction == null) {
                return null;
            }
            Span span = correction.getSpan();
            return new ReviewView(
                    correction.getVerdict().name(),
                    span == null ? null : span.getStart(),
                    span == null ? null : span.getEnd(),
                    span == null ? null : span.getText(),
                    correction.getAnnotator(),
                    correction.getCorrectedAt().toString());
        }
    }

    record ItemView(
            String questionId,
            String question,
            String context,
            SpanView best,
            List<SpanView> candidates,
            double noAnswerScore,
            String modelName,
            long modelVersion,
            String answeredAt,
            double uncertainty,
            ReviewView review,
            TokenScoresView tokenScores) {
        static ItemView of(Answer answer, double uncertainty, Correction review) {
            return new ItemView(
                    answer.getQuestionId(),
                    answer.getQuestion(),
                    answer.getContext(),
                    SpanView.of(answer.getBest()),
                    answer.getCandidates().stream().map(SpanView::of).toList(),
                    answer.getNoAnswerScore(),
                    answer.getModelName(),
                    answer.getModelVersion(),
                    answer.getAnsweredAt().toString(),
                    uncertainty,
                    ReviewView.of(review),
                    TokenScoresView.of(answer.getTokenScores()));
        }
    }

    /**
     * Each context token's UTF-16 offsets and the model's probability (0..1, 3 decimals: the wire
     * keeps one byte) that the answer starts or ends there; null when the answer has none.
     */
    record TokenScoresView(
            List<Integer> starts,
            List<Integer> ends,
            double[] startProbabilities,
            double[] endProbabilities) {
        static TokenScoresView of(TokenScores scores) {
            return scores == null
                    ? null
                    : new TokenScoresView(
                            scores.getStarts(),
                            scores.getEnds(),
                            rounded(ProbabilityBytes.decode(scores.getStartProbabilities())),
                            rounded(ProbabilityBytes.decode(scores.getEndProbabilities())));
        }

        private static double[] rounded(double[] probabilities) {
            for (int i = 0; i < probabilities.length; i++) {
                probabilities[i] = Math.round(probabilities[i] * 1000) / 1000.0;
            }
            return probabilities;
        }
    }

    record QueuePage(int total, List<ItemView> items) {}

    record StatusView(
            String annotator,
            int queueLength,
            long reviewedToday,
            long reviewedTodayByMe,
            String modelName,
            Long modelVersion,
            TrainingView lastTraining) {}

    /** The last model-version event: how the candidate did overall and on each slice. */
    record TrainingView(
            String modelName,
            long version,
            String status,
            String reason,
            SliceView overall,
            List<SliceView> slices) {
        static TrainingView of(ModelVersion event) {
            if (event == null) {
                return null;
            }
            return new TrainingView(
                    event.getModelName(),
                    event.getVersion(),
                    event.getStatus().name(),
                    event.getReason(),
                    SliceView.of("labels", event.getMetrics(), null, true),
                    event.getSlices().stream()
                            .map(
                                    s ->
                                            SliceView.of(
                                                    s.getSlice(),
                                                    s.getMetrics(),
                                                    s.getReferenceExactMatch(),
                                                    s.getGated()))
                            .toList());
        }
    }

    /** Candidate and incumbent exact match on one slice (0..100), and its size. */
    record SliceView(
            String slice,
            double candidateExactMatch,
            Double incumbentExactMatch,
            Double referenceExactMatch,
            int size,
            boolean gated) {
        static SliceView of(String name, EvalMetrics metrics, Double reference, boolean gated) {
            return new SliceView(
                    name,
                    metrics.getCandidateExactMatch(),
                    metrics.getIncumbentExactMatch(),
                    reference,
                    metrics.getEvalSize(),
                    gated);
        }
    }

    /** {@code admin}: whether the annotator may promote, pin and unpin model versions. */
    record SessionView(String annotator, String csrfToken, boolean admin) {}

    record Recorded(
            String questionId, String verdict, String annotator, int partition, long offset) {}

    record Error(String error) {}
}
