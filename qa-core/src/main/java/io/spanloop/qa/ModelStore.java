package io.spanloop.qa;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model store (README, "Model version directory"): one directory per model under the root, one
 * immutable directory per version, {@code <root>/<model-name>/<version>/}. A version is staged in a
 * hidden temporary directory, verified by loading it as a fresh model and comparing its logits with
 * the model that was written, and only then renamed into place atomically; so a version directory
 * that exists is complete and loads. Leftovers of a crashed writer are invisible to readers and
 * removed by the next write. Writers of one model are serialised (within the JVM and, by a file
 * lock, across processes on one host).
 */
public final class ModelStore {

    private static final Logger LOG = LoggerFactory.getLogger(ModelStore.class);

    public static final String METADATA_FILE = "metadata.json";

    static final String TEMP_PREFIX = ".tmp-";
    private static final String LOCK_FILE = ".lock";
    private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,18}");

    /** Records in the metadata (training summary, scores) get snake_case keys like the rest. */
    private static final ObjectMapper JSON =
            new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private static final Map<Path, Object> WRITER_LOCKS = new ConcurrentHashMap<>();

    private static final List<String> VERSION_FILES =
            List.of(
                    ModelDirectory.MODEL_FILE,
                    ModelDirectory.TOKENIZER_FILE,
                    ModelDirectory.CONFIG_FILE,
                    METADATA_FILE);

    private final Path root;

    public ModelStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** Where version {@code version} of {@code modelName} lives (whether or not it exists). */
    public Path versionPath(String modelName, long version) {
        return modelPath(modelName).resolve(Long.toString(requireVersion(version)));
    }

    /** The versions of a model, ascending; staging directories are not versions. */
    public List<Long> versions(String modelName) {
        Path dir = modelPath(modelName);
        List<Long> versions = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return versions;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (VERSION.matcher(name).matches() && Files.isDirectory(entry)) {
                    versions.add(Long.parseLong(name));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        versions.sort(null);
        return versions;
    }

    /** The highest version of a model, if it has any. */
    public OptionalLong latestVersion(String modelName) {
        List<Long> versions = versions(modelName);
        return versions.isEmpty()
                ? OptionalLong.empty()
                : OptionalLong.of(versions.get(versions.size() - 1));
    }

    /** The version a new one gets: one above the latest, 1 for a model without versions. */
    public long nextVersion(String modelName) {
        return latestVersion(modelName).orElse(0) + 1;
    }

    /** Opens an existing version. */
    public ModelDirectory open(String modelName, long version) {
        return ModelDirectory.open(versionPath(modelName, version));
    }

    /** A version's {@code metadata.json}. */
    public static Map<String, Object> readMetadata(ModelDirectory version) {
        Path file = version.path().resolve(METADATA_FILE);
        try {
            return JSON.readValue(file.toFile(), new TypeReference<Map<String, Object>>() {});
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The SHA-256 of a file, as lower-case hex. */
    public static String sha256(Path file) {
        return FileOps.sha256(file);
    }

    /**
     * Writes a fine-tuned model as a new, immutable version: {@code model.pt} (TorchScript, CPU
     * tensors, eval mode), the base version's {@code tokenizer.json} and {@code config.json}, and
     * {@code metadata.json}: {@code model_name}, {@code version}, {@code parent} (the base
     * version), {@code created_at}, {@code training} (the {@link TrainingSummary}, keys in
     * snake_case), then every entry of {@code metadata} (which may replace parent, created_at and
     * training), and {@code sha256} of the three other files.
     *
     * @return the written version
     * @throws FileAlreadyExistsException when the version exists (versions are immutable)
     * @throws InvalidModelException when the written copy does not load or does not reproduce the
     *     model's logits (nothing is left behind)
     * @throws IOException when the store cannot be written
     */
    public ModelDirectory write(
            TrainedModel model, String modelName, long version, Map<String, Object> metadata)
            throws IOException {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(metadata, "metadata");
        Path modelDir = modelPath(modelName);
        Path target = versionPath(modelName, version);
        whileWriting(
                modelDir,
                () ->
                        publish(
                                target,
                                false,
                                dir -> {
                                    stage(model, modelName, version, metadata, dir);
                                    ReloadCheck.verify(model, ModelDirectory.open(dir));
                                }));
        LOG.info(
                "Wrote {} version {} (parent {}) to {}",
                modelName,
                version,
                model.parentVersion(),
                target);
        return ModelDirectory.open(target);
    }

    /**
     * Installs a copy of an existing version directory (a bundled, imported or pre-trained model)
     * as version {@code version} of {@code modelName}, with the guarantee of {@link #copy}.
     *
     * @throws FileAlreadyExistsException when the version exists (versions are immutable)
     * @throws InvalidModelException when {@code source} is not a complete version directory
     */
    public ModelDirectory install(ModelDirectory source, String modelName, long version)
            throws IOException {
        Objects.requireNonNull(source, "source");
        Path target = versionPath(modelName, version);
        ModelDirectory installed =
                whileWriting(modelPath(modelName), () -> copy(source, target, false));
        LOG.info("Installed {} as {} version {} ({})", source.path(), modelName, version, target);
        return installed;
    }

    /**
     * Copies a version directory's files ({@code model.pt}, {@code tokenizer.json}, {@code
     * config.json} and, if present, {@code metadata.json}) to {@code target}: staged in a hidden
     * directory next to it, flushed, checked to open as a version, then renamed into place. So
     * {@code target} is never half-written: it is absent, or complete. With {@code replace}, an
     * existing {@code target} is moved aside first and deleted once the copy is in place.
     *
     * @throws FileAlreadyExistsException when {@code target} exists and {@code replace} is false
     */
    public static ModelDirectory copy(ModelDirectory source, Path target, boolean replace)
            throws IOException {
        return publish(
                target,
                replace,
                dir -> {
                    for (String file : VERSION_FILES) {
                        Path from = source.path().resolve(file);
                        if (Files.exists(from) || !file.equals(METADATA_FILE)) {
                            Files.copy(from, dir.resolve(file));
                        }
                    }
                });
    }

    /** Fills a staged version directory (its name is the version's; it exists and is empty). */
    @FunctionalInterface
    public interface Stager {
        void fill(Path stagedVersion) throws IOException;
    }

    /**
     * The one way a version directory comes to exist (written, copied or imported): {@code stager}
     * fills a hidden directory next to {@code target}, every file in it is flushed, it must open as
     * a version ({@link ModelDirectory#open}), and it is renamed into place atomically. So a
     * version directory is never half-written: absent, or complete. On any failure nothing is left
     * but what was there before. With {@code replace}, an existing {@code target} is moved aside
     * first and deleted once the new one is in place; otherwise it is refused.
     *
     * @throws FileAlreadyExistsException when {@code target} exists and {@code replace} is false
     */
    public static ModelDirectory publish(Path target, boolean replace, Stager stager)
            throws IOException {
        Path destination = target.toAbsolutePath().normalize();
        Path parent = destination.getParent();
        Files.createDirectories(parent);
        if (!replace && Files.exists(destination)) {
            throw new FileAlreadyExistsException(
                    destination.toString(), null, "model versions are immutable");
        }
        String name = destination.getFileName().toString();
        Path staging = parent.resolve(TEMP_PREFIX + name + "-" + UUID.randomUUID());
        Path old = parent.resolve(TEMP_PREFIX + name + "-replaced-" + UUID.randomUUID());
        try {
            Path staged = staging.resolve(name);
            Files.createDirectories(staged);
            stager.fill(staged);
            try (DirectoryStream<Path> files = Files.newDirectoryStream(staged)) {
                for (Path file : files) {
                    FileOps.fsync(file);
                }
            }
            FileOps.fsync(staged);
            ModelDirectory.open(staged);
            if (replace && Files.exists(destination)) {
                Files.move(destination, old, StandardCopyOption.ATOMIC_MOVE);
            } else if (Files.exists(destination)) {
                throw new FileAlreadyExistsException(
                        destination.toString(), null, "written meanwhile by another writer");
            }
            Files.move(staged, destination, StandardCopyOption.ATOMIC_MOVE);
            FileOps.fsync(parent);
            FileOps.deleteRecursively(old);
            FileOps.deleteRecursively(staging);
        } catch (IOException | RuntimeException | Error e) {
            FileOps.deleteQuietly(staging, e);
            throw e;
        }
        return ModelDirectory.open(destination);
    }

    /** Something that writes into the store. */
    private interface Write<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code write} as the only writer of the model in {@code modelDir} (within the JVM and,
     * by a file lock, across processes), after removing what an interrupted writer left.
     */
    private static <T> T whileWriting(Path modelDir, Write<T> write) throws IOException {
        Files.createDirectories(modelDir);
        synchronized (WRITER_LOCKS.computeIfAbsent(modelDir, k -> new Object())) {
            try (FileChannel lockFile =
                            FileChannel.open(
                                    modelDir.resolve(LOCK_FILE),
                                    StandardOpenOption.CREATE,
                                    StandardOpenOption.WRITE);
                    FileLock lock = lockFile.lock()) {
                removeStagingLeftovers(modelDir);
                return write.run();
            }
        }
    }

    private static void stage(
            TrainedModel model,
            String modelName,
            long version,
            Map<String, Object> metadata,
            Path dir)
            throws IOException {
        ModelDirectory base = model.base();
        try (OutputStream out = Files.newOutputStream(dir.resolve(ModelDirectory.MODEL_FILE))) {
            model.writeTorchScript(out, dir.getParent());
        }
        Files.copy(base.tokenizerFile(), dir.resolve(ModelDirectory.TOKENIZER_FILE));
        writeConfig(base, modelName, dir.resolve(ModelDirectory.CONFIG_FILE));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model_name", modelName);
        json.put("version", version);
        json.put("parent", model.parentVersion());
        json.put("created_at", Instant.now().toString());
        json.put("training", model.summary());
        json.putAll(metadata);
        json.put("model_name", modelName);
        json.put("version", version);
        json.put("sha256", hashes(dir));
        JSON.writeValue(dir.resolve(METADATA_FILE).toFile(), json);
    }

    /** The SHA-256 of a staged version's model, tokenizer and config files. */
    public static Map<String, String> hashes(Path versionDir) {
        Map<String, String> hashes = new LinkedHashMap<>();
        for (String file :
                List.of(
                        ModelDirectory.MODEL_FILE,
                        ModelDirectory.TOKENIZER_FILE,
                        ModelDirectory.CONFIG_FILE)) {
            hashes.put(file, FileOps.sha256(versionDir.resolve(file)));
        }
        return hashes;
    }

    /** The base version's config, with the model name changed when it is stored under another. */
    private static void writeConfig(ModelDirectory base, String modelName, Path out)
            throws IOException {
        Path config = base.path().resolve(ModelDirectory.CONFIG_FILE);
        JsonNode root = JSON.readTree(config.toFile());
        JsonNode name = root.get("model_name");
        if (name == null || name.asText().equals(modelName)) {
            Files.copy(config, out);
            return;
        }
        ((ObjectNode) root).put("model_name", modelName);
        JSON.writeValue(out.toFile(), root);
    }

    private static void removeStagingLeftovers(Path modelDir) throws IOException {
        try (DirectoryStream<Path> entries =
                Files.newDirectoryStream(modelDir, TEMP_PREFIX + "*")) {
            for (Path leftover : entries) {
                LOG.warn("Removing {}, left by an interrupted write", leftover);
                FileOps.deleteRecursively(leftover);
            }
        } catch (NoSuchFileException e) {
            // nothing written yet
        }
    }

    private Path modelPath(String modelName) {
        if (modelName == null || !MODEL_NAME.matcher(modelName).matches()) {
            throw new IllegalArgumentException(
                    "a model name is letters, digits, '.', '_' and '-', not starting with '.' or"
                            + " '-': '"
                            + modelName
                            + "'");
        }
        return root.resolve(modelName);
    }

    private static long requireVersion(long version) {
        if (version <= 0) {
            throw new IllegalArgumentException("versions start at 1, got " + version);
        }
        return version;
    }
}
