package io.spanloop.schemas;

import io.spanloop.events.Answer;
import io.spanloop.events.Correction;
import io.spanloop.events.ModelVersion;
import io.spanloop.events.Question;
import io.spanloop.events.TrainingProgress;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The immutable catalogue of the system's topics: each a {@link Topic} with its name and serdes.
 * Keys are strings (the question id, or the model name for model versions).
 */
public final class Topics {

    private final TopicNames names;
    private final Topic<String, Question> questions;
    private final Topic<String, Answer> answers;
    private final Topic<String, Correction> feedback;
    private final Topic<String, ModelVersion> modelVersions;
    private final Topic<byte[], byte[]> questionsDlq;
    private final Topic<String, TrainingProgress> trainingProgress;

    private Topics(TopicNames names, AvroSerdes serdes) {
        this.names = names;
        this.questions =
                new Topic<>(names.questions(), Serdes.String(), serdes.valueSerde(Question.class));
        this.answers =
                new Topic<>(names.answers(), Serdes.String(), serdes.valueSerde(Answer.class));
        this.feedback =
                new Topic<>(names.feedback(), Serdes.String(), serdes.valueSerde(Correction.class));
        this.modelVersions =
                new Topic<>(
                        names.modelVersions(),
                        Serdes.String(),
                        serdes.valueSerde(ModelVersion.class));
        this.questionsDlq =
                new Topic<>(names.questionsDlq(), Serdes.ByteArray(), Serdes.ByteArray());
        this.trainingProgress =
                new Topic<>(
                        names.trainingProgress(),
                        Serdes.String(),
                        serdes.valueSerde(TrainingProgress.class));
    }

    /** The catalogue for {@code names}, with Avro values through {@code serdes}. */
    public static Topics of(TopicNames names, AvroSerdes serdes) {
        Objects.requireNonNull(names, "names");
        Objects.requireNonNull(serdes, "serdes");
        return new Topics(names, serdes);
    }

    /** The names this catalogue was built from. */
    public TopicNames names() {
        return names;
    }

    /** Questions in (key: question id). */
    public Topic<String, Question> questions() {
        return questions;
    }

    /** Answers out, written only by the answerer (key: question id). */
    public Topic<String, Answer> answers() {
        return answers;
    }

    /** Corrections, written only by the labeler (key: question id; latest wins). */
    public Topic<String, Correction> feedback() {
        return feedback;
    }

    /** Trained model versions, written only by the retrainer (key: model name). */
    public Topic<String, ModelVersion> modelVersions() {
        return modelVersions;
    }

    /**
     * Questions that could not be answered: the original key and value bytes, reason in headers.
     */
    public Topic<byte[], byte[]> questionsDlq() {
        return questionsDlq;
    }

    /**
     * The retrainer's progress reports (key: model name; compacted, so the latest report per model
     * is its current or last training run).
     */
    public Topic<String, TrainingProgress> trainingProgress() {
        return trainingProgress;
    }
}
