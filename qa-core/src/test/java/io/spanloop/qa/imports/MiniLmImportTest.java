package io.spanloop.qa.imports;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.spanloop.qa.DeviceSpec;
import io.spanloop.qa.DjlQaModel;
import io.spanloop.qa.EngineSettings;
import io.spanloop.qa.FineTuner;
import io.spanloop.qa.ModelArchitecture;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.ModelStore;
import io.spanloop.qa.QaInput;
import io.spanloop.qa.QaPredictor;
import io.spanloop.qa.QaResult;
import io.spanloop.qa.TrainedModel;
import io.spanloop.qa.TrainingExample;
import io.spanloop.qa.TrainingOptions;
import io.spanloop.qa.testing.ColorFacts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real pretrained transformer, all-MiniLM-L6-v2, imported from the ONNX file in its Maven jar:
 * the grown TorchScript must compute what ONNX Runtime computes from the original file, load as a
 * model version, answer, and fine-tune.
 */
class MiniLmImportTest {

    private static final List<String> SENTENCES =
            List.of(
                    "The quick brown fox jumps over the lazy dog.",
                    "Paris is the capital and most populous city of France.",
                    "Spanloop answers questions about documents, and people correct its answers.",
                    "Who wrote the book?");

    @TempDir static Path work;
    private static MiniLm.Extracted files;
    private static ImportedModel imported;

    @BeforeAll
    static void importMiniLm() {
        EngineSettings.DEFAULTS.apply();
        files = MiniLm.extract(work.resolve("jar"));
        Path target = work.resolve("store").resolve("minilm").resolve("1");
        imported =
                new ModelImporter(ImportOptions.DEFAULTS.withMaxSeqLength(128))
                        .importOnnx(files.onnx(), files.tokenizer(), target);
        System.out.printf(
                "imported MiniLM in %.1f s: %d parameters, model.pt %d bytes%n",
                imported.seconds(), imported.parameters(), size(target.resolve("model.pt")));
    }

    @Test
    void shouldReadTheEncodersShapeFromTheOnnxGraph() {
        EncoderSpec spec = imported.encoder();
        assertThat(spec.arch()).isEqualTo(ModelArchitecture.BERT);
        assertThat(spec.numLayers()).isEqualTo(6);
        assertThat(spec.hiddenSize()).isEqualTo(384);
        assertThat(spec.numAttentionHeads()).isEqualTo(12);
        assertThat(spec.intermediateSize()).isEqualTo(1536);
        assertThat(spec.maxPositionEmbeddings()).isEqualTo(512);
        assertThat(spec.vocabSize()).isEqualTo(30522);
        assertThat(spec.typeVocabSize()).isEqualTo(2);
        assertThat(spec.layerNormEps()).isEqualTo(1e-12);
        assertThat(spec.hiddenAct()).isEqualTo("gelu");
        assertThat(imported.qaHeadFromCheckpoint()).isFalse();
        // the 22.7 M of all-MiniLM-L6-v2 less its pooler (384 x 384 + 384, unused by QA and not
        // in the ONNX file), plus the new head's 2 x 384 + 2
        assertThat(imported.parameters()).isEqualTo(22_713_216L - 147_840 + 770);
        assertThat(imported.ignoredTensors()).containsExactly("embeddings.position_ids");
    }

    @Test
    void shouldNameEveryAnonymousMatMulWeightAfterTheBiasAddedToIt() {
        OnnxWeights onnx = OnnxWeights.read(files.onnx());
        List<String> anonymous =
                onnx.names().stream()
                        .filter(n -> onnx.storedName(n).startsWith("onnx::MatMul_"))
                        .toList();
        assertThat(anonymous).hasSize(36);
        assertThat(anonymous)
                .allMatch(n -> n.startsWith("encoder.layer.") && n.endsWith(".weight"));
        assertThat(anonymous)
                .contains(
                        "encoder.layer.0.attention.self.query.weight",
                        "encoder.layer.5.output.dense.weight");
        assertThat(onnx.shape("encoder.layer.3.intermediate.dense.weight"))
                .containsExactly(1536, 384);
        assertThat(onnx.shape("encoder.layer.3.output.dense.weight")).containsExactly(384, 1536);
        assertThat(onnx.attentionHeads(384)).hasValue(12);
        assertThat(onnx.layerNormEps()).hasValue(1e-12);
        assertThat(onnx.hiddenAct()).hasValue("gelu");
        assertThat(onnx.producer()).isEqualTo("pytorch 2.0.1");
        assertThat(onnx.graphInputs())
                .containsExactly("input_ids", "attention_mask", "token_type_ids");
    }

    @Test
    @Timeout(120)
    void shouldComputeWhatOnnxRuntimeComputesOnRealSentences() throws Exception {
        // Given: real sentences, tokenised with the model's tokenizer, padded into one batch
        long[][] ids;
        try (HuggingFaceTokenizer tokenizer =
                HuggingFaceTokenizer.builder()
                        .optTokenizerPath(files.tokenizer())
                        .optAddSpecialTokens(true)
                        .optPadding(false)
                        .optTruncation(false)
                        .build()) {
            List<long[]> encoded =
                    SENTENCES.stream().map(s -> tokenizer.encode(s)).map(Encoding::getIds).toList();
            int length = encoded.stream().mapToInt(e -> e.length).max().orElseThrow();
            ids = new long[encoded.size()][length];
            for (int b = 0; b < ids.length; b++) {
                System.arraycopy(encoded.get(b), 0, ids[b], 0, encoded.get(b).length);
            }
        }
        long[][] mask = new long[ids.length][ids[0].length];
        long[][] types = new long[ids.length][ids[0].length];
        for (int b = 0; b < ids.length; b++) {
            for (int t = 0; t < ids[b].length; t++) {
                mask[b][t] = ids[b][t] == 0 ? 0 : 1;
            }
        }

        // When: ONNX Runtime runs the original file, DJL the imported TorchScript
        float[][][] reference;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(files.onnx().toString(), options);
                    OnnxTensor idsTensor = OnnxTensor.createTensor(env, ids);
                    OnnxTensor maskTensor = OnnxTensor.createTensor(env, mask);
                    OnnxTensor typesTensor = OnnxTensor.createTensor(env, types);
                    OrtSession.Result result =
                            session.run(
                                    Map.of(
                                            "input_ids", idsTensor,
                                            "attention_mask", maskTensor,
                                            "token_type_ids", typesTensor))) {
                reference = (float[][][]) result.get("last_hidden_state").orElseThrow().getValue();
            }
        }
        float[] hidden =
                SafetensorsImportTest.encode(
                        imported.directory(),
                        ModelArchitecture.BERT,
                        new long[][][] {ids, mask, types});

        // Then: equal within 1e-4 wherever there is a token
        int width = 384;
        float worst = 0;
        int compared = 0;
        for (int b = 0; b < ids.length; b++) {
            for (int t = 0; t < ids[b].length; t++) {
                if (mask[b][t] == 0) {
                    continue;
                }
                for (int h = 0; h < width; h++) {
                    float djl = hidden[(b * ids[b].length + t) * width + h];
                    worst = Math.max(worst, Math.abs(djl - reference[b][t][h]));
                    compared++;
                }
            }
        }
        System.out.printf(
                "MiniLM DJL vs ONNX Runtime: max |diff| %.2e over %d values (%d sentences, %d"
                        + " positions padded)%n",
                worst, compared, ids.length, ids.length * ids[0].length - compared / width);
        assertThat(compared).isGreaterThan(40 * width);
        assertThat(worst).isLessThanOrEqualTo(1e-4f);
    }

    @Test
    void shouldLoadAsAVersionAndAnswer() {
        try (DjlQaModel model = DjlQaModel.load(ModelDirectory.open(imported.directory().path()));
                QaPredictor predictor = model.newPredictor()) {
            List<QaResult> answers =
                    predictor.answer(
                            List.of(
                                    new QaInput(
                                            "What is the capital of France?",
                                            "Paris is the capital and most populous city of"
                                                    + " France.")));
            assertThat(answers).hasSize(1);
            assertThat(model.name()).isEqualTo("minilm");
            System.out.println("untrained head answers: " + answers.get(0).bestSpan());
        }
    }

    @Test
    @Timeout(180)
    void shouldFineTuneWithLowerLossAndBeWrittenAsTheNextVersion() throws Exception {
        // Given: the imported version and a few labelled questions
        List<TrainingExample> examples = ColorFacts.examples(16, 1);
        TrainingOptions options =
                TrainingOptions.DEFAULTS
                        .withEpochs(3)
                        .withBatchSize(8)
                        .withLearningRate(1e-4)
                        .withSeed(7)
                        .withDevice(DeviceSpec.CPU);

        // When: fine-tuned for 6 steps and written as version 2
        long begin = System.nanoTime();
        ModelDirectory written;
        List<Double> loss;
        try (TrainedModel trained =
                new FineTuner(options).fineTune(imported.directory(), examples)) {
            loss = trained.lossPerEpoch();
            written = new ModelStore(work.resolve("store")).write(trained, "minilm", 2, Map.of());
        }
        System.out.printf(
                "MiniLM fine-tuning: loss per epoch %s, %.1f s with the write%n",
                loss, (System.nanoTime() - begin) / 1e9);

        // Then: the loss fell, and the written version loads (ModelStore checked its logits)
        assertThat(loss).hasSize(3);
        assertThat(loss.get(2)).isLessThan(loss.get(0));
        assertThat(written.version()).isEqualTo(2);
    }

    @Test
    void shouldRecordWhereTheModelCameFromAndTheHashOfEveryFile() {
        Map<String, Object> metadata = ModelStore.readMetadata(imported.directory());
        assertThat(metadata).containsEntry("model_name", "minilm").containsEntry("version", 1);
        @SuppressWarnings("unchecked")
        Map<String, Object> from = (Map<String, Object>) metadata.get("imported_from");
        assertThat(from).containsEntry("format", "onnx").containsEntry("producer", "pytorch 2.0.1");
        assertThat(from.get("sha256"))
                .isEqualTo(
                        Map.of(
                                "all-minilm-l6-v2.onnx", ModelStore.sha256(files.onnx()),
                                "all-minilm-l6-v2-tokenizer.json",
                                        ModelStore.sha256(files.tokenizer())));
        Path dir = imported.directory().path();
        assertThat(metadata.get("sha256"))
                .isEqualTo(
                        Map.of(
                                "model.pt", ModelStore.sha256(dir.resolve("model.pt")),
                                "tokenizer.json", ModelStore.sha256(dir.resolve("tokenizer.json")),
                                "config.json", ModelStore.sha256(dir.resolve("config.json"))));
        assertThat(imported.directory().config().lowerCase()).isTrue();
        assertThat(imported.directory().config().maxSeqLength()).isEqualTo(128);
        assertThat(imported.directory().config().stride()).isEqualTo(32);
        assertThat(imported.directory().config().maxQueryLength()).isEqualTo(32);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
