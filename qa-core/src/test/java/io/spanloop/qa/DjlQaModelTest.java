package io.spanloop.qa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.spanloop.qa.testing.TinyModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real DJL PyTorch engine on the tiny TorchScript fixture. */
class DjlQaModelTest {

    @TempDir static Path store;
    private static DjlQaModel model;

    private static final List<QaInput> INPUTS =
            List.of(
                    new QaInput(
                            "What is the capital of France?", "The capital of France is Paris."),
                    new QaInput("Who?", "Party 🎉 time: the king 👑 of Paris said 😀 hello"),
                    new QaInput("Where?", "東京は日本の首都です。The capital of Japan is Tokyo."),
                    new QaInput("What?", "Cafe\u0301 crème in Zürich\r\nand\r\nrome"),
                    new QaInput("Which river?", longContext()));

    private static String longContext() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 120; i++) {
            text.append("the river ").append(i % 3 == 0 ? "😀 " : "").append("of rome is long. ");
        }
        return text.toString();
    }

    @BeforeAll
    static void load() {
        EngineSettings.DEFAULTS.apply();
        model = DjlQaModel.load(TinyModel.copyTo(store, 1), QaModelOptions.DEFAULTS);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void shouldNameItsVersionDirectory() {
        assertThat(model.name()).isEqualTo("tiny-bert-qa");
        assertThat(model.version()).isEqualTo(1);
    }

    @Test
    void shouldAnswerWithSpansWhoseTextIsExactlyTheContextSubstring() {
        try (QaPredictor predictor = model.newPredictor()) {
            List<QaResult> results = predictor.answer(INPUTS);
            assertThat(results).hasSize(INPUTS.size());
            for (int i = 0; i < INPUTS.size(); i++) {
                String context = INPUTS.get(i).context();
                QaResult result = results.get(i);
                assertThat(result.candidates()).isNotEmpty();
                for (AnswerSpan span : result.candidates()) {
                    assertThat(span.end()).isLessThanOrEqualTo(context.length());
                    assertThat(context.substring(span.start(), span.end())).isEqualTo(span.text());
                    assertThat(span.score()).isBetween(0.0, 1.0);
                }
            }
        }
    }

    @Test
    void shouldGiveTheSameAnswersInABatchAsOneByOne() {
        try (QaPredictor predictor = model.newPredictor()) {
            List<QaResult> batched = predictor.answer(INPUTS);
            List<QaResult> single = new ArrayList<>();
            for (QaInput input : INPUTS) {
                single.add(predictor.answer(List.of(input)).get(0));
            }
            for (int i = 0; i < INPUTS.size(); i++) {
                assertThat(batched.get(i).candidates())
                        .extracting(AnswerSpan::start, AnswerSpan::end)
                        .containsExactlyElementsOf(
                                single.get(i).candidates().stream()
                                        .map(
                                                s ->
                                                        org.assertj.core.groups.Tuple.tuple(
                                                                s.start(), s.end()))
                                        .toList());
                assertThat(batched.get(i).noAnswerScore())
                        .isCloseTo(single.get(i).noAnswerScore(), within(1e-4));
            }
        }
    }

    @Test
    void shouldSplitBatchesLargerThanTheForwardLimitWithoutChangingAnswers() {
        try (DjlQaModel small =
                        DjlQaModel.load(
                                model.directory(),
                                QaModelOptions.DEFAULTS.withMaxWindowsPerForward(2));
                QaPredictor limited = small.newPredictor();
                QaPredictor unlimited = model.newPredictor()) {
            List<QaResult> a = limited.answer(INPUTS);
            List<QaResult> b = unlimited.answer(INPUTS);
            for (int i = 0; i < INPUTS.size(); i++) {
                assertThat(a.get(i).best()).isEqualTo(b.get(i).best());
            }
        }
    }

    @Test
    void shouldAnswerAnEmptyBatchWithNothing() {
        try (QaPredictor predictor = model.newPredictor()) {
            assertThat(predictor.answer(List.of())).isEmpty();
        }
    }

    @Test
    void shouldRefuseACorruptModelFile(@TempDir Path other) throws IOException {
        ModelDirectory copy = TinyModel.copyTo(other, 2);
        Files.write(copy.modelFile(), new byte[] {1, 2, 3, 4, 5});
        assertThatThrownBy(() -> DjlQaModel.load(copy))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("cannot load model version");
    }

    @Test
    void shouldRefuseADirectoryWithoutTokenizer(@TempDir Path other) throws IOException {
        ModelDirectory copy = TinyModel.copyTo(other, 3);
        Files.delete(copy.tokenizerFile());
        assertThatThrownBy(() -> ModelDirectory.open(copy.path()))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("tokenizer.json");
    }

    @Test
    void shouldRefuseAConfigWhoseStrideLeavesNoProgress(@TempDir Path other) throws IOException {
        ModelDirectory copy = TinyModel.copyTo(other, 4);
        String config = Files.readString(copy.path().resolve("config.json"));
        Files.writeString(
                copy.path().resolve("config.json"),
                config.replace("\"stride\": 32", "\"stride\": 100"));
        assertThatThrownBy(() -> ModelDirectory.open(copy.path()))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("stride 100");
    }
}
