package io.spanloop.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TopicNamesTest {

    @Test
    void shouldNameTheStandardTopicsByDefault() {
        // Given / When
        TopicNames names = TopicNames.DEFAULT;

        // Then
        assertThat(names.all())
                .containsExactly(
                        "qa.questions",
                        "qa.answers",
                        "qa.feedback",
                        "qa.model-versions",
                        "qa.questions.dlq",
                        "qa.training-progress");
    }

    @Test
    void shouldPrefixEveryDefaultName() {
        // Given
        String prefix = "it-7.";

        // When
        TopicNames names = TopicNames.withPrefix(prefix);

        // Then
        assertThat(names.questions()).isEqualTo("it-7.qa.questions");
        assertThat(names.answers()).isEqualTo("it-7.qa.answers");
        assertThat(names.feedback()).isEqualTo("it-7.qa.feedback");
        assertThat(names.modelVersions()).isEqualTo("it-7.qa.model-versions");
        assertThat(names.questionsDlq()).isEqualTo("it-7.qa.questions.dlq");
        assertThat(names.trainingProgress()).isEqualTo("it-7.qa.training-progress");
    }

    @Test
    void shouldRenameOneTopicAndKeepTheOthers() {
        // When
        TopicNames names = TopicNames.DEFAULT.with(TopicRole.FEEDBACK, "labels");

        // Then
        assertThat(names.feedback()).isEqualTo("labels");
        assertThat(names.name(TopicRole.FEEDBACK)).isEqualTo("labels");
        assertThat(names.questions()).isEqualTo("qa.questions");
        assertThat(TopicNames.DEFAULT.feedback()).isEqualTo("qa.feedback");
    }

    @Test
    void shouldRejectBlankOrDuplicateNames() {
        assertThatThrownBy(() -> TopicNames.DEFAULT.with(TopicRole.FEEDBACK, " "))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TopicNames.DEFAULT.with(TopicRole.FEEDBACK, "qa.questions"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("distinct");
        assertThatThrownBy(() -> TopicNames.DEFAULT.with(TopicRole.ANSWERS, null))
                .isInstanceOf(NullPointerException.class);
    }
}
