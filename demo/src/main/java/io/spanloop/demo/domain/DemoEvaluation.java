package io.spanloop.demo.domain;

import io.spanloop.qa.EvalScores;
import io.spanloop.qa.QaEvaluator;
import io.spanloop.qa.QaPredictor;
import io.spanloop.qa.TrainingExample;
import java.util.List;
import java.util.Map;

/**
 * The demo's yardstick: questions about held-out towns (never trained on, never labelled), for the
 * facts the base model knew, the facts it did not, and the held-out paraphrase templates of all
 * facts. Fixed for a seed, so every model version is measured on the same questions.
 */
public final class DemoEvaluation {

    /** Held-out towns per evaluation. */
    public static final int TOWNS = 40;

    private final List<TrainingExample> known;
    private final List<TrainingExample> unseen;
    private final List<TrainingExample> paraphrases;

    /** Scores of one model. */
    public record Scores(EvalScores known, EvalScores unseen, EvalScores paraphrases) {}

    public DemoEvaluation(long seed) {
        List<DemoDomain.Town> towns = DemoDomain.towns(TOWNS, seed, true);
        known = examples(DemoDomain.questions(towns, FactType.known(), false, seed, "ek"));
        unseen = examples(DemoDomain.questions(towns, FactType.unseen(), false, seed, "eu"));
        paraphrases =
                examples(DemoDomain.questions(towns, List.of(FactType.values()), true, seed, "ep"));
    }

    /** Scores a model through the serving path (windows, batched forward, span decoding). */
    public Scores evaluate(QaPredictor predictor) {
        return new Scores(
                QaEvaluator.evaluate(predictor, known, Map.of()),
                QaEvaluator.evaluate(predictor, unseen, Map.of()),
                QaEvaluator.evaluate(predictor, paraphrases, Map.of()));
    }

    private static List<TrainingExample> examples(List<DemoQuestion> questions) {
        return questions.stream().map(DemoQuestion::example).toList();
    }
}
