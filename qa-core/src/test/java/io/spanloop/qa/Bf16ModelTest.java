package io.spanloop.qa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spanloop.qa.imports.ImportOptions;
import io.spanloop.qa.imports.ModelImporter;
import io.spanloop.qa.testing.ColorFacts;
import io.spanloop.qa.testing.TinyModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Precision#BF16}: every kind of model spanloop makes (the tiny fixture of {@code
 * make_tiny_model.py}, and models imported through each architecture's template) runs its encoder
 * in bfloat16 with logits close to fp32's; a model without the cast method is refused.
 */
class Bf16ModelTest {

    /** bfloat16 keeps 8 significant bits: about 0.4% per operation, a few % after the layers. */
    static final double RELATIVE_TOLERANCE = 0.05;

    static final List<QaInput> INPUTS =
            List.of(
                    new QaInput(
                            "What is the capital of France?", "The capital of France is Paris."),
                    new QaInput("Who wrote it?", "The book 📚 was written by a queen of rome."),
                    new QaInput("Which river?", "the river of rome is long. ".repeat(30)));

    @TempDir static Path store;

    @BeforeAll
    static void startEngine() {
        EngineSettings.DEFAULTS.apply();
    }

    @Test
    void shouldRunTheTinyModelsEncoderInBf16WithCloseLogits() {
        assertCloseLogits(TinyModel.copyTo(store, 1));
    }

    @Test
    void shouldRunAVersionFineTunedFromItInBf16() throws IOException {
        ModelDirectory base = TinyModel.copyTo(store.resolve("trained"), 1);
        TrainingOptions options =
                TrainingOptions.DEFAULTS
                        .withBatchSize(8)
                        .withLearningRate(1e-3)
                        .withSeed(7)
                        .withEpochs(2)
                        .withDevice(DeviceSpec.CPU);
        ModelDirectory trained;
        try (TrainedModel fineTuned =
                new FineTuner(options).fineTune(base, ColorFacts.examples(16, 1))) {
            trained =
                    new ModelStore(store.resolve("trained"))
                            .write(fineTuned, TinyModel.NAME, 2, Map.of());
        }

        assertCloseLogits(trained);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bert-qa", "roberta-qa", "distilbert-qa"})
    void shouldRunImportedModelsInBf16WithCloseLogits(String fixture) throws IOException {
        Path checkpoint = store.resolve("sources").resolve(fixture);
        Files.createDirectories(checkpoint);
        for (String file : List.of("config.json", "model.safetensors", "tokenizer.json")) {
            try (InputStream in =
                    Objects.requireNonNull(
                            getClass().getResourceAsStream("/imports/" + fixture + "/" + file))) {
                Files.copy(in, checkpoint.resolve(file));
            }
        }
        Path target = store.resolve(fixture).resolve("1");
        new ModelImporter(ImportOptions.DEFAULTS.withMaxSeqLength(48))
                .importHuggingFace(checkpoint, target);

        assertCloseLogits(ModelDirectory.open(target));
    }

    @Test
    void shouldRefuseBf16ForAModelWithoutTheCastMethod() throws IOException {
        Path dir = store.resolve("without-bf16").resolve("1");
        Files.createDirectories(dir);
        for (String file : List.of("model.pt", "tokenizer.json", "config.json")) {
            try (InputStream in =
                    Objects.requireNonNull(
                            getClass().getResourceAsStream("/models/without-bf16/1/" + file))) {
                Files.copy(in, dir.resolve(file));
            }
        }
        ModelDirectory directory = ModelDirectory.open(dir);
        try (DjlQaModel fp32 = DjlQaModel.load(directory, QaModelOptions.DEFAULTS)) {
            assertThat(fp32.precision()).isEqualTo(Precision.FP32);
        }

        assertThatThrownBy(
                        () ->
                                DjlQaModel.load(
                                        directory,
                                        QaModelOptions.DEFAULTS.withPrecision(Precision.BF16)))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("has no use_bfloat16 method")
                .hasMessageContaining("use fp32");
    }

    @Test
    void shouldParsePrecisionsAndRefuseBf16OnACpuWithoutBfloat16Instructions() {
        assertThat(Precision.parse(" BF16 ")).isEqualTo(Precision.BF16);
        assertThat(Precision.parse("fp32")).isEqualTo(Precision.FP32);
        assertThatThrownBy(() -> Precision.parse("fp16"))
                .hasMessage("precision must be fp32 or bf16, was 'fp16'");

        CpuFeatures withBf16 =
                CpuFeatures.parse(
                        "processor\t: 0\nflags\t\t: fpu sse2 avx512f avx512_bf16 amx_tile\n\n"
                                + "processor\t: 1\nflags\t\t: fpu\n",
                        "test");
        CpuFeatures withAmx = CpuFeatures.parse("flags : fpu amx_bf16\n", "test");
        CpuFeatures without = CpuFeatures.parse("flags\t: fpu sse2 avx2 avx512f\n", "test");
        CpuFeatures unknown = CpuFeatures.parse("processor : 0\n", "test");

        assertThat(withBf16.bfloat16()).isTrue();
        assertThat(withAmx.bfloat16()).isTrue();
        assertThat(without.bfloat16()).isFalse();
        assertThat(unknown.bfloat16()).isFalse();
        Precision.BF16.requireSupportedBy(withBf16);
        Precision.FP32.requireSupportedBy(without);
        assertThatThrownBy(() -> Precision.BF16.requireSupportedBy(without))
                .hasMessageContaining("AVX512_BF16 or AMX-BF16")
                .hasMessageContaining("this CPU has neither");
        assertThatThrownBy(() -> Precision.BF16.requireSupportedBy(unknown))
                .hasMessageContaining("features are unknown (no flags line in test)");
    }

    private static void assertCloseLogits(ModelDirectory directory) {
        try (DjlQaModel fp32 = DjlQaModel.load(directory, QaModelOptions.DEFAULTS);
                DjlQaModel bf16 =
                        DjlQaModel.load(
                                directory, QaModelOptions.DEFAULTS.withPrecision(Precision.BF16));
                QaTokenizer tokenizer =
                        new QaTokenizer(directory.tokenizerFile(), directory.config())) {
            assertThat(bf16.precision()).isEqualTo(Precision.BF16);
            WindowEncoder encoder = new WindowEncoder(tokenizer, directory.config());
            double worst = 0;
            double largest = 0;
            boolean anyDifferent = false;
            for (QaInput input : INPUTS) {
                List<Window> windows = encoder.encode(input).windows();
                List<WindowLogits> full = fp32.logits(windows);
                List<WindowLogits> half = bf16.logits(windows);
                for (int w = 0; w < windows.size(); w++) {
                    float[][] a = {full.get(w).start(), full.get(w).end()};
                    float[][] b = {half.get(w).start(), half.get(w).end()};
                    for (int k = 0; k < 2; k++) {
                        assertThat(b[k]).hasSameSizeAs(a[k]);
                        for (int i = 0; i < a[k].length; i++) {
                            worst = Math.max(worst, Math.abs(a[k][i] - b[k][i]));
                            largest = Math.max(largest, Math.abs(a[k][i]));
                            anyDifferent |= a[k][i] != b[k][i];
                        }
                    }
                }
            }
            System.out.printf(
                    "%s bf16: max |logit - fp32 logit| %.4f, largest |logit| %.3f%n",
                    directory.modelName(), worst, largest);
            assertThat(anyDifferent).as("bf16 computed something else than fp32").isTrue();
            assertThat(worst).isLessThanOrEqualTo(RELATIVE_TOLERANCE * largest);
        }
    }
}
