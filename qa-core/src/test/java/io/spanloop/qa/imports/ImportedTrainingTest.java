package io.spanloop.qa.imports;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.pytorch.engine.PtNDManager;
import io.spanloop.qa.DeviceSpec;
import io.spanloop.qa.EngineSettings;
import io.spanloop.qa.FineTuner;
import io.spanloop.qa.ModelArchitecture;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.TrainedModel;
import io.spanloop.qa.TrainingOptions;
import io.spanloop.qa.testing.ColorFacts;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** An imported version is an ordinary scripted model: dropout while training, FineTuner learns. */
class ImportedTrainingTest {

    @TempDir static Path work;
    private static final java.util.concurrent.atomic.AtomicInteger VERSIONS =
            new java.util.concurrent.atomic.AtomicInteger();

    @BeforeAll
    static void startEngine() {
        EngineSettings.DEFAULTS.apply();
    }

    private static ModelDirectory imported(String fixture) {
        Path checkpoint = Fixtures.copy(fixture, work.resolve("sources"));
        return new ModelImporter(ImportOptions.DEFAULTS.withMaxSeqLength(64))
                .importHuggingFace(
                        checkpoint,
                        work.resolve("store")
                                .resolve(fixture)
                                .resolve(Integer.toString(VERSIONS.incrementAndGet())))
                .directory();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"bert-qa, BERT", "roberta-base, ROBERTA", "distilbert-qa, DISTILBERT"})
    void shouldDropOutWhileTrainingOnlyAndBeSavedForInference(
            String fixture, ModelArchitecture arch) {
        // Given
        ModelDirectory dir = imported(fixture);
        Fixtures.Expected inputs = Fixtures.expected(Fixtures.copy(fixture, work.resolve("in")));
        try (PtNDManager manager = SafetensorsImportTest.manager();
                TemplateModule module =
                        TemplateModule.open(dir.modelFile(), Layout.of(arch), manager, true)) {
            // When / Then: as saved, in eval mode, it is deterministic
            float[] eval1 = module.logits(inputs.inputs())[0];
            float[] eval2 = module.logits(inputs.inputs())[0];
            assertThat(eval2).containsExactly(eval1);
            // in training mode dropout makes every pass differ
            module.train(true);
            float[] train1 = module.logits(inputs.inputs())[0];
            float[] train2 = module.logits(inputs.inputs())[0];
            assertThat(train1).isNotEqualTo(train2);
            assertThat(train1).isNotEqualTo(eval1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"bert-base", "roberta-qa", "distilbert-qa"})
    void shouldLowerTheLossWhenFineTuned(String fixture) {
        // Given: an imported version and templated questions its vocabulary knows
        ModelDirectory dir = imported(fixture);
        TrainingOptions options =
                TrainingOptions.DEFAULTS
                        .withEpochs(12)
                        .withBatchSize(8)
                        .withLearningRate(1e-3)
                        .withSeed(7)
                        .withDevice(DeviceSpec.CPU);

        // When
        List<Double> loss;
        try (TrainedModel trained =
                new FineTuner(options).fineTune(dir, ColorFacts.examples(32, 5))) {
            loss = trained.lossPerEpoch();
        }

        // Then
        System.out.printf("%s: loss per epoch %s%n", fixture, loss);
        assertThat(loss).hasSize(12);
        assertThat(loss.get(11)).isLessThan(loss.get(0) * 0.9);
    }
}
