package io.spanloop.demo.domain;

import io.spanloop.qa.SquadWriter;
import io.spanloop.qa.TrainingExample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The retrainer's data about the facts the base model already knows (training-side towns, like
 * pre-training), as SQuAD v2.0 files: the seed examples it replays with every batch of new labels,
 * so a version that learns new facts keeps the old ones, and a separate set its gate scores every
 * candidate on, so a version that forgot them is never published.
 */
public final class DemoSeed {

    static final int EXAMPLES = 2000;
    static final long SEED = 7;

    /** Questions on the known facts in the gate: 200, so one question is half an EM point. */
    static final int KNOWN_FACTS = 200;

    static final long KNOWN_FACTS_SEED = 8;

    private DemoSeed() {}

    /** Writes {@code <dataDir>/demo-seed.squad.json} (if missing) and returns its path. */
    public static Path write(Path dataDir) {
        return write(dataDir.resolve("demo-seed.squad.json"), "seed-", EXAMPLES, SEED);
    }

    /**
     * Writes {@code <dataDir>/demo-known.squad.json} (if missing), the gate's slice of the known
     * facts, and returns its path.
     */
    public static Path writeKnownFacts(Path dataDir) {
        return write(
                dataDir.resolve("demo-known.squad.json"), "known-", KNOWN_FACTS, KNOWN_FACTS_SEED);
    }

    private static Path write(Path path, String idPrefix, int count, long seed) {
        Path file = path.toAbsolutePath();
        if (Files.isRegularFile(file)) {
            return file;
        }
        List<TrainingExample> examples =
                DemoDomain.pretrainingExamples(count, seed).stream()
                        .map(
                                e ->
                                        TrainingExample.answered(
                                                idPrefix + e.id(),
                                                e.question(),
                                                e.context(),
                                                e.start(),
                                                e.end()))
                        .toList();
        try {
            SquadWriter.write(file, "spanloop demo: facts the base model knows", examples);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo data file " + file, e);
        }
        return file;
    }
}
