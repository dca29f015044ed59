package io.spanloop.schemas;

/**
 * The part a topic plays in the system, with the setting that names it in a service's config and
 * the name it has in a standard deployment.
 */
public enum TopicRole {
    /** Questions in, written by any producer. */
    QUESTIONS("topic.questions", "qa.questions"),
    /** Answers out, written only by the answerer. */
    ANSWERS("topic.answers", "qa.answers"),
    /** Corrections, written only by the labeler. */
    FEEDBACK("topic.feedback", "qa.feedback"),
    /** Model versions, written only by the retrainer. */
    MODEL_VERSIONS("topic.model.versions", "qa.model-versions"),
    /** Questions the answerer could not process (original bytes, reason in headers). */
    QUESTIONS_DLQ("topic.questions.dlq", "qa.questions.dlq"),
    /** The retrainer's current training per model (compacted), written only by the retrainer. */
    TRAINING_PROGRESS("topic.training.progress", "qa.training-progress");

    private final String configKey;
    private final String defaultName;

    TopicRole(String configKey, String defaultName) {
        this.configKey = configKey;
        this.defaultName = defaultName;
    }

    /** The service setting that names this topic, e.g. {@code topic.feedback}. */
    public String configKey() {
        return configKey;
    }

    /** The topic's name in a standard deployment, e.g. {@code qa.feedback}. */
    public String defaultName() {
        return defaultName;
    }
}
