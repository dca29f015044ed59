package io.spanloop.qa.imports;

import ai.djl.engine.EngineException;
import io.spanloop.qa.InvalidModelException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where the version goes: an absolute path whose name is a version number, under a directory named
 * after the model; the directories above it that an import creates, and how its failures read.
 */
record ImportTarget(Path path, Path parent, long version, String modelName) {

    private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,18}");

    static ImportTarget of(Path versionDir, ImportOptions options) {
        Path path = versionDir.toAbsolutePath().normalize();
        String name = path.getFileName() == null ? "" : path.getFileName().toString();
        if (!VERSION.matcher(name).matches()) {
            throw new ModelImportException(
                    "a model version directory is named by its version number (1, 2, ...),"
                            + " not '"
                            + name
                            + "'");
        }
        if (Files.exists(path)) {
            throw new ModelImportException(path + " already exists (model versions are immutable)");
        }
        Path parent = path.getParent();
        String modelName =
                options.modelName() != null
                        ? options.modelName()
                        : parent.getFileName() == null ? "" : parent.getFileName().toString();
        if (!MODEL_NAME.matcher(modelName).matches()) {
            throw new ModelImportException(
                    "a model name is letters, digits, '.', '_' and '-', not starting with"
                            + " '.' or '-': '"
                            + modelName
                            + "' (set ImportOptions.modelName or put the version in"
                            + " <store>/<model-name>/<version>)");
        }
        return new ImportTarget(path, parent, Long.parseLong(name), modelName);
    }

    /**
     * Creates the missing directories above the version, each added to {@code created} as soon as
     * it exists (so that {@link #removeCreated} can undo a partial run).
     */
    void createParents(List<Path> created) throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path p = parent; p != null && !Files.exists(p); p = p.getParent()) {
            missing.add(0, p);
        }
        for (Path p : missing) {
            Files.createDirectory(p);
            created.add(p);
        }
    }

    /** Removes the directories {@link #createParents} created, deepest first, if still empty. */
    static void removeCreated(List<Path> created) {
        for (int i = created.size() - 1; i >= 0; i--) {
            try {
                Files.deleteIfExists(created.get(i)); // only if still empty
            } catch (IOException ignored) {
                // someone else put something there: keep it
            }
        }
    }

    /**
     * The exception to throw for a failure while writing the version: a {@link
     * ModelImportException} that says what failed (an {@link Error} is rethrown as it is).
     */
    RuntimeException failure(Throwable e) {
        if (e instanceof ModelImportException m) {
            return m;
        }
        if (e instanceof Error error) {
            throw error;
        }
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        if (e instanceof FileAlreadyExistsException) {
            return new ModelImportException(
                    path + " already exists (model versions are immutable)", e);
        }
        if (e instanceof IOException) {
            return new ModelImportException("cannot write " + path + ": " + message, e);
        }
        if (e instanceof InvalidModelException) {
            return new ModelImportException("the imported model does not load: " + message, e);
        }
        if (e instanceof EngineException) {
            return new ModelImportException("PyTorch failed while importing: " + message, e);
        }
        return (RuntimeException) e;
    }
}
