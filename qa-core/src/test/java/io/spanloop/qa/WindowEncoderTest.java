package io.spanloop.qa;

import static org.assertj.core.api.Assertions.assertThat;

import io.spanloop.qa.testing.TinyModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WindowEncoderTest {

    @TempDir static Path store;
    private static QaTokenizer tokenizer;
    private static ModelConfig config;

    @BeforeAll
    static void loadTokenizer() {
        ModelDirectory model = TinyModel.copyTo(store, 1);
        config = model.config();
        tokenizer = new QaTokenizer(model.tokenizerFile(), config);
    }

    @AfterAll
    static void closeTokenizer() {
        tokenizer.close();
    }

    private static String words(int n) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < n; i++) {
            text.append(i % 2 == 0 ? "paris " : "rome ");
        }
        return text.toString().trim();
    }

    @Test
    void shouldLayOutClsQuestionSepContextSepWithTokenTypes() {
        EncodedQuestion encoded =
                new WindowEncoder(tokenizer, config)
                        .encode(new QaInput("what city", "paris is a city"));
        assertThat(encoded.windows()).hasSize(1);
        Window window = encoded.windows().get(0);
        // [CLS] what city [SEP] paris is a city [SEP]
        assertThat(window.length()).isEqualTo(1 + 2 + 1 + 4 + 1);
        assertThat(window.inputIds()[0]).isEqualTo(tokenizer.clsId());
        assertThat(window.inputIds()[3]).isEqualTo(tokenizer.sepId());
        assertThat(window.inputIds()[8]).isEqualTo(tokenizer.sepId());
        assertThat(window.contextOffset()).isEqualTo(4);
        assertThat(window.contextLength()).isEqualTo(4);
        assertThat(window.typeIds()).containsExactly(0, 0, 0, 0, 1, 1, 1, 1, 1);
        assertThat(Arrays.copyOfRange(window.inputIds(), 4, 8))
                .containsExactly(encoded.context().ids());
    }

    @Test
    void shouldSlideOverLongContextsWithTheConfiguredOverlap() {
        // Given: 300 context tokens, 128-token windows, a 2-token question, stride 32
        EncodedQuestion encoded =
                new WindowEncoder(tokenizer, config).encode(new QaInput("what city", words(300)));
        List<Window> windows = encoded.windows();
        int perWindow = config.maxSeqLength() - 2 - 3;
        // Then: every window full-length but the last, overlapping by the stride, covering all
        assertThat(windows.size()).isGreaterThan(2);
        for (int i = 0; i < windows.size(); i++) {
            Window window = windows.get(i);
            assertThat(window.length()).isLessThanOrEqualTo(config.maxSeqLength());
            if (i > 0) {
                Window previous = windows.get(i - 1);
                int previousEnd = previous.firstContextToken() + previous.contextLength();
                assertThat(previousEnd - window.firstContextToken()).isEqualTo(config.stride());
            }
            if (i < windows.size() - 1) {
                assertThat(window.contextLength()).isEqualTo(perWindow);
            }
        }
        Window last = windows.get(windows.size() - 1);
        assertThat(last.firstContextToken() + last.contextLength()).isEqualTo(300);
    }

    @Test
    void shouldGiveEachContextTokenMaxContextInExactlyOneWindow() {
        EncodedQuestion encoded =
                new WindowEncoder(tokenizer, config).encode(new QaInput("what city", words(300)));
        int[] owners = new int[300];
        for (Window window : encoded.windows()) {
            for (int i = 0; i < window.contextLength(); i++) {
                if (window.maxContext()[i]) {
                    owners[window.firstContextToken() + i]++;
                }
            }
        }
        assertThat(owners).containsOnly(1);
    }

    @Test
    void shouldCutOnlyTheQuestionBeyondItsMaximumLength() {
        String longQuestion = words(100);
        EncodedQuestion encoded =
                new WindowEncoder(tokenizer, config)
                        .encode(new QaInput(longQuestion, "paris is a city"));
        Window window = encoded.windows().get(0);
        assertThat(window.contextOffset()).isEqualTo(1 + config.maxQueryLength() + 1);
        assertThat(window.contextLength()).isEqualTo(4);
    }

    @Test
    void shouldMakeOneWindowWithoutContextTokensForAnEmptyContext() {
        EncodedQuestion encoded =
                new WindowEncoder(tokenizer, config).encode(new QaInput("what", ""));
        assertThat(encoded.windows()).hasSize(1);
        assertThat(encoded.windows().get(0).contextLength()).isZero();
    }
}
