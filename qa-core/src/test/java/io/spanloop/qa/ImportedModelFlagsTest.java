package io.spanloop.qa;

import static org.assertj.core.api.Assertions.assertThat;

import io.spanloop.qa.imports.ImportOptions;
import io.spanloop.qa.imports.ModelImporter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model.pt of an imported version is saved in inference mode, as written versions are. */
class ImportedModelFlagsTest {

    @TempDir Path work;

    @BeforeAll
    static void startEngine() {
        EngineSettings.DEFAULTS.apply();
    }

    @Test
    void shouldSaveEveryModuleOfAnImportedModelInEvalMode() throws IOException {
        Path checkpoint = Files.createDirectories(work.resolve("bert-qa"));
        for (String file : List.of("config.json", "model.safetensors", "tokenizer.json")) {
            try (InputStream in = getClass().getResourceAsStream("/imports/bert-qa/" + file)) {
                Files.copy(in, checkpoint.resolve(file));
            }
        }
        Path version = work.resolve("store/bert-qa/1");

        new ModelImporter(ImportOptions.DEFAULTS.withMaxSeqLength(64))
                .importHuggingFace(checkpoint, version);

        List<Boolean> flags = TorchScriptFlags.training(version.resolve("model.pt"));
        assertThat(flags).isNotEmpty().containsOnly(false);
    }
}
