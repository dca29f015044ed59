package io.spanloop.qa;

import java.util.List;
import java.util.Map;

/**
 * Scores a model on labelled examples with the official SQuAD measures, through the normal
 * inference path (windows, batched forward passes, span decoding), so evaluation sees exactly what
 * serving would. A question the model answers with "no answer" is scored as the prediction {@code
 * ""}.
 */
public final class QaEvaluator {

    /** Questions answered per predictor call. */
    static final int BATCH_SIZE = 16;

    private QaEvaluator() {}

    /**
     * Evaluates a loaded version.
     *
     * @param goldAnswers every acceptable answer text per question id; a question missing from it
     *     is scored against its example's own answer
     */
    public static EvalScores evaluate(
            QaModel model, List<TrainingExample> examples, Map<String, List<String>> goldAnswers) {
        try (QaPredictor predictor = model.newPredictor()) {
            return evaluate(predictor, examples, goldAnswers);
        }
    }

    /** Evaluates a fine-tuned model still in memory. */
    public static EvalScores evaluate(
            TrainedModel model,
            List<TrainingExample> examples,
            Map<String, List<String>> goldAnswers) {
        try (QaPredictor predictor = model.newPredictor()) {
            return evaluate(predictor, examples, goldAnswers);
        }
    }

    /** Evaluates with a predictor the caller owns (and closes). */
    public static EvalScores evaluate(
            QaPredictor predictor,
            List<TrainingExample> examples,
            Map<String, List<String>> goldAnswers) {
        double exact = 0;
        double f1 = 0;
        for (int from = 0; from < examples.size(); from += BATCH_SIZE) {
            List<TrainingExample> batch =
                    examples.subList(from, Math.min(from + BATCH_SIZE, examples.size()));
            List<QaResult> results =
                    predictor.answer(batch.stream().map(TrainingExample::input).toList());
            for (int i = 0; i < batch.size(); i++) {
                TrainingExample example = batch.get(i);
                String prediction = results.get(i).bestSpan().map(AnswerSpan::text).orElse("");
                List<String> golds = goldAnswers.get(example.id());
                if (golds == null) {
                    golds = example.hasAnswer() ? List.of(example.answerText()) : List.of();
                }
                exact += SquadMetrics.exactMatch(prediction, golds);
                f1 += SquadMetrics.f1(prediction, golds);
            }
        }
        int count = examples.size();
        return count == 0
                ? new EvalScores(0, 0, 0)
                : new EvalScores(percent(exact, count), percent(f1, count), count);
    }

    private static double percent(double sum, int count) {
        return Math.min(100.0, 100.0 * sum / count);
    }
}
