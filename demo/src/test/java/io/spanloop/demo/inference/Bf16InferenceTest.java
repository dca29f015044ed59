package io.spanloop.demo.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.spanloop.demo.domain.DemoDomain;
import io.spanloop.demo.domain.DemoQuestion;
import io.spanloop.demo.domain.FactType;
import io.spanloop.qa.AnswerSpan;
import io.spanloop.qa.DjlQaModel;
import io.spanloop.qa.EvalScores;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.Precision;
import io.spanloop.qa.QaEvaluator;
import io.spanloop.qa.QaModelOptions;
import io.spanloop.qa.QaPredictor;
import io.spanloop.qa.QaResult;
import io.spanloop.qa.TrainingExample;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * bf16 inference (the encoder in bfloat16, {@code model.precision=bf16}) answers like fp32 on a
 * trained model: the committed tiny demo base, on questions about held-out towns it never saw.
 */
class Bf16InferenceTest {

    static final Path BASE_MODEL = Path.of("..", "demo-model", "1");

    /** 150 held-out towns: 600 questions on the known facts, 1,050 paraphrases of all seven. */
    static List<TrainingExample> examples;

    static DjlQaModel fp32;
    static DjlQaModel bf16;

    @BeforeAll
    static void load() {
        List<DemoDomain.Town> towns = DemoDomain.towns(150, 11, true);
        examples =
                Stream.concat(
                                DemoDomain.questions(towns, FactType.known(), false, 11, "k")
                                        .stream(),
                                DemoDomain.questions(
                                        towns, List.of(FactType.values()), true, 11, "p")
                                        .stream())
                        .map(DemoQuestion::example)
                        .toList();
        ModelDirectory directory = ModelDirectory.open(BASE_MODEL);
        fp32 = DjlQaModel.load(directory, QaModelOptions.DEFAULTS);
        bf16 = DjlQaModel.load(directory, QaModelOptions.DEFAULTS.withPrecision(Precision.BF16));
    }

    @AfterAll
    static void close() {
        fp32.close();
        bf16.close();
    }

    @Test
    void shouldScoreWithinHalfAPointOfFp32() {
        EvalScores full = QaEvaluator.evaluate(fp32, examples, Map.of());
        EvalScores half = QaEvaluator.evaluate(bf16, examples, Map.of());

        System.out.printf("EM/F1 fp32 %s, bf16 %s%n", full, half);
        assertThat(full.exactMatch()).isGreaterThan(30);
        assertThat(half.exactMatch()).isCloseTo(full.exactMatch(), within(0.5));
        assertThat(half.f1()).isCloseTo(full.f1(), within(0.5));
    }

    @Test
    void shouldGiveCloseProbabilitiesForTheSameSpans() {
        List<QaResult> full = answers(fp32);
        List<QaResult> half = answers(bf16);
        int same = 0;
        double worst = 0;
        double sum = 0;
        for (int i = 0; i < full.size(); i++) {
            AnswerSpan a = full.get(i).best();
            AnswerSpan b = half.get(i).best();
            if (a != null && b != null && a.start() == b.start() && a.end() == b.end()) {
                same++;
                double difference = Math.abs(a.score() - b.score());
                worst = Math.max(worst, difference);
                sum += difference;
            }
        }
        System.out.printf(
                "same best span %d of %d, |dp| mean %.4f worst %.4f%n",
                same, full.size(), sum / same, worst);
        assertThat(same).isGreaterThanOrEqualTo(full.size() * 99 / 100);
        assertThat(sum / same).isLessThan(0.01);
        assertThat(worst).isLessThan(0.1);
    }

    private static List<QaResult> answers(DjlQaModel model) {
        List<QaResult> results = new ArrayList<>();
        try (QaPredictor predictor = model.newPredictor()) {
            for (int from = 0; from < examples.size(); from += 32) {
                results.addAll(
                        predictor.answer(
                                examples
                                        .subList(from, Math.min(from + 32, examples.size()))
                                        .stream()
                                        .map(TrainingExample::input)
                                        .toList()));
            }
        }
        return results;
    }
}
