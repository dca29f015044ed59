package io.spanloop.qa;

import java.util.List;
import java.util.Map;

/**
 * Questions read from a SQuAD JSON file.
 *
 * @param examples one training example per usable question, in file order, answered by the first
 *     gold answer whose offset checks out (or "no answer" for impossible questions)
 * @param goldAnswers every gold answer text per question id (empty for impossible questions), for
 *     evaluation with {@link SquadMetrics}
 * @param problems what was skipped or corrected, one line each, naming the question id
 */
public record SquadDataset(
        List<TrainingExample> examples,
        Map<String, List<String>> goldAnswers,
        List<String> problems) {

    public SquadDataset {
        examples = List.copyOf(examples);
        goldAnswers = Map.copyOf(goldAnswers);
        problems = List.copyOf(problems);
    }
}
