package io.spanloop.retrainer;

import io.spanloop.qa.DjlQaModel;
import io.spanloop.qa.EvalScores;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.ModelStore;
import io.spanloop.qa.QaEvaluator;
import io.spanloop.qa.QaModelOptions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * Scores of versions on the regression slices (the eval files), each computed once: versions are
 * immutable and the files fixed for the retrainer's run, so the incumbent's and the reference
 * version's scores are reused by every training.
 */
final class RegressionScores {

    private final ModelStore store;
    private final List<EvalSlice> evalFiles;
    private final Map<String, EvalScores> scores = new HashMap<>();

    RegressionScores(ModelStore store, List<EvalSlice> evalFiles) {
        this.store = store;
        this.evalFiles = evalFiles;
    }

    /** A version's scores on a regression slice, computed once; other slices every time. */
    EvalScores scored(ModelDirectory version, EvalSlice slice, Supplier<EvalScores> evaluation) {
        if (!slice.regression()) {
            return evaluation.get();
        }
        return scores.computeIfAbsent(
                version.version() + "/" + slice.name(), k -> evaluation.get());
    }

    /** The reference version's exact match on each eval file (empty when there is none). */
    Map<String, Double> reference(String modelName, OptionalLong reference) {
        if (reference.isEmpty()
                || evalFiles.isEmpty()
                || !store.versions(modelName).contains(reference.getAsLong())) {
            return Map.of();
        }
        ModelDirectory version = store.open(modelName, reference.getAsLong());
        Map<String, Double> exactMatch = new HashMap<>();
        DjlQaModel[] loaded = new DjlQaModel[1];
        try {
            for (EvalSlice slice : evalFiles) {
                EvalScores score =
                        scored(
                                version,
                                slice,
                                () -> {
                                    if (loaded[0] == null) {
                                        loaded[0] =
                                                DjlQaModel.load(version, QaModelOptions.DEFAULTS);
                                    }
                                    return QaEvaluator.evaluate(
                                            loaded[0], slice.examples(), slice.golds());
                                });
                exactMatch.put(slice.name(), score.exactMatch());
            }
        } finally {
            if (loaded[0] != null) {
                loaded[0].close();
            }
        }
        return exactMatch;
    }
}
