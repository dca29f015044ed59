package io.spanloop.schemas;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The names of the system's topics, one per {@link TopicRole}: {@link #DEFAULT} in production,
 * {@link #withPrefix(String)} for isolated deployments and tests, {@link #with(TopicRole, String)}
 * for a deployment that renames some of them. Every name is present, not blank, and distinct.
 */
public final class TopicNames {

    /** The topic names of a standard deployment. */
    public static final TopicNames DEFAULT = withPrefix("");

    private final Map<TopicRole, String> names;

    private TopicNames(Map<TopicRole, String> names) {
        for (TopicRole role : TopicRole.values()) {
            String name = Objects.requireNonNull(names.get(role), () -> role + " topic name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("the " + role + " topic name must not be blank");
            }
        }
        if (names.values().stream().distinct().count() != names.size()) {
            throw new IllegalArgumentException("topic names must be distinct: " + names.values());
        }
        this.names = names;
    }

    /**
     * The default names, each preceded by {@code prefix} (e.g. {@code "it-42."} gives {@code
     * "it-42.qa.questions"}).
     */
    public static TopicNames withPrefix(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        Map<TopicRole, String> names = new EnumMap<>(TopicRole.class);
        for (TopicRole role : TopicRole.values()) {
            names.put(role, prefix + role.defaultName());
        }
        return new TopicNames(names);
    }

    /** These names with the topic of {@code role} named {@code name}. */
    public TopicNames with(TopicRole role, String name) {
        Map<TopicRole, String> changed = new EnumMap<>(names);
        changed.put(Objects.requireNonNull(role, "role"), name);
        return new TopicNames(changed);
    }

    /** The name of the topic that plays {@code role}. */
    public String name(TopicRole role) {
        return names.get(role);
    }

    /** Questions in, written by any producer. */
    public String questions() {
        return names.get(TopicRole.QUESTIONS);
    }

    /** Answers out, written only by the answerer. */
    public String answers() {
        return names.get(TopicRole.ANSWERS);
    }

    /** Corrections, written only by the labeler. */
    public String feedback() {
        return names.get(TopicRole.FEEDBACK);
    }

    /** Model versions, written only by the retrainer. */
    public String modelVersions() {
        return names.get(TopicRole.MODEL_VERSIONS);
    }

    /** Questions the answerer could not process (original bytes, reason in headers). */
    public String questionsDlq() {
        return names.get(TopicRole.QUESTIONS_DLQ);
    }

    /** The retrainer's progress reports, the latest per model (compacted). */
    public String trainingProgress() {
        return names.get(TopicRole.TRAINING_PROGRESS);
    }

    /** Every name, in {@link TopicRole} order (e.g. to create the topics). */
    public List<String> all() {
        return Arrays.stream(TopicRole.values()).map(names::get).toList();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TopicNames that && names.equals(that.names);
    }

    @Override
    public int hashCode() {
        return names.hashCode();
    }

    @Override
    public String toString() {
        return "TopicNames" + names;
    }
}
