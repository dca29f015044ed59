package io.spanloop.demo.pretrain;

import io.spanloop.qa.FileOps;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.TrainingProgress;
import io.spanloop.qa.imports.ImportOptions;
import io.spanloop.qa.imports.MavenJar;
import io.spanloop.qa.imports.ModelImporter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * The demo's real base model: all-MiniLM-L6-v2 (a pretrained 22.7 M-parameter BERT encoder, from
 * its Maven Central jar) with a new QA head, fine-tuned on the facts the base is meant to know, as
 * {@link Pretrain} does for the tiny one. Built the first time the demo needs it (a few minutes on
 * 2 CPU cores), then kept; the same seeds give the same model.
 */
public final class MiniLmBase {

    /** The model's name in the store and on every event. */
    public static final String MODEL_NAME = "demo-minilm";

    /** Demo articles are short: one 128-token window holds question and context. */
    static final ImportOptions IMPORT =
            ImportOptions.DEFAULTS
                    .withModelName(MODEL_NAME)
                    .withMaxSeqLength(128)
                    .withStride(32)
                    .withQaHeadSeed(1);

    /**
     * Enough to answer the known facts (held-out towns: EM about 92 measured here) and no more: a
     * pretrained encoder needs a tenth of what the tiny model needs.
     */
    static PretrainOptions training(Path init, Path out) {
        return PretrainOptions.builder()
                .init(init)
                .out(out)
                .examples(2000)
                .epochs(1)
                .batchSize(16)
                .learningRate(1e-4)
                .seed(1)
                // it reads English already: the known facts alone, so it never saw a question
                // that resembles a new fact's
                .readingFacts(false)
                .build();
    }

    private MiniLmBase() {}

    /**
     * The base as {@code <cache>/demo-minilm/1}, built there first when it is missing.
     *
     * @param downloaded told the bytes received when the jar has to be downloaded
     * @param progress told how the fine-tuning goes
     */
    public static ModelDirectory ensure(
            Path cache, PrintStream out, LongConsumer downloaded, TrainingProgress progress) {
        Path version = cache.resolve(MODEL_NAME).resolve("1");
        if (Files.isDirectory(version)) {
            return ModelDirectory.open(version);
        }
        Path jar =
                MavenJar.MINILM.resolve(
                        MavenJar.localRepository(), MavenJar.remoteRepository(), downloaded);
        Path scratch;
        try {
            scratch = Files.createTempDirectory("spanloop-minilm-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Path imported = scratch.resolve(MODEL_NAME).resolve("1");
            new ModelImporter(IMPORT).importOnnxJar(jar, "maven:" + MavenJar.MINILM, imported);
            Pretrain.run(training(imported, version), out, progress);
            return ModelDirectory.open(version);
        } finally {
            try {
                FileOps.deleteRecursively(scratch);
            } catch (IOException e) {
                out.println("could not delete " + scratch + ": " + e);
            }
        }
    }
}
