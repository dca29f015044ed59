package io.spanloop.qa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spanloop.qa.testing.TinyModel;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Installing an existing version directory: one way, atomic, complete or absent. */
class ModelStoreInstallTest {

    @Test
    void shouldInstallACompleteCopyAndRefuseToOverwriteIt(
            @TempDir Path root, @TempDir Path elsewhere) throws IOException {
        // Given
        ModelDirectory source = TinyModel.copyTo(elsewhere, 1);
        ModelStore store = new ModelStore(root);

        // When
        ModelDirectory installed = store.install(source, "imported", 1);

        // Then: the same files, nothing staged left behind
        assertThat(installed.path()).isEqualTo(root.resolve("imported").resolve("1"));
        assertThat(ModelStore.sha256(installed.modelFile()))
                .isEqualTo(ModelStore.sha256(source.modelFile()));
        assertThat(store.versions("imported")).containsExactly(1L);
        assertThat(hidden(root.resolve("imported"))).isEmpty();
        assertThatThrownBy(() -> store.install(source, "imported", 1))
                .isInstanceOf(FileAlreadyExistsException.class);
    }

    @Test
    void shouldRefuseAnIncompleteSourceAndLeaveNothingBehind(
            @TempDir Path root, @TempDir Path elsewhere) throws IOException {
        // Given: a source whose config.json is not JSON
        ModelDirectory source = TinyModel.copyTo(elsewhere, 1);
        Files.writeString(source.path().resolve(ModelDirectory.CONFIG_FILE), "{ broken");

        // Then
        assertThatThrownBy(() -> ModelStore.copy(source, root.resolve("1"), false))
                .isInstanceOf(InvalidModelException.class);
        try (Stream<Path> left = Files.list(root)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void shouldReplaceAnExistingDirectoryWhenAsked(@TempDir Path root, @TempDir Path elsewhere)
            throws IOException {
        // Given: an older copy with an extra file in the way
        ModelDirectory source = TinyModel.copyTo(elsewhere, 1);
        Path target = root.resolve("1");
        ModelStore.copy(source, target, false);
        Files.writeString(target.resolve("stale.txt"), "old");

        // When
        ModelStore.copy(source, target, true);

        // Then
        assertThat(target.resolve("stale.txt")).doesNotExist();
        assertThat(target.resolve(ModelDirectory.MODEL_FILE)).exists();
        assertThat(hidden(root)).isEmpty();
    }

    private static java.util.List<Path> hidden(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> p.getFileName().toString().startsWith(".tmp-")).toList();
        }
    }
}
