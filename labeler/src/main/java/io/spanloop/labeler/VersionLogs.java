package io.spanloop.labeler;

import io.spanloop.config.KafkaConnection;
import io.spanloop.events.ModelVersion;
import io.spanloop.schemas.Topic;
import io.spanloop.versions.VersionLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every model's events on the model-versions topic, in topic order, as the labeler follows it: the
 * Models page's versions, and what promote, pin and unpin are checked against. Each read folds a
 * fresh {@link VersionLog}, the rule every reader of the topic applies.
 */
final class VersionLogs implements AutoCloseable {

    private final Map<String, List<ModelVersion>> eventsByModel = new TreeMap<>();
    private final TopicFollower<ModelVersion> follower;

    VersionLogs(KafkaConnection kafka, Topic<String, ModelVersion> topic) {
        this.follower =
                new TopicFollower<>(
                        kafka,
                        topic,
                        "spanloop-labeler-model-versions",
                        (key, event) -> add(event));
    }

    void start() {
        follower.start();
    }

    private synchronized void add(ModelVersion event) {
        eventsByModel.computeIfAbsent(event.getModelName(), m -> new ArrayList<>()).add(event);
    }

    /** The models with at least one event. */
    synchronized List<String> modelNames() {
        return List.copyOf(eventsByModel.keySet());
    }

    /** Whether {@code modelName} has any event on the topic (as read so far). */
    synchronized boolean knows(String modelName) {
        return eventsByModel.containsKey(modelName);
    }

    /** The log of {@code modelName} folded from the events read so far. */
    synchronized VersionLog log(String modelName) {
        return VersionLog.of(modelName, eventsByModel.getOrDefault(modelName, List.of()));
    }

    /** Whether every event committed before this call has been read, within {@code timeout}. */
    boolean awaitCaughtUp(Duration timeout) {
        return follower.awaitCaughtUp(timeout);
    }

    /** Whether the topic has been read once up to where it ended when the labeler started. */
    boolean loaded() {
        return follower.loaded();
    }

    String topic() {
        return follower.topic();
    }

    @Override
    public void close() {
        follower.close();
    }
}
