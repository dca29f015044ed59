package io.spanloop.retrainer;

import io.spanloop.events.EvalMetrics;
import io.spanloop.events.ModelStatus;
import io.spanloop.events.ModelVersion;
import io.spanloop.qa.DjlQaModel;
import io.spanloop.qa.EvalScores;
import io.spanloop.qa.FineTuner;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.ModelStore;
import io.spanloop.qa.QaEvaluator;
import io.spanloop.qa.QaModelOptions;
import io.spanloop.qa.SquadDataset;
import io.spanloop.qa.TrainedModel;
import io.spanloop.qa.TrainingExample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One training from a label snapshot: split (held-out by hash of the question id), build the
 * training set (new labels plus replayed older labels and seed data), fine-tune the serving
 * version, evaluate candidate and incumbent on the same held-out examples, and decide. A PUBLISHED
 * candidate is written as a verified version directory before its event is returned.
 */
final class TrainingRun {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingRun.class);

    private final RetrainerConfig config;
    private final ModelStore store;
    private final SquadDataset seed;

    TrainingRun(RetrainerConfig config, ModelStore store, SquadDataset seed) {
        this.config = config;
        this.store = store;
        this.seed = seed;
    }

    /** Trains on {@code labels} and returns the event to publish (PUBLISHED or REJECTED). */
    ModelVersion run(
            LabelSnapshot.Labels labels,
            Map<Integer, Long> covered,
            ModelDirectory serving,
            long version) {
        boolean nullAnswers = serving.config().supportsNullAnswer();
        LabelSplit split = new LabelSplit(config.holdoutPercent());
        List<TrainingExample> fresh = new ArrayList<>();
        List<TrainingExample> older = new ArrayList<>();
        List<TrainingExample> eval = new ArrayList<>();
        Map<String, List<String>> golds = new HashMap<>();
        Set<String> newIds = new HashSet<>();
        labels.newerThan(covered).forEach(l -> newIds.add(l.correction().getQuestionId()));
        for (LabelSnapshot.Label label : labels.latest().values()) {
            TrainingExample example = Examples.of(label.correction(), nullAnswers);
            if (example == null) {
                continue;
            }
            if (split.isHeldOut(example.id())) {
                eval.add(example);
                golds.put(example.id(), Examples.golds(example));
            } else if (newIds.contains(example.id())) {
                fresh.add(example);
            } else {
                older.add(example);
            }
        }
        List<TrainingExample> training;
        if (config.replayAllLabels()) {
            // every older label again, and seed examples sampled at the replay ratio
            List<TrainingExample> seeds = new ArrayList<>();
            addSeed(split, seeds, eval, golds);
            training = trainingSet(fresh, seeds);
            training.addAll(older);
        } else {
            addSeed(split, older, eval, golds);
            training = trainingSet(fresh, older);
        }
        Instant started = Instant.now();
        if (fresh.isEmpty()) {
            return rejected(
                    serving,
                    version,
                    labels,
                    "no new training examples (the new labels are all held out for evaluation"
                            + " or not learnable)",
                    eval.size(),
                    started);
        }
        LOG.info(
                "Training {} v{} from v{}: {} new + {} replayed examples, {} held out",
                serving.modelName(),
                version,
                serving.version(),
                fresh.size(),
                training.size() - fresh.size(),
                eval.size());
        try (DjlQaModel incumbent = DjlQaModel.load(serving, QaModelOptions.DEFAULTS);
                TrainedModel candidate =
                        new FineTuner(config.trainingOptions()).fineTune(serving, training)) {
            EvalScores incumbentScores = QaEvaluator.evaluate(incumbent, eval, golds);
            EvalScores candidateScores = candidate.evaluate(eval, golds);
            EvalMetrics metrics =
                    new EvalMetrics(
                            candidateScores.exactMatch(),
                            candidateScores.f1(),
                            incumbentScores.exactMatch(),
                            incumbentScores.f1(),
                            eval.size());
            double tolerance = config.evalTolerance();
            LOG.info(
                    "Candidate v{}: EM {} F1 {}; incumbent v{}: EM {} F1 {} ({} held-out)",
                    version,
                    round(candidateScores.exactMatch()),
                    round(candidateScores.f1()),
                    serving.version(),
                    round(incumbentScores.exactMatch()),
                    round(incumbentScores.f1()),
                    eval.size());
            ModelVersion.Builder event =
                    ModelVersion.newBuilder()
                            .setModelName(serving.modelName())
                            .setVersion(version)
                            .setParentVersion(serving.version())
                            .setMetrics(metrics)
                            .setTrainingExamples(candidate.summary().examples())
                            .setEpochs(candidate.summary().epochs())
                            .setDevice(candidate.summary().device())
                            .setTrainingSeconds(candidate.summary().seconds())
                            .setFeedbackOffsets(labels.asPartitionOffsets())
                            .setCreatedAt(Instant.now());
            if (candidateScores.f1() < incumbentScores.f1() - tolerance) {
                return event.setStatus(ModelStatus.REJECTED)
                        .setUri("")
                        .setSha256("")
                        .setReason(
                                "candidate F1 "
                                        + round(candidateScores.f1())
                                        + " is more than "
                                        + tolerance
                                        + " below the incumbent's "
                                        + round(incumbentScores.f1()))
                        .build();
            }
            // uri and sha256 are known once written; a resumed event recomputes them
            ModelVersion published =
                    event.setStatus(ModelStatus.PUBLISHED).setUri("").setSha256("").build();
            ModelDirectory written = write(candidate, published);
            published.setSha256(ModelStore.sha256(written.modelFile()));
            published.setUri(written.path().toUri().toString());
            return published;
        }
    }

    /**
     * Writes the version; if its number was taken meanwhile (by a fenced instance that has not
     * noticed yet), the next free number is used — the directory is never overwritten.
     */
    private ModelDirectory write(TrainedModel candidate, ModelVersion event) {
        for (int attempt = 0; ; attempt++) {
            try {
                return store.write(
                        candidate, event.getModelName(), event.getVersion(), metadataFor(event));
            } catch (FileAlreadyExistsException e) {
                long next =
                        Math.max(event.getVersion() + 1, store.nextVersion(event.getModelName()));
                if (attempt == 3) {
                    throw new UncheckedIOException(
                            "versions keep being taken: " + e.getMessage(), e);
                }
                LOG.warn("Version {} exists already; writing {} instead", event.getVersion(), next);
                event.setVersion(next);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write version " + event.getVersion(), e);
            }
        }
    }

    private Map<String, Object> metadataFor(ModelVersion event) {
        Map<String, Object> metadata = new HashMap<>();
        metadata.put("version", event.getVersion());
        metadata.put("parent", event.getParentVersion());
        metadata.put("event", EventJson.write(event));
        return metadata;
    }

    private void addSeed(
            LabelSplit split,
            List<TrainingExample> older,
            List<TrainingExample> eval,
            Map<String, List<String>> golds) {
        if (seed == null) {
            return;
        }
        RetrainerConfig.SeedUse use = config.seedUse();
        for (TrainingExample example : seed.examples()) {
            boolean toEval =
                    use == RetrainerConfig.SeedUse.EVAL
                            || (use == RetrainerConfig.SeedUse.BOTH
                                    && split.isHeldOut(example.id()));
            if (toEval) {
                eval.add(example);
                golds.put(
                        example.id(),
                        seed.goldAnswers().getOrDefault(example.id(), Examples.golds(example)));
            } else {
                older.add(example);
            }
        }
    }

    /** The new examples plus up to {@code replay ratio} times as many older ones, sampled. */
    private List<TrainingExample> trainingSet(
            List<TrainingExample> fresh, List<TrainingExample> older) {
        List<TrainingExample> shuffled = new ArrayList<>(older);
        Collections.shuffle(shuffled, new Random(config.seed()));
        int replay =
                (int) Math.min(shuffled.size(), Math.round(fresh.size() * config.replayRatio()));
        List<TrainingExample> training = new ArrayList<>(fresh);
        training.addAll(shuffled.subList(0, replay));
        return training;
    }

    private ModelVersion rejected(
            ModelDirectory serving,
            long version,
            LabelSnapshot.Labels labels,
            String reason,
            int evalSize,
            Instant started) {
        LOG.info("Not training {} v{}: {}", serving.modelName(), version, reason);
        return ModelVersion.newBuilder()
                .setModelName(serving.modelName())
                .setVersion(version)
                .setParentVersion(serving.version())
                .setUri("")
                .setSha256("")
                .setStatus(ModelStatus.REJECTED)
                .setReason(reason)
                .setMetrics(new EvalMetrics(0.0, 0.0, null, null, evalSize))
                .setTrainingExamples(0)
                .setEpochs(0)
                .setDevice("none")
                .setTrainingSeconds(0.0)
                .setFeedbackOffsets(labels.asPartitionOffsets())
                .setCreatedAt(started)
                .build();
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
