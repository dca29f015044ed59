package io.spanloop.qa;

import static org.assertj.core.api.Assertions.assertThat;

import io.spanloop.qa.testing.TinyModel;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Token offsets are Java String indices into the original text, whatever the text holds. */
class QaTokenizerOffsetsTest {

    @TempDir static Path store;
    private static QaTokenizer tokenizer;

    @BeforeAll
    static void loadTokenizer() {
        ModelDirectory model = TinyModel.copyTo(store, 1);
        tokenizer = new QaTokenizer(model.tokenizerFile(), model.config());
    }

    @AfterAll
    static void closeTokenizer() {
        tokenizer.close();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "The capital of France is Paris.",
                "Party 🎉 time: the king 👑 of Paris",
                "😀😀 emoji first, then paris",
                "東京は日本の首都です and tokyo",
                "Café crème at the café in Zürich",
                "Cafe\u0301 with a combining accent, then paris",
                "line one\r\nline two\r\n\r\nparis",
                "tabs\tand  double  spaces  and\u00a0nbsp",
                "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 math letters and 𠀀 beyond the BMP"
            })
    void shouldGiveEveryTokenOffsetsInsideTheOriginalString(String text) {
        TokenizedText tokens = tokenizer.tokenize(text);
        assertThat(tokens.size()).isPositive();
        int previousEnd = 0;
        for (int i = 0; i < tokens.size(); i++) {
            int start = tokens.starts()[i];
            int end = tokens.ends()[i];
            assertThat(start).isBetween(previousEnd, text.length());
            assertThat(end).isBetween(start + 1, text.length());
            // never inside a surrogate pair
            assertThat(Character.isLowSurrogate(text.charAt(start))).isFalse();
            if (end < text.length()) {
                assertThat(Character.isLowSurrogate(text.charAt(end))).isFalse();
            }
            assertThat(text.substring(start, end)).isNotBlank();
            previousEnd = end;
        }
    }

    @Test
    void shouldPointAtTheWordAfterAnEmoji() {
        String text = "😀 paris";
        TokenizedText tokens = tokenizer.tokenize(text);
        int last = tokens.size() - 1;
        assertThat(text.substring(tokens.starts()[last], tokens.ends()[last])).isEqualTo("paris");
        assertThat(tokens.starts()[last]).isEqualTo(3);
    }

    @Test
    void shouldCoverAWordWithItsCombiningAccent() {
        String text = "Cafe\u0301 paris";
        TokenizedText tokens = tokenizer.tokenize(text);
        int last = tokens.size() - 1;
        assertThat(text.substring(tokens.starts()[last], tokens.ends()[last])).isEqualTo("paris");
        assertThat(text.substring(tokens.starts()[0], tokens.ends()[last - 1]))
                .isEqualTo("Cafe\u0301");
    }

    @Test
    void shouldSplitCjkIntoCharactersWithExactOffsets() {
        String text = "東京 paris";
        TokenizedText tokens = tokenizer.tokenize(text);
        assertThat(text.substring(tokens.starts()[0], tokens.ends()[0])).isEqualTo("東");
        assertThat(text.substring(tokens.starts()[1], tokens.ends()[1])).isEqualTo("京");
    }

    @Test
    void shouldSkipCarriageReturnsAndNewlines() {
        String text = "paris\r\nrome";
        TokenizedText tokens = tokenizer.tokenize(text);
        assertThat(tokens.size()).isEqualTo(2);
        assertThat(text.substring(tokens.starts()[1], tokens.ends()[1])).isEqualTo("rome");
        assertThat(tokens.starts()[1]).isEqualTo(7);
    }
}
