package io.spanloop.schemas;

import java.util.List;
import java.util.Objects;

/**
 * The names of the system's topics; {@link #DEFAULT} in production, {@link #withPrefix(String)} for
 * isolated deployments and tests.
 *
 * @param questions questions in, written by any producer
 * @param answers answers out, written only by the answerer
 * @param feedback corrections, written only by the labeler
 * @param modelVersions model versions, written only by the retrainer
 * @param questionsDlq questions the answerer could not process (original bytes, reason in headers)
 */
public record TopicNames(
        String questions,
        String answers,
        String feedback,
        String modelVersions,
        String questionsDlq) {

    /** The topic names of a standard deployment. */
    public static final TopicNames DEFAULT =
            new TopicNames(
                    "qa.questions",
                    "qa.answers",
                    "qa.feedback",
                    "qa.model-versions",
                    "qa.questions.dlq");

    /** Validates that every name is present, not blank, and distinct from the others. */
    public TopicNames {
        List<String> names = List.of(questions, answers, feedback, modelVersions, questionsDlq);
        for (String name : names) {
            Objects.requireNonNull(name, "topic name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("topic names must not be blank");
            }
        }
        if (names.stream().distinct().count() != names.size()) {
            throw new IllegalArgumentException("topic names must be distinct: " + names);
        }
    }

    /**
     * The default names, each preceded by {@code prefix} (e.g. {@code "it-42."} gives {@code
     * "it-42.qa.questions"}).
     */
    public static TopicNames withPrefix(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        return new TopicNames(
                prefix + DEFAULT.questions,
                prefix + DEFAULT.answers,
                prefix + DEFAULT.feedback,
                prefix + DEFAULT.modelVersions,
                prefix + DEFAULT.questionsDlq);
    }

    /** Every name, in declaration order (e.g. to create the topics). */
    public List<String> all() {
        return List.of(questions, answers, feedback, modelVersions, questionsDlq);
    }
}
