package io.spanloop.retrainer;

import io.spanloop.qa.TrainingExample;
import java.util.List;
import java.util.Map;

/**
 * A named part of the evaluation: examples scored together, each with its acceptable answers.
 *
 * @param name e.g. {@code labels} (the held-out labels), {@code file:demo-known} (an eval file of
 *     what the model must keep knowing), {@code labels@v3} (the held-out labels version 3's
 *     training introduced)
 * @param examples the questions with their contexts
 * @param golds every acceptable answer text per question id
 * @param regression whether it is a fixed set the model must keep knowing (an eval file), which is
 *     also held against the reference version
 */
record EvalSlice(
        String name,
        List<TrainingExample> examples,
        Map<String, List<String>> golds,
        boolean regression) {

    EvalSlice {
        examples = List.copyOf(examples);
        golds = Map.copyOf(golds);
    }

    int size() {
        return examples.size();
    }
}
