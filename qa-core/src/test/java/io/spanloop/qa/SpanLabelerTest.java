package io.spanloop.qa;

import static org.assertj.core.api.Assertions.assertThat;

import io.spanloop.qa.testing.TinyModel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Char-offset answers become token positions in the windows serving uses. */
class SpanLabelerTest {

    @TempDir static Path store;
    private static QaTokenizer tokenizer;
    private static SpanLabeler labeler;

    @BeforeAll
    static void loadTokenizer() {
        ModelDirectory model = TinyModel.copyTo(store, 1);
        tokenizer = new QaTokenizer(model.tokenizerFile(), model.config());
        labeler = new SpanLabeler(new WindowEncoder(tokenizer, model.config()));
    }

    @AfterAll
    static void closeTokenizer() {
        tokenizer.close();
    }

    /**
     * {@code n} one-token words; word {@code i} starts at char {@code 6 * i} ("paris "/"rome ").
     */
    private static String words(int n) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < n; i++) {
            text.append(i % 2 == 0 ? "paris " : "rome  ");
        }
        return text.toString();
    }

    /** The example answered by words {@code first..last} of {@link #words}. */
    private static TrainingExample wordsAnswer(String context, int first, int last) {
        int start = 6 * first;
        int end = 6 * last + (last % 2 == 0 ? 5 : 4);
        return TrainingExample.answered("q", "what city", context, start, end);
    }

    /** The context text the labelled positions of a window point at. */
    private static String labelledText(TrainingExample example, LabeledWindow labeled) {
        TokenizedText context = tokenizer.tokenize(example.context());
        Window window = labeled.window();
        int from = context.starts()[window.contextToken(labeled.startPosition())];
        int to = context.ends()[window.contextToken(labeled.endPosition())];
        return example.context().substring(from, to);
    }

    @Test
    void shouldPointAtTheAnswerTokensInASingleWindow() {
        String context = "the capital of france is paris";
        int start = context.indexOf("paris");
        TrainingExample example =
                TrainingExample.answered("q", "what city", context, start, start + 5);
        List<LabeledWindow> labeled = labeler.label(example);
        assertThat(labeled).hasSize(1);
        // [CLS] what city [SEP] the capital of france is paris [SEP]
        assertThat(labeled.get(0).startPosition()).isEqualTo(9);
        assertThat(labeled.get(0).endPosition()).isEqualTo(9);
        assertThat(labelledText(example, labeled.get(0))).isEqualTo("paris");
    }

    @Test
    void shouldPointAtTheAnswerOnlyInTheWindowThatHoldsIt() {
        // Given: 300 one-token words, 123 context tokens per window, windows start every 91
        String context = words(300);
        TrainingExample example = wordsAnswer(context, 150, 151);
        // When
        List<LabeledWindow> labeled = labeler.label(example);
        // Then: window 0 (tokens 0..122) and window 2 (182..) point at [CLS], window 1 at it
        assertThat(labeled).hasSizeGreaterThan(2);
        assertThat(labeled.get(0).pointsAtCls()).isTrue();
        assertThat(labeled.get(1).pointsAtCls()).isFalse();
        assertThat(labelledText(example, labeled.get(1))).isEqualTo("paris rome");
        assertThat(labeled.subList(2, labeled.size())).allMatch(LabeledWindow::pointsAtCls);
    }

    @Test
    void shouldPointAtClsInAWindowThatCutsTheAnswer() {
        // Given: an answer over tokens 120..124, across the end of window 0 (tokens 0..122)
        String context = words(300);
        TrainingExample example = wordsAnswer(context, 120, 124);
        // When
        List<LabeledWindow> labeled = labeler.label(example);
        // Then: window 0 holds only part of it, so it points at [CLS]; window 1 has it all
        Window first = labeled.get(0).window();
        assertThat(first.firstContextToken() + first.contextLength()).isBetween(121, 124);
        assertThat(labeled.get(0).pointsAtCls()).isTrue();
        assertThat(labeled.get(1).startPosition())
                .isEqualTo(labeled.get(1).window().contextOffset() + 120 - 91);
        assertThat(labelledText(example, labeled.get(1)))
                .isEqualTo(example.answerText())
                .isEqualTo("paris rome  paris rome  paris");
    }

    @Test
    void shouldPointEveryWindowOfANoAnswerExampleAtCls() {
        TrainingExample example = TrainingExample.unanswerable("q", "what city", words(300));
        List<LabeledWindow> labeled = labeler.label(example);
        assertThat(labeled).hasSizeGreaterThan(2).allMatch(LabeledWindow::pointsAtCls);
    }

    @Test
    void shouldFindTheAnswerTokensBehindEmoji() {
        // Given: surrogate pairs before the answer shift String indices against code points
        String context = "Party 🎉 time: the king 👑 of Paris said 😀 hello";
        int start = context.indexOf("Paris");
        TrainingExample example =
                TrainingExample.answered("q", "who", context, start, start + "Paris".length());
        // When
        List<LabeledWindow> labeled = labeler.label(example);
        // Then
        assertThat(labeled).singleElement().matches(l -> !l.pointsAtCls());
        assertThat(labelledText(example, labeled.get(0))).isEqualTo("Paris");
    }

    @Test
    void shouldTakeWholeTokensForAnAnswerThatCutsAWord() {
        String context = "the kingdom is old";
        TrainingExample example = TrainingExample.answered("q", "what", context, 5, 9);
        List<LabeledWindow> labeled = labeler.label(example);
        // "kingdom" is word pieces king ##d ##o ##m: "ingd" overlaps the first two
        assertThat(example.answerText()).isEqualTo("ingd");
        assertThat(labelledText(example, labeled.get(0))).isEqualTo("kingd");
    }

    @Test
    void shouldNotLabelAnAnswerThatCoversNoToken() {
        String context = "paris   rome";
        TrainingExample example = TrainingExample.answered("q", "what", context, 6, 7);
        assertThat(labeler.label(example)).isEmpty();
    }
}
