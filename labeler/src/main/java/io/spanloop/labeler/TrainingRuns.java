package io.spanloop.labeler;

import io.spanloop.config.KafkaConnection;
import io.spanloop.events.TrainingProgress;
import io.spanloop.schemas.Topic;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The retrainer's latest progress report per model, from the training-progress topic (the labeler
 * never asks the retrainer): the run in progress, or the last one and how it ended.
 */
final class TrainingRuns implements AutoCloseable {

    private final Map<String, TrainingProgress> latest = new TreeMap<>();
    private final TopicFollower<TrainingProgress> follower;

    TrainingRuns(KafkaConnection kafka, Topic<String, TrainingProgress> topic) {
        this.follower =
                new TopicFollower<>(
                        kafka,
                        topic,
                        "spanloop-labeler-training-progress",
                        (key, report) -> add(report));
    }

    void start() {
        follower.start();
    }

    private synchronized void add(TrainingProgress report) {
        latest.put(report.getModelName(), report);
    }

    /** The latest report of each model, by model name. */
    synchronized List<TrainingProgress> latest() {
        return List.copyOf(latest.values());
    }

    @Override
    public void close() {
        follower.close();
    }
}
