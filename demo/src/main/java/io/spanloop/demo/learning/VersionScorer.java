package io.spanloop.demo.learning;

import io.spanloop.demo.domain.DemoEvaluation;
import io.spanloop.qa.DjlQaModel;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.QaPredictor;
import java.nio.file.Path;

/**
 * Scores a model version from the store on the demo's held-out questions, as the answerer runs it.
 */
final class VersionScorer {

    /** Seed of the held-out questions: every version is scored on the same ones. */
    static final long EVALUATION_SEED = 1011;

    private final DemoEvaluation evaluation = new DemoEvaluation(EVALUATION_SEED);

    DemoEvaluation.Scores score(Path versionDir) {
        try (DjlQaModel model = DjlQaModel.load(ModelDirectory.open(versionDir));
                QaPredictor predictor = model.newPredictor()) {
            return evaluation.evaluate(predictor);
        }
    }
}
