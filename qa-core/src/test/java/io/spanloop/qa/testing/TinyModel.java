package io.spanloop.qa.testing;

import io.spanloop.qa.ModelDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The tiny BERT-QA test model (made by {@code qa-core/src/test/python/make_tiny_model.py}), copied
 * from the classpath into a model store directory so tests in any module can load it.
 */
public final class TinyModel {

    public static final String NAME = "tiny-bert-qa";
    private static final String RESOURCE_DIR = "/models/" + NAME + "/1/";
    private static final String[] FILES = {
        ModelDirectory.MODEL_FILE, ModelDirectory.TOKENIZER_FILE, ModelDirectory.CONFIG_FILE
    };

    private TinyModel() {}

    /** Writes the fixture as {@code <store>/tiny-bert-qa/<version>/} and opens it. */
    public static ModelDirectory copyTo(Path store, long version) {
        Path dir = store.resolve(NAME).resolve(Long.toString(version));
        try {
            Files.createDirectories(dir);
            for (String file : FILES) {
                try (InputStream in = TinyModel.class.getResourceAsStream(RESOURCE_DIR + file)) {
                    if (in == null) {
                        throw new IllegalStateException(
                                "test fixture " + RESOURCE_DIR + file + " missing from classpath");
                    }
                    Files.copy(in, dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ModelDirectory.open(dir);
    }
}
