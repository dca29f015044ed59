package io.spanloop.retrainer;

import io.spanloop.qa.ModelDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/** Puts the configured first model into an empty store as version 1, atomically. */
final class InitialVersion {

    private InitialVersion() {}

    static void install(Path source, Path target) {
        ModelDirectory.open(source); // refuse an incomplete source before copying anything
        try {
            Files.createDirectories(target.getParent());
            Path staging = target.resolveSibling(".tmp-install-" + UUID.randomUUID());
            Files.createDirectory(staging);
            for (String file :
                    new String[] {
                        ModelDirectory.MODEL_FILE,
                        ModelDirectory.TOKENIZER_FILE,
                        ModelDirectory.CONFIG_FILE
                    }) {
                Files.copy(source.resolve(file), staging.resolve(file));
            }
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install " + source + " as " + target, e);
        }
    }
}
