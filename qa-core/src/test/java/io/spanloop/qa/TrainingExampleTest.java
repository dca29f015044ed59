package io.spanloop.qa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TrainingExampleTest {

    @Test
    void shouldGiveTheAnswerTextByStringIndices() {
        String context = "Party 🎉 in Paris";
        int start = context.indexOf("Paris");
        TrainingExample example =
                TrainingExample.answered("q1", "Where?", context, start, start + 5);
        assertThat(example.hasAnswer()).isTrue();
        assertThat(example.answerText()).isEqualTo("Paris");
        assertThat(TrainingExample.unanswerable("q2", "Where?", context).answerText()).isEmpty();
    }

    @Test
    void shouldRefuseSpansOutsideTheContextOrHalfSet() {
        assertThatThrownBy(() -> new TrainingExample("q", "Q?", "abc", 1, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TrainingExample("q", "Q?", "abc", -1, 2))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TrainingExample("q", "Q?", "abc", 1, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3-char context");
        assertThatThrownBy(() -> new TrainingExample("q", "Q?", "abc", 1, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("both");
    }
}
