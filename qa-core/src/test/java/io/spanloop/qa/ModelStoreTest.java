package io.spanloop.qa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spanloop.qa.testing.ColorFacts;
import io.spanloop.qa.testing.TinyModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing fine-tuned versions: atomic, verified, immutable. */
class ModelStoreTest {

    @TempDir static Path root;
    private static ModelStore store;
    private static ModelDirectory base;
    private static TrainedModel trained;
    private static final List<TrainingExample> EXAMPLES = ColorFacts.examples(16, 11);

    @BeforeAll
    static void train() {
        EngineSettings.DEFAULTS.apply();
        store = new ModelStore(root);
        base = TinyModel.copyTo(root, 1);
        TrainingOptions options =
                TrainingOptions.DEFAULTS
                        .withEpochs(3)
                        .withBatchSize(8)
                        .withLearningRate(1e-3)
                        .withDevice(DeviceSpec.CPU);
        trained = new FineTuner(options).fineTune(base, EXAMPLES);
    }

    @AfterAll
    static void close() {
        trained.close();
    }

    @Test
    void shouldWriteAVersionThatLoadsAndAnswersLikeTheTrainedModel() throws IOException {
        // When
        ModelDirectory written =
                store.write(
                        trained,
                        TinyModel.NAME,
                        2,
                        Map.of("metrics", Map.of("candidate", Map.of("f1", 87.5))));
        // Then: the directory is complete and named by its version
        assertThat(written.path()).isEqualTo(root.resolve(TinyModel.NAME).resolve("2"));
        assertThat(written.version()).isEqualTo(2);
        assertThat(Files.readAllBytes(written.tokenizerFile()))
                .isEqualTo(Files.readAllBytes(base.tokenizerFile()));
        assertThat(written.config()).isEqualTo(base.config());
        // and a fresh load answers exactly as the model in memory, unlike the base
        try (DjlQaModel loaded = DjlQaModel.load(written);
                DjlQaModel original = DjlQaModel.load(base);
                QaPredictor fromDisk = loaded.newPredictor();
                QaPredictor inMemory = trained.newPredictor();
                QaPredictor untrained = original.newPredictor()) {
            List<QaInput> inputs = EXAMPLES.stream().map(TrainingExample::input).toList();
            List<QaResult> expected = inMemory.answer(inputs);
            List<QaResult> actual = fromDisk.answer(inputs);
            for (int i = 0; i < inputs.size(); i++) {
                assertThat(actual.get(i).best()).isNotNull();
                assertThat(actual.get(i).best().text()).isEqualTo(expected.get(i).best().text());
            }
            assertThat(untrained.answer(inputs)).isNotEqualTo(actual);
        }
        // and the metadata says what it is
        Map<String, Object> metadata = ModelStore.readMetadata(written);
        assertThat(metadata)
                .containsEntry("model_name", TinyModel.NAME)
                .containsEntry("version", 2)
                .containsEntry("parent", 1)
                .containsKeys("created_at", "training", "metrics", "sha256");
        assertThat(metadata.get("training"))
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("steps", 6)
                .containsKeys("loss_per_epoch", "skipped_examples", "seconds", "device");
    }

    @Test
    void shouldWriteEveryModuleInInferenceMode() throws IOException {
        // DJL puts every module it loads in eval mode, so this reads the saved flags themselves:
        // torch.jit.load restores them, and a module saved training would run dropout there
        ModelDirectory written = store.write(trained, TinyModel.NAME, 5, Map.of());
        List<Boolean> flags = TorchScriptFlags.training(written.modelFile());
        assertThat(flags).hasSizeGreaterThan(10).containsOnly(false);
    }

    @Test
    void shouldRecordTheSha256OfEveryFile() throws IOException {
        ModelDirectory written = store.write(trained, TinyModel.NAME, 3, Map.of());
        Map<?, ?> hashes = (Map<?, ?>) ModelStore.readMetadata(written).get("sha256");
        assertThat(hashes).hasSize(3);
        for (String file : List.of("model.pt", "tokenizer.json", "config.json")) {
            assertThat(hashes.get(file))
                    .isEqualTo(ModelStore.sha256(written.path().resolve(file)))
                    .asString()
                    .hasSize(64);
        }
        Path abc = Files.writeString(root.resolve("abc.txt"), "abc", StandardCharsets.US_ASCII);
        assertThat(ModelStore.sha256(abc))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void shouldRefuseToOverwriteAnExistingVersion() throws IOException {
        ModelDirectory written = store.write(trained, TinyModel.NAME, 4, Map.of());
        String hash = ModelStore.sha256(written.modelFile());
        assertThatThrownBy(() -> store.write(trained, TinyModel.NAME, 4, Map.of()))
                .isInstanceOf(FileAlreadyExistsException.class)
                .hasMessageContaining("immutable");
        assertThatThrownBy(() -> store.write(trained, TinyModel.NAME, 1, Map.of()))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(ModelStore.sha256(written.modelFile())).isEqualTo(hash);
        assertThat(ModelStore.sha256(base.modelFile()))
                .isNotEqualTo(hash)
                .isEqualTo(
                        ModelStore.sha256(TinyModel.copyTo(root.resolve("copy"), 1).modelFile()));
    }

    @Test
    void shouldIgnoreAndCleanUpWhatACrashedWriterLeft(@TempDir Path other) throws IOException {
        // Given: a store with version 1 and a half-written version 7 of a crashed writer
        ModelStore fresh = new ModelStore(other);
        TinyModel.copyTo(other, 1);
        Path leftover = other.resolve(TinyModel.NAME).resolve(".tmp-7-abc").resolve("7");
        Files.createDirectories(leftover);
        Files.write(leftover.resolve("model.pt"), new byte[] {1, 2, 3});
        // Then: readers do not see it
        assertThat(fresh.versions(TinyModel.NAME)).containsExactly(1L);
        assertThat(fresh.nextVersion(TinyModel.NAME)).isEqualTo(2);
        // When: the next write happens
        fresh.write(trained, TinyModel.NAME, 2, Map.of());
        // Then: it is gone
        try (Stream<Path> entries = Files.list(other.resolve(TinyModel.NAME))) {
            assertThat(entries.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("1", "2", ".lock");
        }
        assertThat(fresh.latestVersion(TinyModel.NAME)).hasValue(2);
    }

    @Test
    void shouldLeaveNothingBehindWhenAWriteFails(@TempDir Path other) throws IOException {
        ModelStore fresh = new ModelStore(other);
        TrainingOptions oneStep =
                TrainingOptions.DEFAULTS.withMaxSteps(1).withDevice(DeviceSpec.CPU);
        TrainedModel closed = new FineTuner(oneStep).fineTune(base, EXAMPLES);
        closed.close();
        assertThatThrownBy(() -> fresh.write(closed, "other-model", 1, Map.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("released");
        try (Stream<Path> entries = Files.list(other.resolve("other-model"))) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactly(".lock");
        }
        assertThat(fresh.latestVersion("other-model")).isEmpty();
    }

    @Test
    void shouldRefuseAWrittenCopyThatDoesNotReproduceTheModel() {
        // the base version is not what was trained
        assertThatThrownBy(() -> ReloadCheck.verify(trained, base))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("does not reproduce the trained model");
    }

    @Test
    void shouldStoreUnderAnotherNameWithThatNameInItsConfig(@TempDir Path other)
            throws IOException {
        ModelDirectory written = new ModelStore(other).write(trained, "colors", 1, Map.of());
        assertThat(written.modelName()).isEqualTo("colors");
        assertThat(written.config().maxSeqLength()).isEqualTo(base.config().maxSeqLength());
        try (DjlQaModel loaded = DjlQaModel.load(written)) {
            assertThat(loaded.name()).isEqualTo("colors");
            assertThat(loaded.version()).isEqualTo(1);
        }
    }

    @Test
    void shouldListOnlyVersionDirectoriesInNumericOrder(@TempDir Path other) throws IOException {
        ModelStore fresh = new ModelStore(other);
        assertThat(fresh.latestVersion("m")).isEmpty();
        assertThat(fresh.nextVersion("m")).isEqualTo(1);
        for (String name : List.of("1", "2", "10", "01", "latest", ".tmp-3-x")) {
            Files.createDirectories(other.resolve("m").resolve(name));
        }
        Files.createFile(other.resolve("m").resolve("11"));
        assertThat(fresh.versions("m")).containsExactly(1L, 2L, 10L);
        assertThat(fresh.nextVersion("m")).isEqualTo(11);
        assertThatThrownBy(() -> fresh.versionPath("../evil", 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> fresh.versionPath("m", 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
