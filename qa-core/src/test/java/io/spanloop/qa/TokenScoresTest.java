package io.spanloop.qa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.spanloop.qa.testing.ColorFacts;
import io.spanloop.qa.testing.TinyModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-token start/end probabilities on the real engine: the tiny fixture fine-tuned on color
 * questions (so it has a reason to prefer a token), loaded with token scores on.
 */
class TokenScoresTest {

    private static final String EMOJI_CJK_CONTEXT =
            "Party 🎉 time in 東京! The king 👑 is green. The city is very old 😀.";

    @TempDir static Path store;
    private static ModelDirectory base;
    private static DjlQaModel model;

    @BeforeAll
    static void trainAndLoad() throws IOException {
        EngineSettings.DEFAULTS.apply();
        base = TinyModel.copyTo(store, 1);
        TrainingOptions options =
                TrainingOptions.DEFAULTS
                        .withBatchSize(8)
                        .withLearningRate(1e-3)
                        .withSeed(7)
                        .withEpochs(12)
                        .withDevice(DeviceSpec.CPU);
        ModelDirectory trained;
        try (TrainedModel fineTuned =
                new FineTuner(options).fineTune(base, ColorFacts.examples(48, 1))) {
            trained = new ModelStore(store).write(fineTuned, TinyModel.NAME, 2, Map.of());
        }
        model = DjlQaModel.load(trained, QaModelOptions.DEFAULTS.withTokenScores(true));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static QaResult answer(String question, String context) {
        try (QaPredictor predictor = model.newPredictor()) {
            return predictor.answer(List.of(new QaInput(question, context))).get(0);
        }
    }

    private static List<String> texts(TokenScores scores, String context) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < scores.size(); i++) {
            texts.add(context.substring(scores.starts()[i], scores.ends()[i]));
        }
        return texts;
    }

    @Test
    void shouldGiveUtf16OffsetsOfEveryTokenOfAContextWithEmojiAndCjk() {
        // When
        TokenScores scores = answer("What color is the king?", EMOJI_CJK_CONTEXT).tokenScores();

        // Then: entries in text order, not empty, not overlapping, only whitespace between them
        String context = EMOJI_CJK_CONTEXT;
        int at = 0;
        for (int i = 0; i < scores.size(); i++) {
            assertThat(scores.starts()[i]).isGreaterThanOrEqualTo(at);
            assertThat(scores.ends()[i]).isGreaterThan(scores.starts()[i]);
            assertThat(context.substring(at, scores.starts()[i])).isBlank();
            at = scores.ends()[i];
        }
        assertThat(context.substring(at)).isBlank();
        // and Java String (UTF-16) offsets: an emoji is one token of two chars, after the
        // surrogate pairs before it; each CJK character is a token of its own
        List<String> texts = texts(scores, context);
        assertThat(texts).contains("🎉", "👑", "😀", "東", "京", "green");
        int crown = texts.indexOf("👑");
        assertThat(scores.starts()[crown]).isEqualTo(context.indexOf("👑"));
        assertThat(scores.ends()[crown] - scores.starts()[crown]).isEqualTo(2);
        int green = texts.indexOf("green");
        assertThat(scores.starts()[green]).isEqualTo(context.indexOf("green"));
        assertThat(context.codePointCount(0, scores.starts()[green]))
                .as("code point and UTF-16 offsets differ here")
                .isLessThan(scores.starts()[green]);
    }

    @Test
    void shouldPutTheHighestStartProbabilityOnTheStartOfTheChosenSpan() {
        // When
        QaResult result = answer("What color is the king?", EMOJI_CJK_CONTEXT);

        // Then: the model learned to point at the color, and the heat says so
        assertThat(result.best().text()).isEqualTo("green");
        TokenScores scores = result.tokenScores();
        int top = argmax(scores.startProbabilities());
        assertThat(scores.starts()[top]).isEqualTo(result.best().start());
        assertThat(argmax(scores.endProbabilities())).isEqualTo(top);
        float uniform = 1f / scores.size();
        assertThat(scores.startProbabilities()[top]).isGreaterThan(3 * uniform);
        assertThat(scores.endProbabilities()[top]).isGreaterThan(3 * uniform);
        for (float p : scores.startProbabilities()) {
            assertThat(p).isBetween(0f, 1f);
        }
    }

    @Test
    void shouldSumToOnePerWindowAndKeepEachTokensHighestAcrossWindows() {
        // Given: a context of several windows, with emoji
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            text.append("The river ").append(i % 4 == 0 ? "😀 " : "").append("is old. ");
        }
        String context = text.append("The king is red.").toString();
        QaInput input = new QaInput("What color is the king?", context);
        EncodedQuestion encoded;
        try (QaTokenizer tokenizer = new QaTokenizer(base.tokenizerFile(), base.config())) {
            encoded = new WindowEncoder(tokenizer, base.config()).encode(input);
        }
        assertThat(encoded.windows()).hasSizeGreaterThan(2);
        List<WindowLogits> logits = model.logits(encoded.windows());
        TokenScorer scorer = new TokenScorer(true);

        // When
        TokenScores scores = answer(input.question(), context).tokenScores();

        // Then: before quantisation, each window's start and end probabilities sum to 1
        float[] highestStart = new float[encoded.context().size()];
        for (int w = 0; w < logits.size(); w++) {
            Window window = encoded.windows().get(w);
            float[] start = scorer.probabilities(logits.get(w).start(), window);
            float[] end = scorer.probabilities(logits.get(w).end(), window);
            assertThat(sum(start)).isCloseTo(1.0, within(1e-4));
            assertThat(sum(end)).isCloseTo(1.0, within(1e-4));
            for (int p = window.contextOffset();
                    p < window.contextOffset() + window.contextLength();
                    p++) {
                int token = window.contextToken(p);
                highestStart[token] = Math.max(highestStart[token], start[p]);
            }
        }
        // and every token keeps the highest probability any of its windows gave it
        assertThat(scores.size()).isEqualTo(encoded.context().size());
        for (int t = 0; t < scores.size(); t++) {
            assertThat(scores.starts()[t]).isEqualTo(encoded.context().starts()[t]);
            assertThat(scores.startProbabilities()[t]).isCloseTo(highestStart[t], within(1e-3f));
        }
    }

    @Test
    void shouldKeepTheMostLikelyTokensInTextOrderWhenOverTheLimit() {
        TokenScores scores =
                new TokenScores(
                        new int[] {0, 4, 8, 12, 16},
                        new int[] {3, 7, 11, 15, 19},
                        new float[] {0.1f, 0.0f, 0.6f, 0.0f, 0.3f},
                        new float[] {0.0f, 0.7f, 0.1f, 0.0f, 0.2f});

        TokenScores capped = TokenScorer.capped(scores, 3);

        assertThat(capped.starts()).containsExactly(4, 8, 16);
        assertThat(capped.ends()).containsExactly(7, 11, 19);
        assertThat(capped.startProbabilities()).containsExactly(0.0f, 0.6f, 0.3f);
        assertThat(capped.endProbabilities()).containsExactly(0.7f, 0.1f, 0.2f);
        assertThat(TokenScorer.capped(scores, 5)).isSameAs(scores);
    }

    @Test
    void shouldComputeNoScoresUnlessAskedTo() {
        try (DjlQaModel plain = DjlQaModel.load(model.directory());
                QaPredictor predictor = plain.newPredictor()) {
            QaResult result =
                    predictor
                            .answer(List.of(new QaInput("What color is the king?", "It is red.")))
                            .get(0);
            assertThat(result.tokenScores()).isNull();
            assertThat(result.best()).isNotNull();
        }
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    private static double sum(float[] values) {
        double sum = 0;
        for (float value : values) {
            sum += value;
        }
        return sum;
    }
}
