package io.spanloop.labeler;

import io.spanloop.events.Answer;
import io.spanloop.events.ScoredSpan;
import java.util.List;

/** How uncertain the model was about an answer; the review queue shows the most uncertain first. */
public enum QueueOrder {
    /** 1 - probability of the chosen answer (the best span, or "no answer"). */
    SCORE {
        @Override
        double uncertainty(Answer answer) {
            ScoredSpan best = answer.getBest();
            return 1.0 - (best == null ? answer.getNoAnswerScore() : best.getScore());
        }
    },
    /** 1 - the gap between the two most probable outcomes (spans and "no answer"). */
    MARGIN {
        @Override
        double uncertainty(Answer answer) {
            double first = answer.getNoAnswerScore();
            double second = 0.0;
            List<ScoredSpan> candidates = answer.getCandidates();
            for (ScoredSpan span : candidates) {
                double score = span.getScore();
                if (score > first) {
                    second = first;
                    first = score;
                } else if (score > second) {
                    second = score;
                }
            }
            return 1.0 - (first - second);
        }
    };

    abstract double uncertainty(Answer answer);
}
