package io.spanloop.qa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Expected values follow the official evaluate-v2.0.py. */
class SquadMetricsTest {

    @Test
    void shouldNormalizeLikeTheOfficialScript() {
        assertThat(SquadMetrics.normalize("The  Eiffel Tower!")).isEqualTo("eiffel tower");
        assertThat(SquadMetrics.normalize("an apple, a pear & the plum."))
                .isEqualTo("apple pear plum");
        // articles only as whole words; punctuation goes before articles are matched
        assertThat(SquadMetrics.normalize("Theatre and anthem")).isEqualTo("theatre and anthem");
        assertThat(SquadMetrics.normalize("the-end")).isEqualTo("theend");
        assertThat(SquadMetrics.normalize("(a) b")).isEqualTo("b");
        assertThat(SquadMetrics.normalize("Zürich\u00a0 Straße\t")).isEqualTo("zürich straße");
        assertThat(SquadMetrics.normalize("  ")).isEmpty();
    }

    @Test
    void shouldMatchExactlyAfterNormalization() {
        assertThat(SquadMetrics.exactMatch("the Denver Broncos", List.of("Denver Broncos")))
                .isEqualTo(1.0);
        assertThat(SquadMetrics.exactMatch("Denver Broncos.", List.of("denver broncos")))
                .isEqualTo(1.0);
        assertThat(SquadMetrics.exactMatch("Denver", List.of("Denver Broncos"))).isEqualTo(0.0);
    }

    @Test
    void shouldScoreTheBestOfSeveralGoldAnswers() {
        List<String> golds = List.of("Santa Clara, California", "Levi's Stadium", "Santa Clara");
        assertThat(SquadMetrics.exactMatch("Levi's Stadium", golds)).isEqualTo(1.0);
        // "Santa Clara" vs "Santa Clara, California": P = 2/2, R = 2/3 -> 0.8; vs "Santa Clara": 1
        assertThat(SquadMetrics.f1("Santa Clara", golds)).isEqualTo(1.0);
        assertThat(SquadMetrics.f1("in Santa Clara", golds))
                .isCloseTo(2 * (2.0 / 3) * 1.0 / (2.0 / 3 + 1.0), within(1e-12));
    }

    @Test
    void shouldGivePartialCreditForOverlappingTokens() {
        // prediction 4 tokens, gold 3 tokens, 2 shared: P = 1/2, R = 2/3, F1 = 4/7
        assertThat(SquadMetrics.f1("the big red fox jumps", List.of("red fox sleeps")))
                .isCloseTo(4.0 / 7, within(1e-12));
        // repeated tokens count only as often as the gold has them: P = 1/3, R = 1, F1 = 1/2
        assertThat(SquadMetrics.f1("paris paris paris", List.of("Paris")))
                .isCloseTo(0.5, within(1e-12));
        assertThat(SquadMetrics.f1("rome", List.of("Paris"))).isZero();
    }

    @Test
    void shouldScoreNoAnswerAsEmptyStrings() {
        // unanswerable: no gold answers (SQuAD 2.0) -> only the empty prediction scores
        assertThat(SquadMetrics.exactMatch("", List.of())).isEqualTo(1.0);
        assertThat(SquadMetrics.f1("", List.of())).isEqualTo(1.0);
        assertThat(SquadMetrics.exactMatch("Paris", List.of())).isEqualTo(0.0);
        assertThat(SquadMetrics.f1("Paris", List.of())).isEqualTo(0.0);
        // answerable, but the model said "no answer"
        assertThat(SquadMetrics.exactMatch("", List.of("Paris"))).isEqualTo(0.0);
        assertThat(SquadMetrics.f1("", List.of("Paris"))).isEqualTo(0.0);
        // a prediction of only an article or punctuation normalizes to "no answer"
        assertThat(SquadMetrics.f1("the", List.of())).isEqualTo(1.0);
        // gold answers normalizing to nothing are dropped, as the official script does
        assertThat(SquadMetrics.exactMatch("", List.of("a", "."))).isEqualTo(1.0);
    }
}
