package io.spanloop.qa.imports;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import io.spanloop.qa.DjlQaModel;
import io.spanloop.qa.EngineSettings;
import io.spanloop.qa.ModelArchitecture;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.ModelStore;
import io.spanloop.qa.QaInput;
import io.spanloop.qa.QaPredictor;
import io.spanloop.qa.QaResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Importing the tiny HF-layout checkpoints of {@code make_templates.py}: the imported TorchScript
 * must compute what the reference implementation computed from the same weights.
 */
class SafetensorsImportTest {

    /** Logits and hidden states must match the reference within this. */
    private static final float TOLERANCE = 1e-4f;

    @TempDir static Path work;

    @BeforeAll
    static void startEngine() {
        EngineSettings.DEFAULTS.apply();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"bert-qa, BERT", "roberta-qa, ROBERTA", "distilbert-qa, DISTILBERT"})
    void shouldKeepTheQaHeadOfAQuestionAnsweringCheckpointAndMatchItsLogits(
            String fixture, ModelArchitecture arch) {
        // Given: a *ForQuestionAnswering checkpoint and its reference outputs
        Path checkpoint = Fixtures.copy(fixture, work.resolve("sources"));
        Fixtures.Expected expected = Fixtures.expected(checkpoint);
        Path target = work.resolve("store").resolve(fixture).resolve("1");

        // When
        ImportedModel imported =
                new ModelImporter(ImportOptions.DEFAULTS.withMaxSeqLength(48))
                        .importHuggingFace(checkpoint, target);

        // Then: the QA head is the checkpoint's and the logits are the reference's
        assertThat(imported.qaHeadFromCheckpoint()).isTrue();
        assertThat(imported.encoder().arch()).isEqualTo(arch);
        assertThat(imported.encoder().numLayers()).isEqualTo(2);
        assertThat(imported.encoder().hiddenSize()).isEqualTo(32);
        float[][] logits = logits(imported.directory(), arch, expected.inputs());
        float startDiff = Fixtures.maxAbsDiff(Fixtures.flatten(expected.startLogits()), logits[0]);
        float endDiff = Fixtures.maxAbsDiff(Fixtures.flatten(expected.endLogits()), logits[1]);
        float hiddenDiff =
                Fixtures.maxAbsDiff(
                        Fixtures.flatten(expected.lastHiddenState()),
                        encode(imported.directory(), arch, expected.inputs()));
        System.out.printf(
                "%s: max |diff| start %.2e, end %.2e, hidden %.2e%n",
                fixture, startDiff, endDiff, hiddenDiff);
        assertThat(startDiff).isLessThanOrEqualTo(TOLERANCE);
        assertThat(endDiff).isLessThanOrEqualTo(TOLERANCE);
        assertThat(hiddenDiff).isLessThanOrEqualTo(TOLERANCE);
        assertThat(ModelStore.readMetadata(imported.directory()).get("qa_head"))
                .isEqualTo(Map.of("source", "checkpoint"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"bert-base, BERT, F16", "roberta-base, ROBERTA, BF16"})
    void shouldImportABaseEncoderStoredInHalfPrecisionWithASeededNewHead(
            String fixture, ModelArchitecture arch, String dtype) {
        // Given: a base encoder (no qa_outputs; a pooler to ignore), weights in half precision
        Path checkpoint = Fixtures.copy(fixture, work.resolve("sources"));
        try (SafetensorsReader reader =
                SafetensorsReader.open(checkpoint.resolve("model.safetensors"))) {
            assertThat(reader.dtype(reader.names().get(0))).isEqualTo(dtype);
        }
        Fixtures.Expected expected = Fixtures.expected(checkpoint);
        Path store = work.resolve("store").resolve(fixture);
        ImportOptions options = ImportOptions.DEFAULTS.withMaxSeqLength(48);

        // When: imported twice with one seed and once with another
        ImportedModel first =
                new ModelImporter(options.withQaHeadSeed(7))
                        .importHuggingFace(checkpoint, store.resolve("1"));
        ImportedModel again =
                new ModelImporter(options.withQaHeadSeed(7))
                        .importHuggingFace(checkpoint, store.resolve("2"));
        ImportedModel other =
                new ModelImporter(options.withQaHeadSeed(8))
                        .importHuggingFace(checkpoint, store.resolve("3"));

        // Then: the encoder computes the reference hidden states
        assertThat(first.qaHeadFromCheckpoint()).isFalse();
        assertThat(first.ignoredTensors()).contains("pooler.dense.weight", "pooler.dense.bias");
        float hiddenDiff =
                Fixtures.maxAbsDiff(
                        Fixtures.flatten(expected.lastHiddenState()),
                        encode(first.directory(), arch, expected.inputs()));
        System.out.printf("%s (%s): max |diff| hidden %.2e%n", fixture, dtype, hiddenDiff);
        assertThat(hiddenDiff).isLessThanOrEqualTo(TOLERANCE);
        // and the new head depends on the seed only
        float[] head1 = headWeights(first.directory(), arch);
        assertThat(headWeights(again.directory(), arch)).containsExactly(head1);
        assertThat(headWeights(other.directory(), arch)).isNotEqualTo(head1);
        assertThat(head1)
                .containsExactly(
                        TemplateGrowth.newHead("w.weight", new long[] {2, 32}, 7).values());
        try (PtNDManager manager = manager();
                TemplateModule module =
                        TemplateModule.open(
                                first.directory().modelFile(), Layout.of(arch), manager, false)) {
            assertThat(module.values(Layout.QA_BIAS)).containsOnly(0f);
        }
        assertThat(logits(first.directory(), arch, expected.inputs())[0])
                .containsExactly(logits(again.directory(), arch, expected.inputs())[0]);
        // the same source and options give the same bytes
        assertThat(ModelStore.sha256(again.directory().modelFile()))
                .isEqualTo(ModelStore.sha256(first.directory().modelFile()));
        Map<String, Object> metadata = ModelStore.readMetadata(first.directory());
        assertThat(metadata.get("qa_head"))
                .isEqualTo(
                        Map.of(
                                "source",
                                "new",
                                "seed",
                                7,
                                "init",
                                "weight normal(0, 0.02) from java.util.Random(seed), bias 0"));
    }

    @Test
    void shouldReadACheckpointShardedOverSeveralSafetensorsFiles() throws Exception {
        // Given: the bert-qa weights split over two files listed by model.safetensors.index.json
        Path checkpoint = Fixtures.copy("bert-qa", work.resolve("sources"));
        Fixtures.Expected expected = Fixtures.expected(checkpoint);
        List<SafetensorsWriter.Raw> tensors =
                SafetensorsWriter.readAll(checkpoint.resolve("model.safetensors"));
        int half = tensors.size() / 2;
        String first = "model-00001-of-00002.safetensors";
        String second = "model-00002-of-00002.safetensors";
        SafetensorsWriter.write(checkpoint.resolve(first), tensors.subList(0, half));
        SafetensorsWriter.write(checkpoint.resolve(second), tensors.subList(half, tensors.size()));
        Map<String, String> weightMap = new java.util.LinkedHashMap<>();
        for (int i = 0; i < tensors.size(); i++) {
            weightMap.put(tensors.get(i).name(), i < half ? first : second);
        }
        Fixtures.JSON.writeValue(
                checkpoint.resolve("model.safetensors.index.json").toFile(),
                Map.of("metadata", Map.of(), "weight_map", weightMap));
        java.nio.file.Files.delete(checkpoint.resolve("model.safetensors"));

        // When
        ImportedModel imported =
                new ModelImporter(ImportOptions.DEFAULTS.withMaxSeqLength(48))
                        .importHuggingFace(checkpoint, work.resolve("sharded/bert-qa/1"));

        // Then
        float[][] logits = logits(imported.directory(), ModelArchitecture.BERT, expected.inputs());
        assertThat(Fixtures.maxAbsDiff(Fixtures.flatten(expected.startLogits()), logits[0]))
                .isLessThanOrEqualTo(TOLERANCE);
        @SuppressWarnings("unchecked")
        Map<String, Object> hashes =
                (Map<String, Object>)
                        ((Map<String, Object>)
                                        ModelStore.readMetadata(imported.directory())
                                                .get("imported_from"))
                                .get("sha256");
        assertThat(hashes)
                .containsOnlyKeys(
                        "config.json",
                        "tokenizer.json",
                        "model.safetensors.index.json",
                        first,
                        second);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"bert-qa", "roberta-qa", "distilbert-qa"})
    void shouldAnswerAQuestionThroughTheServingPathOnceImported(String fixture) {
        // Given
        Path checkpoint = Fixtures.copy(fixture, work.resolve("sources"));
        Path target = work.resolve("serving").resolve(fixture).resolve("1");
        new ModelImporter(ImportOptions.DEFAULTS.withMaxSeqLength(48).withSupportsNullAnswer(true))
                .importHuggingFace(checkpoint, target);

        // When: loaded as any version is, and asked a question longer than one window
        String context =
                "the capital of france is paris . the river of the city is long . ".repeat(4);
        try (DjlQaModel model = DjlQaModel.load(ModelDirectory.open(target));
                QaPredictor predictor = model.newPredictor()) {
            List<QaResult> answers =
                    predictor.answer(
                            List.of(new QaInput("what is the capital of france?", context)));

            // Then: it answers (the tiny random model's answer means nothing)
            assertThat(answers).hasSize(1);
            assertThat(model.name()).isEqualTo(fixture);
            assertThat(model.version()).isEqualTo(1);
        }
    }

    static float[][] logits(ModelDirectory dir, ModelArchitecture arch, long[][][] inputs) {
        try (PtNDManager manager = manager();
                TemplateModule module =
                        TemplateModule.open(dir.modelFile(), Layout.of(arch), manager, false)) {
            return module.logits(inputs);
        }
    }

    static float[] encode(ModelDirectory dir, ModelArchitecture arch, long[][][] inputs) {
        try (PtNDManager manager = manager();
                TemplateModule module =
                        TemplateModule.open(dir.modelFile(), Layout.of(arch), manager, false)) {
            return module.encode(inputs);
        }
    }

    private static float[] headWeights(ModelDirectory dir, ModelArchitecture arch) {
        try (PtNDManager manager = manager();
                TemplateModule module =
                        TemplateModule.open(dir.modelFile(), Layout.of(arch), manager, false)) {
            return module.values(Layout.QA_WEIGHT);
        }
    }

    static PtNDManager manager() {
        return (PtNDManager) NDManager.newBaseManager(Device.cpu(), EngineSettings.ENGINE);
    }
}
