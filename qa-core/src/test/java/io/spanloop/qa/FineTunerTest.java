package io.spanloop.qa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spanloop.qa.testing.ColorFacts;
import io.spanloop.qa.testing.TinyModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fine-tuning the tiny fixture model with DJL's PyTorch trainer on the CPU. */
class FineTunerTest {

    @TempDir static Path store;
    private static ModelDirectory base;

    /** A learning rate for a tiny model starting from random weights (BERT uses ~3e-5). */
    private static final TrainingOptions FAST =
            TrainingOptions.DEFAULTS
                    .withBatchSize(8)
                    .withLearningRate(1e-3)
                    .withSeed(7)
                    .withDevice(DeviceSpec.CPU);

    @BeforeAll
    static void copyModel() {
        EngineSettings.DEFAULTS.apply();
        base = TinyModel.copyTo(store, 1);
    }

    @Test
    void shouldLeaveFrozenEmbeddingsAsTheyWereAndPullAnchoredWeightsBack() {
        List<TrainingExample> examples = ColorFacts.examples(32, 4);
        TrainingOptions options = FAST.withEpochs(3);
        float[] before;
        try (TrainedModel untouched =
                new FineTuner(options.withLearningRate(1e-12)).fineTune(base, examples, r -> {})) {
            before = untouched.parameter("word_embeddings");
        }
        float[] layerBefore;
        try (TrainedModel untouched =
                new FineTuner(options.withLearningRate(1e-12)).fineTune(base, examples, r -> {})) {
            layerBefore = untouched.parameter("intermediate.dense.weight");
        }
        try (TrainedModel free = new FineTuner(options).fineTune(base, examples, r -> {});
                TrainedModel frozen =
                        new FineTuner(options.withFreezeEmbeddings(true))
                                .fineTune(base, examples, r -> {});
                TrainedModel anchored =
                        new FineTuner(options.withAnchorStrength(500.0))
                                .fineTune(base, examples, r -> {})) {
            // frozen: the embedding table is exactly the base's, the layers still learn
            assertThat(distance(frozen.parameter("word_embeddings"), before)).isLessThan(1e-6);
            assertThat(distance(free.parameter("word_embeddings"), before)).isGreaterThan(1e-3);
            assertThat(distance(frozen.parameter("intermediate.dense.weight"), layerBefore))
                    .isGreaterThan(1e-3);
            // anchored: the same training moves the weights a fraction of the distance
            assertThat(distance(anchored.parameter("intermediate.dense.weight"), layerBefore))
                    .isLessThan(
                            distance(free.parameter("intermediate.dense.weight"), layerBefore) / 2);
        }
    }

    private static double distance(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (a[i] - b[i]) * (double) (a[i] - b[i]);
        }
        return Math.sqrt(sum);
    }

    @Test
    void shouldReportProgressWithTheLastStep() {
        // Given
        List<TrainingProgress.Report> reports = new ArrayList<>();

        // When: 16 examples, batch 8, 2 epochs
        try (TrainedModel trained =
                new FineTuner(FAST.withEpochs(2))
                        .fineTune(base, ColorFacts.examples(16, 3), reports::add)) {
            // Then: the last report is the last step, with a rate and nothing left to do
            assertThat(reports).isNotEmpty();
            TrainingProgress.Report last = reports.get(reports.size() - 1);
            assertThat(last.step()).isEqualTo(last.totalSteps()).isEqualTo(4);
            assertThat(last.epoch()).isEqualTo(2);
            assertThat(last.epochs()).isEqualTo(2);
            assertThat(last.examplesPerSecond()).isPositive();
            assertThat(last.loss()).isPositive();
            assertThat(last.remaining()).isZero();
            assertThat(last.toString())
                    .startsWith("step 4/4 (epoch 2/2): loss ")
                    .contains("ETA 0:00");
            assertThat(trained.summary().steps()).isEqualTo(4);
        }
    }

    @Test
    void shouldLearnToAnswerTemplatedQuestions() {
        // Given: 48 questions, and an untrained model that cannot answer them
        List<TrainingExample> examples = ColorFacts.examples(48, 1);
        List<TrainingExample> heldOut = ColorFacts.examples(48, 2);
        EvalScores before;
        try (DjlQaModel untrained = DjlQaModel.load(base)) {
            before = QaEvaluator.evaluate(untrained, examples, Map.of());
        }
        // When
        try (TrainedModel trained = new FineTuner(FAST.withEpochs(12)).fineTune(base, examples)) {
            // Then: the loss falls and it answers, also questions it was not trained on
            EvalScores after = trained.evaluate(examples, Map.of());
            EvalScores unseen = trained.evaluate(heldOut, Map.of());
            List<Double> loss = trained.lossPerEpoch();
            System.out.printf(
                    "untrained %s%ntrained %s%nheld out %s%nloss %s%n",
                    before, after, unseen, loss);
            assertThat(before.exactMatch()).isLessThan(20);
            assertThat(after.exactMatch()).isGreaterThan(80);
            assertThat(after.f1()).isGreaterThan(80);
            assertThat(unseen.exactMatch()).isGreaterThan(60);
            assertThat(loss).hasSize(12);
            assertThat(loss.get(11)).isLessThan(loss.get(0) / 4);
            TrainingSummary summary = trained.summary();
            assertThat(summary.examples()).isEqualTo(48);
            assertThat(summary.windows()).isEqualTo(48);
            assertThat(summary.steps()).isEqualTo(12 * 6);
            assertThat(summary.device()).isEqualTo("cpu");
            assertThat(summary.seconds()).isPositive();
        }
    }

    @Test
    void shouldTrainIdenticallyGivenTheSameSeed() {
        List<TrainingExample> examples = ColorFacts.examples(16, 3);
        TrainingOptions options = FAST.withEpochs(2);
        List<List<Double>> losses = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            try (TrainedModel trained = new FineTuner(options).fineTune(base, examples)) {
                losses.add(trained.lossPerEpoch());
            }
        }
        try (TrainedModel other = new FineTuner(options.withSeed(8)).fineTune(base, examples)) {
            losses.add(other.lossPerEpoch());
        }
        assertThat(losses.get(1)).isEqualTo(losses.get(0));
        assertThat(losses.get(2)).isNotEqualTo(losses.get(0));
    }

    @Test
    void shouldTrainWithDropoutAndAnswerWithout() {
        // Given: one step per epoch over the same windows, and a learning rate too small to
        // change anything: only dropout can make the two epochs' losses differ
        List<TrainingExample> examples = ColorFacts.examples(8, 4);
        TrainingOptions options = FAST.withBatchSize(8).withEpochs(2).withLearningRate(1e-12);
        try (TrainedModel trained = new FineTuner(options).fineTune(base, examples)) {
            List<Double> loss = trained.lossPerEpoch();
            assertThat(loss.get(1)).isNotEqualTo(loss.get(0));
            // and answering is deterministic (inference mode)
            try (QaPredictor predictor = trained.newPredictor()) {
                List<QaInput> inputs = examples.stream().map(TrainingExample::input).toList();
                assertThat(predictor.answer(inputs)).isEqualTo(predictor.answer(inputs));
            }
        }
    }

    @Test
    void shouldTrainOnEveryWindowOfLongContextsAndStopAtMaxSteps() {
        // Given: one long context (several windows) and no-answer examples among the rest
        List<TrainingExample> examples = new ArrayList<>(ColorFacts.examples(6, 5));
        String longContext = "the river is long. ".repeat(60) + "The sea is blue.";
        int start = longContext.indexOf("blue");
        examples.add(
                TrainingExample.answered(
                        "long", "What color is the sea?", longContext, start, start + 4));
        examples.add(TrainingExample.unanswerable("none", "Who is king?", "The sea is blue."));
        // When
        try (TrainedModel trained =
                new FineTuner(FAST.withEpochs(5).withBatchSize(2).withMaxSteps(3))
                        .fineTune(base, examples)) {
            // Then
            TrainingSummary summary = trained.summary();
            assertThat(summary.examples()).isEqualTo(8);
            assertThat(summary.windows()).isGreaterThan(9);
            assertThat(summary.steps()).isEqualTo(3);
            assertThat(summary.epochs()).isEqualTo(1);
        }
    }

    @Test
    void shouldSkipExamplesWhoseAnswerCoversNoTokenAndRefuseWhenNoneIsLeft() {
        TrainingExample blank = TrainingExample.answered("blank", "What?", "paris   rome", 6, 7);
        List<TrainingExample> examples = new ArrayList<>(ColorFacts.examples(4, 6));
        examples.add(blank);
        try (TrainedModel trained = new FineTuner(FAST.withEpochs(1)).fineTune(base, examples)) {
            assertThat(trained.summary().examples()).isEqualTo(4);
            assertThat(trained.summary().skippedExamples()).isEqualTo(1);
        }
        assertThatThrownBy(() -> new FineTuner(FAST).fineTune(base, List.of(blank)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("none of 1 examples");
    }
}
