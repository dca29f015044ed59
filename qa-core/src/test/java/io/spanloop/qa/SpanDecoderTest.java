package io.spanloop.qa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Decoding on hand-made logits over a context of single-char tokens "a b c d e f". */
class SpanDecoderTest {

    private static final String CONTEXT = "a b c d e f";
    private static final int TOKENS = 6;
    private static final float LOW = -10f;

    /** Tokens i -> chars [2i, 2i+1). */
    private static TokenizedText contextTokens() {
        long[] ids = new long[TOKENS];
        int[] starts = new int[TOKENS];
        int[] ends = new int[TOKENS];
        for (int i = 0; i < TOKENS; i++) {
            ids[i] = 100 + i;
            starts[i] = 2 * i;
            ends[i] = 2 * i + 1;
        }
        return new TokenizedText(ids, starts, ends);
    }

    /** A window "[CLS] q [SEP] ctx[from..to) [SEP]", context offset 3. */
    private static Window window(int from, int to, boolean[] maxContext) {
        int length = 3 + (to - from) + 1;
        return new Window(new long[length], new long[length], 3, from, to - from, maxContext);
    }

    private static boolean[] all(int n) {
        boolean[] flags = new boolean[n];
        Arrays.fill(flags, true);
        return flags;
    }

    private static float[] logits(int length, int... hot) {
        float[] values = new float[length];
        Arrays.fill(values, LOW);
        for (int i = 0; i < hot.length; i += 2) {
            values[hot[i]] = hot[i + 1];
        }
        return values;
    }

    private static SpanDecoder decoder(boolean withNull, int maxAnswerTokens) {
        return new SpanDecoder(new DecodingOptions(maxAnswerTokens, 20, 5, withNull, 0.0));
    }

    private static EncodedQuestion single() {
        return new EncodedQuestion(
                new QaInput("q", CONTEXT), contextTokens(), List.of(window(0, TOKENS, all(6))));
    }

    @Test
    void shouldChooseTheBestStartEndPairWithStartBeforeEnd() {
        // Given: the highest end logit lies before the highest start logit (d..b would score 17)
        float[] start = logits(10, 6, 8, 4, 5); // ctx token 3 ('d') = 8, token 1 ('b') = 5
        float[] end = logits(10, 4, 9, 7, 7); // ctx token 1 ('b') = 9, token 4 ('e') = 7
        // When
        QaResult result =
                decoder(false, 30).decode(single(), List.of(new WindowLogits(start, end)));
        // Then: d..e (8+7=15) beats b..b (14) and the impossible d..b
        assertThat(result.best().text()).isEqualTo("d e");
        assertThat(result.best().start()).isEqualTo(6);
        assertThat(result.best().end()).isEqualTo(9);
        assertThat(result.candidates())
                .allSatisfy(span -> assertThat(span.start()).isLessThan(span.end()));
        assertThat(result.candidates().get(1).text()).isEqualTo("b");
    }

    @Test
    void shouldNeverAnswerWithQuestionOrSpecialTokens() {
        // Given: the question token and [SEP] have the highest logits of all
        float[] start = logits(10, 1, 50, 2, 40, 5, 3);
        float[] end = logits(10, 1, 50, 9, 40, 5, 3);
        // When
        QaResult result =
                decoder(false, 30).decode(single(), List.of(new WindowLogits(start, end)));
        // Then: the best span is the context token with the best (lower) logits
        assertThat(result.best().text()).isEqualTo("c");
        assertThat(result.best().start()).isEqualTo(4);
        assertThat(result.best().end()).isEqualTo(5);
    }

    @Test
    void shouldRespectTheMaximumAnswerLength() {
        // Given: a long span a..f scores best, but only 2 tokens are allowed
        float[] start = logits(10, 3, 9, 6, 1);
        float[] end = logits(10, 8, 9, 7, 1);
        // When
        QaResult result = decoder(false, 2).decode(single(), List.of(new WindowLogits(start, end)));
        // Then
        assertThat(result.candidates())
                .allSatisfy(span -> assertThat(span.text().replace(" ", "")).hasSizeLessThan(3));
        assertThat(result.best().text()).isEqualTo("d e");
    }

    @Test
    void shouldChooseTheBestSpanAcrossWindows() {
        // Given: two windows over tokens [0,4) and [2,6); the second holds the best span 'e'
        TokenizedText context = contextTokens();
        Window first = window(0, 4, new boolean[] {true, true, true, false});
        Window second = window(2, 6, new boolean[] {false, true, true, true});
        EncodedQuestion question =
                new EncodedQuestion(new QaInput("q", CONTEXT), context, List.of(first, second));
        WindowLogits firstLogits = new WindowLogits(logits(8, 3, 4), logits(8, 3, 4));
        WindowLogits secondLogits = new WindowLogits(logits(8, 5, 7), logits(8, 5, 7));
        // When
        QaResult result = decoder(false, 30).decode(question, List.of(firstLogits, secondLogits));
        // Then
        assertThat(result.best().text()).isEqualTo("e");
        assertThat(result.best().start()).isEqualTo(8);
        assertThat(result.candidates()).extracting(AnswerSpan::text).contains("a");
    }

    @Test
    void shouldOnlyStartSpansWhereTheWindowHasMaxContext() {
        // Given: token 3 ('d') is not max-context in the first window, and scores best there
        TokenizedText context = contextTokens();
        Window first = window(0, 4, new boolean[] {true, true, true, false});
        Window second = window(2, 6, new boolean[] {false, true, true, true});
        EncodedQuestion question =
                new EncodedQuestion(new QaInput("q", CONTEXT), context, List.of(first, second));
        WindowLogits firstLogits = new WindowLogits(logits(8, 6, 9), logits(8, 6, 9));
        WindowLogits secondLogits = new WindowLogits(logits(8, 4, 1), logits(8, 4, 1));
        // When
        QaResult result = decoder(false, 30).decode(question, List.of(firstLogits, secondLogits));
        // Then: a span may only start at 'd' with the second window's (lower) logits
        assertThat(result.best().text()).isEqualTo("d");
        assertThat(result.best().score()).isGreaterThan(0.5);
    }

    @Test
    void shouldAnswerNothingWhenTheNullScoreWins() {
        // Given: [CLS] start+end = 20 beats the best span's 8
        float[] start = logits(10, 0, 10, 5, 4);
        float[] end = logits(10, 0, 10, 5, 4);
        // When
        QaResult result = decoder(true, 30).decode(single(), List.of(new WindowLogits(start, end)));
        // Then
        assertThat(result.best()).isNull();
        assertThat(result.noAnswerScore()).isGreaterThan(0.99);
        assertThat(result.candidates()).extracting(AnswerSpan::text).first().isEqualTo("c");
    }

    @Test
    void shouldAnswerWhenTheNullScoreDoesNotBeatTheSpanByTheMargin() {
        // Given: null 10 vs span 8, but a margin of 5
        float[] start = logits(10, 0, 5, 5, 4);
        float[] end = logits(10, 0, 5, 5, 4);
        SpanDecoder decoder = new SpanDecoder(new DecodingOptions(30, 20, 5, true, 5.0));
        // When
        QaResult result = decoder.decode(single(), List.of(new WindowLogits(start, end)));
        // Then
        assertThat(result.best().text()).isEqualTo("c");
    }

    @Test
    void shouldIgnoreTheNullScoreForModelsWithoutNullAnswers() {
        float[] start = logits(10, 0, 50, 5, 4);
        float[] end = logits(10, 0, 50, 5, 4);
        QaResult result =
                decoder(false, 30).decode(single(), List.of(new WindowLogits(start, end)));
        assertThat(result.best().text()).isEqualTo("c");
        assertThat(result.noAnswerScore()).isZero();
    }

    @Test
    void shouldGiveProbabilitiesThatSumToAtMostOneAndRankCandidates() {
        float[] start = new float[10];
        float[] end = new float[10];
        for (int i = 0; i < 10; i++) {
            start[i] = i * 0.3f;
            end[i] = (10 - i) * 0.2f;
        }
        QaResult result = decoder(true, 30).decode(single(), List.of(new WindowLogits(start, end)));
        double total = result.noAnswerScore();
        List<Double> scores = new ArrayList<>();
        for (AnswerSpan span : result.candidates()) {
            total += span.score();
            scores.add(span.score());
        }
        assertThat(total).isLessThanOrEqualTo(1.0 + 1e-9);
        assertThat(scores).isSortedAccordingTo((a, b) -> Double.compare(b, a));
        assertThat(result.candidates()).hasSize(5);
        assertThat(result.candidates()).doesNotHaveDuplicates();
        assertThat(result.best().score()).isCloseTo(scores.get(0), within(1e-12));
    }

    @Test
    void shouldAnswerNothingForAnEmptyContext() {
        EncodedQuestion empty =
                new EncodedQuestion(
                        new QaInput("q", ""),
                        new TokenizedText(new long[0], new int[0], new int[0]),
                        List.of(new Window(new long[4], new long[4], 3, 0, 0, new boolean[0])));
        QaResult result =
                decoder(true, 30)
                        .decode(empty, List.of(new WindowLogits(new float[4], new float[4])));
        assertThat(result.best()).isNull();
        assertThat(result.candidates()).isEmpty();
    }
}
