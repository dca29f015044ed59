package io.spanloop.qa;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One immutable model version on disk (README, "Model version directory"): {@code
 * <store>/<model-name>/<version>/} with {@code model.pt}, {@code tokenizer.json} and {@code
 * config.json}.
 *
 * @param path the version directory
 * @param version the version number (the directory's name)
 * @param config its parsed {@code config.json}
 */
public record ModelDirectory(Path path, long version, ModelConfig config) {

    public static final String MODEL_FILE = "model.pt";
    public static final String TOKENIZER_FILE = "tokenizer.json";
    public static final String CONFIG_FILE = "config.json";

    /** Checks the directory holds every file a version needs and reads its config. */
    public static ModelDirectory open(Path path) {
        Path dir = path.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new InvalidModelException("model version directory " + dir + " does not exist");
        }
        for (String file : new String[] {MODEL_FILE, TOKENIZER_FILE, CONFIG_FILE}) {
            if (!Files.isRegularFile(dir.resolve(file))) {
                throw new InvalidModelException(dir + " has no " + file);
            }
        }
        long version;
        try {
            version = Long.parseLong(dir.getFileName().toString());
        } catch (NumberFormatException e) {
            throw new InvalidModelException(
                    "a model version directory is named by its version number, not '"
                            + dir.getFileName()
                            + "'");
        }
        Path parent = dir.getParent();
        String defaultName = parent == null ? "model" : parent.getFileName().toString();
        return new ModelDirectory(
                dir, version, ModelConfig.read(dir.resolve(CONFIG_FILE), defaultName));
    }

    public Path modelFile() {
        return path.resolve(MODEL_FILE);
    }

    public Path tokenizerFile() {
        return path.resolve(TOKENIZER_FILE);
    }

    public String modelName() {
        return config.modelName();
    }
}
