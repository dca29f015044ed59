package io.spanloop.qa;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SpanBoundariesTest {

    private static final String PARTY = "Party 🎉 in Paris"; // the emoji is [6, 8)
    private static final String CAFE = "Cafe\u0301 Noir"; // e + combining acute at [3, 5)

    @Test
    void shouldAcceptSpansOnCharacterBoundaries() {
        assertThat(SpanBoundaries.problem(PARTY, 6, 8)).isEmpty();
        assertThat(SpanBoundaries.problem(PARTY, 12, 17)).isEmpty();
        assertThat(SpanBoundaries.problem(PARTY, 0, PARTY.length())).isEmpty();
        assertThat(SpanBoundaries.problem(CAFE, 0, 5)).isEmpty();
        assertThat(SpanBoundaries.problem(CAFE, 6, 10)).isEmpty();
    }

    @Test
    void shouldRefuseEitherEndInsideASurrogatePair() {
        assertThat(SpanBoundaries.problem(PARTY, 7, 12))
                .hasValueSatisfying(p -> assertThat(p).contains("start 7").contains("U+1F389"));
        assertThat(SpanBoundaries.problem(PARTY, 0, 7))
                .hasValueSatisfying(p -> assertThat(p).contains("end 7").contains("U+1F389"));
    }

    @Test
    void shouldRefuseCuttingACombiningMarkFromItsLetter() {
        assertThat(SpanBoundaries.problem(CAFE, 0, 4))
                .hasValueSatisfying(p -> assertThat(p).contains("end 4").contains("U+0301"));
        assertThat(SpanBoundaries.problem(CAFE, 4, 10))
                .hasValueSatisfying(p -> assertThat(p).contains("start 4").contains("U+0301"));
    }

    @Test
    void shouldRefuseSpansOutsideTheTextOrEmpty() {
        assertThat(SpanBoundaries.problem(PARTY, -1, 3)).isPresent();
        assertThat(SpanBoundaries.problem(PARTY, 3, PARTY.length() + 1)).isPresent();
        assertThat(SpanBoundaries.problem(PARTY, 3, 3))
                .hasValueSatisfying(p -> assertThat(p).contains("0 <= start < end <= 17"));
    }
}
