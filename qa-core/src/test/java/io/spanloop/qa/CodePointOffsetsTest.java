package io.spanloop.qa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CodePointOffsetsTest {

    @Test
    void shouldMapAsciiIndicesToThemselves() {
        CodePointOffsets offsets = new CodePointOffsets("abc");
        assertThat(offsets.toUtf16(0)).isZero();
        assertThat(offsets.toUtf16(3)).isEqualTo(3);
    }

    @Test
    void shouldSkipBothHalvesOfASurrogatePair() {
        // "a😀b": 😀 is one code point but two UTF-16 units
        CodePointOffsets offsets = new CodePointOffsets("a\uD83D\uDE00b");
        assertThat(offsets.toUtf16(1)).isEqualTo(1);
        assertThat(offsets.toUtf16(2)).isEqualTo(3);
        assertThat(offsets.toUtf16(3)).isEqualTo(4);
    }

    @Test
    void shouldRejectIndicesBeyondTheText() {
        CodePointOffsets offsets = new CodePointOffsets("ab");
        assertThatThrownBy(() -> offsets.toUtf16(3)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
