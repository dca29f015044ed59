package io.spanloop.demo.domain;

import io.spanloop.qa.SquadWriter;
import io.spanloop.qa.TrainingExample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The retrainer's seed data in the local run: examples of the facts the base model already knows
 * (training-side towns, like pre-training), as a SQuAD v2.0 file. The retrainer replays some of
 * them with every batch of new labels, so a version that learns new facts keeps the old ones.
 */
public final class DemoSeed {

    static final int EXAMPLES = 2000;
    static final long SEED = 7;

    private DemoSeed() {}

    /** Writes {@code <dataDir>/demo-seed.squad.json} (if missing) and returns its path. */
    public static Path write(Path dataDir) {
        Path file = dataDir.resolve("demo-seed.squad.json").toAbsolutePath();
        if (Files.isRegularFile(file)) {
            return file;
        }
        List<TrainingExample> examples =
                DemoDomain.pretrainingExamples(EXAMPLES, SEED).stream()
                        .map(
                                e ->
                                        TrainingExample.answered(
                                                "seed-" + e.id(),
                                                e.question(),
                                                e.context(),
                                                e.start(),
                                                e.end()))
                        .toList();
        try {
            SquadWriter.write(file, "spanloop demo: facts the base model knows", examples);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo seed file " + file, e);
        }
        return file;
    }
}
