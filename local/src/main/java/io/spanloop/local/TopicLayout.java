package io.spanloop.local;

import io.spanloop.schemas.TopicNames;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The topics of a single-broker deployment: the local run creates them, and compose.yaml's {@code
 * topics} step creates the same ones (a test keeps them equal).
 */
public final class TopicLayout {

    private TopicLayout() {}

    public static List<NewTopic> singleBroker(TopicNames names) {
        return List.of(
                new NewTopic(names.questions(), 2, (short) 1),
                new NewTopic(names.answers(), 2, (short) 1),
                new NewTopic(names.questionsDlq(), 1, (short) 1),
                // co-partitioned with the answers (the labeler's review queue)
                new NewTopic(names.feedback(), 2, (short) 1)
                        .configs(Map.of("cleanup.policy", "compact")),
                // every event kept: readers fold a model's whole history into the served version,
                // and compaction by model name would leave only its newest event
                new NewTopic(names.modelVersions(), 1, (short) 1)
                        .configs(
                                Map.of(
                                        "cleanup.policy", "delete",
                                        "retention.ms", "-1",
                                        "retention.bytes", "-1")),
                // the latest progress report per model: the current (or last) training run
                new NewTopic(names.trainingProgress(), 1, (short) 1)
                        .configs(Map.of("cleanup.policy", "compact")));
    }
}
