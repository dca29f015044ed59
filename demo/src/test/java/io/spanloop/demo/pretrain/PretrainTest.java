package io.spanloop.demo.pretrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.spanloop.qa.DjlQaModel;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.QaInput;
import io.spanloop.qa.QaPredictor;
import io.spanloop.qa.QaResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pre-training command runs a few steps and writes a loadable version directory. */
class PretrainTest {

    /** The committed base model, made by {@code ./spanloop pretrain}. */
    static final Path BASE_MODEL = Path.of("..", "demo-model", "1");

    @Test
    void shouldRunAFewStepsAndWriteALoadableVersion(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("1");
        PretrainOptions options =
                PretrainOptions.builder()
                        .init(BASE_MODEL)
                        .out(out)
                        .examples(48)
                        .epochs(1)
                        .batchSize(8)
                        .maxSteps(3)
                        .build();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        Pretrain.run(options, new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("Pre-training", "48 generated examples", "Held-out towns", "Wrote");
        assertThat(out.resolve("metadata.json"))
                .content()
                .contains("\"examples\" : 48", "and the reading facts");
        try (var left = Files.list(dir)) {
            assertThat(left).containsExactly(out);
        }
        try (DjlQaModel model = DjlQaModel.load(ModelDirectory.open(out));
                QaPredictor predictor = model.newPredictor()) {
            List<QaResult> results =
                    predictor.answer(
                            List.of(new QaInput("Who founded Kalo?", "Kalo was founded by Mo.")));
            assertThat(results).hasSize(1);
        }
    }

    @Test
    void shouldTeachOnlyTheTinyBaseToRead() {
        // a pretrained encoder reads already: the MiniLM base is fine-tuned on the known facts
        // alone, so it never saw a question that resembles a new fact's (README's MiniLM runs)
        assertThat(PretrainOptions.builder().build().readingFacts()).isTrue();
        assertThat(MiniLmBase.training(Path.of("in"), Path.of("out")).readingFacts()).isFalse();
    }

    @Test
    void shouldMakeAFreshModelWithTheDomainVocabularyWhenPythonTorchIsThere(@TempDir Path dir)
            throws Exception {
        Process check = new ProcessBuilder("/usr/bin/python3", "-c", "import torch").start();
        assumeThat(check.waitFor()).as("Debian python3-torch is installed").isZero();
        Path out = dir.resolve("1");
        PretrainOptions options =
                PretrainOptions.builder()
                        .initScript(
                                Path.of(
                                        "..",
                                        "qa-core",
                                        "src",
                                        "test",
                                        "python",
                                        "make_tiny_model.py"))
                        .out(out)
                        .examples(16)
                        .epochs(1)
                        .maxSteps(1)
                        .build();

        Pretrain.run(options, new PrintStream(new ByteArrayOutputStream(), true));

        assertThat(out.resolve("tokenizer.json")).content().contains("\"##mir\"", "\"festival\"");
        assertThat(ModelDirectory.open(out).modelName()).isEqualTo("demo-qa");
    }
}
