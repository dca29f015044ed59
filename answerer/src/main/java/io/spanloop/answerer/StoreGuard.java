package io.spanloop.answerer;

import io.spanloop.events.ModelVersion;
import io.spanloop.qa.ModelStore;
import java.io.IOException;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.apache.kafka.common.config.ConfigException;

/**
 * Where a model-version event may point: a TorchScript file is code that the engine runs, so the
 * answerer loads versions only from inside the model store, under the served model's name, with
 * every link resolved (a symlinked directory or file that leads out of the store is refused), and
 * only a {@code model.pt} no larger than the configured limit.
 */
final class StoreGuard {

    private final Path store;
    private final long maxModelBytes;

    /**
     * @param store the model store (must exist; links in its own path are resolved once here)
     * @param maxModelBytes the largest {@code model.pt} accepted
     */
    StoreGuard(Path store, long maxModelBytes) {
        try {
            this.store = store.toRealPath();
        } catch (IOException e) {
            throw new ConfigException(
                    AnswererConfig.MODEL_STORE, store.toString(), "the model store does not exist");
        }
        this.maxModelBytes = maxModelBytes;
    }

    /**
     * The version directory of {@code event}, resolved, once it is known to be inside the store
     * under {@code modelName} and small enough.
     *
     * @throws RefusedVersionException saying why it is not
     */
    Path directory(ModelVersion event, String modelName) {
        return checked(pathOf(event.getUri()), modelName);
    }

    /** Version {@code version} of {@code modelName} in the store, checked the same way. */
    Path directory(String modelName, long version) {
        return checked(new ModelStore(store).versionPath(modelName, version), modelName);
    }

    private Path checked(Path dir, String modelName) {
        Path allowed = store.resolve(modelName);
        Path real;
        try {
            real = dir.toRealPath();
        } catch (NoSuchFileException e) {
            throw new RefusedVersionException("the directory " + dir + " does not exist");
        } catch (IOException e) {
            throw new RefusedVersionException("the directory " + dir + " is unreadable: " + e);
        }
        if (!real.startsWith(allowed) || real.equals(allowed)) {
            throw new RefusedVersionException(
                    dir
                            + (real.equals(dir) ? "" : " (really " + real + ")")
                            + " is outside the model store's "
                            + allowed
                            + ": versions are only loaded from there");
        }
        checkEntries(real);
        return real;
    }

    private static Path pathOf(String uri) {
        URI parsed;
        try {
            parsed = URI.create(uri);
        } catch (IllegalArgumentException e) {
            throw new RefusedVersionException("the uri '" + uri + "' is no URI");
        }
        if (!"file".equals(parsed.getScheme())) {
            throw new RefusedVersionException("the uri '" + uri + "' is not a file: URI");
        }
        try {
            return Path.of(parsed);
        } catch (IllegalArgumentException e) {
            throw new RefusedVersionException("the uri '" + uri + "' names no local path");
        }
    }

    /** Every file of the version resolves inside it, and model.pt is within the size limit. */
    private void checkEntries(Path dir) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                Path real = entry.toRealPath();
                if (!real.startsWith(dir)) {
                    throw new RefusedVersionException(
                            entry.getFileName() + " links outside the version directory");
                }
            }
            Path model = dir.resolve("model.pt");
            if (Files.isRegularFile(model) && Files.size(model) > maxModelBytes) {
                throw new RefusedVersionException(
                        "model.pt is "
                                + Files.size(model)
                                + " bytes, more than the "
                                + maxModelBytes
                                + " of "
                                + AnswererConfig.MODEL_MAX_BYTES);
            }
        } catch (IOException e) {
            throw new RefusedVersionException("the directory " + dir + " is unreadable: " + e);
        }
    }

    /** A version the guard does not let the answerer load. */
    static final class RefusedVersionException extends RuntimeException {
        RefusedVersionException(String message) {
            super(message);
        }
    }
}
