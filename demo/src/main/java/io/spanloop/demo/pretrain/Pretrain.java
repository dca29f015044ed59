package io.spanloop.demo.pretrain;

import io.spanloop.demo.domain.DemoDomain;
import io.spanloop.demo.domain.DemoEvaluation;
import io.spanloop.demo.domain.FactType;
import io.spanloop.qa.DeviceSpec;
import io.spanloop.qa.FileOps;
import io.spanloop.qa.FineTuner;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.ModelStore;
import io.spanloop.qa.QaPredictor;
import io.spanloop.qa.TrainedModel;
import io.spanloop.qa.TrainingExample;
import io.spanloop.qa.TrainingOptions;
import io.spanloop.qa.TrainingProgress;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code spanloop pretrain}: makes the demo's base model. A randomly initialised BERT-QA model
 * (written by {@code make_tiny_model.py} with the domain's vocabulary, or given with {@code
 * --init}) is trained on a large generated corpus of questions about the facts in {@link
 * FactType#known()} and, for the tiny base, half of them about facts only pre-training asks (so the
 * model learns to read, not four question templates; {@link
 * DemoDomain#readingPretrainingExamples}), then scored on held-out towns and written as a model
 * version directory.
 */
public final class Pretrain {

    /** Architecture of the fresh model: about 0.4 M parameters, 1.6 MB. */
    static final List<String> ARCHITECTURE =
            List.of(
                    "--hidden",
                    "128",
                    "--layers",
                    "2",
                    "--heads",
                    "4",
                    "--intermediate",
                    "256",
                    "--max-seq-length",
                    "128",
                    "--stride",
                    "32",
                    "--model-name",
                    "demo-qa");

    private Pretrain() {}

    /** Pre-trains and writes {@code options.out()}; returns the held-out scores. */
    public static DemoEvaluation.Scores run(PretrainOptions options, PrintStream out) {
        return run(options, out, report -> out.println("  training " + report));
    }

    /** Pre-trains and writes {@code options.out()}, reporting to {@code progress}. */
    public static DemoEvaluation.Scores run(
            PretrainOptions options, PrintStream out, TrainingProgress progress) {
        Path scratch;
        try {
            scratch = Files.createTempDirectory("spanloop-pretrain-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Path init = options.init() != null ? options.init() : freshModel(options, scratch);
            List<TrainingExample> corpus =
                    options.readingFacts()
                            ? DemoDomain.readingPretrainingExamples(
                                    options.examples(), options.seed())
                            : DemoDomain.pretrainingExamples(options.examples(), options.seed());
            out.printf(
                    Locale.ROOT,
                    "Pre-training %s on %d generated examples (%s), %d epochs ...%n",
                    init,
                    corpus.size(),
                    facts(options),
                    options.epochs());
            TrainingOptions training =
                    TrainingOptions.DEFAULTS
                            .withEpochs(options.epochs())
                            .withBatchSize(options.batchSize())
                            .withLearningRate(options.learningRate())
                            .withWarmupFraction(0.05)
                            .withMaxSteps(options.maxSteps())
                            .withSeed((int) options.seed())
                            .withDevice(DeviceSpec.AUTO);
            try (TrainedModel trained =
                    new FineTuner(training).fineTune(ModelDirectory.open(init), corpus, progress)) {
                DemoEvaluation.Scores scores;
                try (QaPredictor predictor = trained.newPredictor()) {
                    scores = new DemoEvaluation(options.seed() + 1000).evaluate(predictor);
                }
                out.printf(
                        Locale.ROOT,
                        "Held-out towns: known facts EM %.1f F1 %.1f | unseen facts EM %.1f F1"
                                + " %.1f | paraphrases EM %.1f F1 %.1f (%.0f s)%n",
                        scores.known().exactMatch(),
                        scores.known().f1(),
                        scores.unseen().exactMatch(),
                        scores.unseen().f1(),
                        scores.paraphrases().exactMatch(),
                        scores.paraphrases().f1(),
                        trained.summary().seconds());
                write(trained, options, scores, scratch);
                out.println("Wrote " + options.out().toAbsolutePath());
                return scores;
            }
        } finally {
            try {
                FileOps.deleteRecursively(scratch);
            } catch (IOException e) {
                out.println("could not delete scratch directory " + scratch + ": " + e);
            }
        }
    }

    private static Path freshModel(PretrainOptions options, Path scratch) {
        Path words = scratch.resolve("words.txt");
        List<String> vocabulary = DemoDomain.wordPieces();
        Path init = scratch.resolve("init").resolve("1");
        List<String> command =
                new ArrayList<>(
                        List.of(
                                python(),
                                options.initScript().toString(),
                                init.toString(),
                                "--words",
                                words.toString(),
                                "--seed",
                                Long.toString(options.seed())));
        command.addAll(ARCHITECTURE);
        try {
            Files.write(words, vocabulary);
            Process process = new ProcessBuilder(command).inheritIO().start();
            if (process.waitFor() != 0) {
                throw new IllegalStateException(
                        "making the initial model failed ("
                                + String.join(" ", command)
                                + "); it needs python3 with torch (Debian: python3-torch)");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return init;
    }

    /** Debian's python3 (which has python3-torch) before whatever python3 the PATH finds. */
    private static String python() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    private static void write(
            TrainedModel trained,
            PretrainOptions options,
            DemoEvaluation.Scores scores,
            Path scratch) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("pretrained_on", "generated demo articles, facts " + facts(options));
        metadata.put("examples", options.examples());
        metadata.put("epochs", options.epochs());
        metadata.put("seed", options.seed());
        metadata.put("loss_per_epoch", trained.lossPerEpoch());
        metadata.put("heldout_known_em", scores.known().exactMatch());
        metadata.put("heldout_unseen_em", scores.unseen().exactMatch());
        metadata.put("heldout_paraphrase_em", scores.paraphrases().exactMatch());
        Object imported = importedFrom(trained.base());
        if (imported != null) {
            metadata.put("base_imported_from", imported);
        }
        try {
            ModelStore store = new ModelStore(scratch.resolve("store"));
            ModelDirectory written = store.write(trained, trained.name(), 1, metadata);
            ModelStore.copy(written, options.out(), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + options.out() + ": " + e, e);
        }
    }

    /** What the corpus asks about, in words. */
    private static String facts(PretrainOptions options) {
        return FactType.known()
                + (options.readingFacts() ? " and the reading facts (never the new ones)" : "");
    }

    /** Where an imported starting point came from (its metadata's {@code imported_from}). */
    private static Object importedFrom(ModelDirectory init) {
        if (!Files.isRegularFile(init.path().resolve(ModelStore.METADATA_FILE))) {
            return null;
        }
        return ModelStore.readMetadata(init).get("imported_from");
    }
}
