package io.spanloop.retrainer;

import io.spanloop.events.EvalMetrics;
import io.spanloop.events.ModelStatus;
import io.spanloop.events.ModelVersion;
import io.spanloop.qa.DjlQaModel;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
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
    private final List<EvalSlice> evalFiles;
    private final EvaluationGate gate;

    private final RegressionScores regressionScores;
    private final ProgressReports progressReports;
    private final RetrainerMetrics metrics;

    TrainingRun(
            RetrainerConfig config,
            ModelStore store,
            SquadDataset seed,
            List<EvalSlice> evalFiles,
            RetrainerMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
        this.store = store;
        this.seed = seed;
        this.evalFiles = List.copyOf(evalFiles);
        this.regressionScores = new RegressionScores(store, this.evalFiles);
        this.progressReports = new ProgressReports(config);
        this.gate =
                new EvaluationGate(
                        config.evalTolerance(), config.sliceTolerance(), config.sliceMinSize());
    }

    /**
     * Trains on {@code labels} and returns the event to publish (PUBLISHED or REJECTED); {@code
     * history} (the events so far) says which training first covered each held-out label.
     */
    ModelVersion run(
            LabelSnapshot.Labels labels,
            Map<Integer, Long> covered,
            ModelDirectory serving,
            long version,
            List<ModelVersion> history) {
        long start = System.nanoTime();
        ModelVersion event;
        try {
            event = train(labels, covered, serving, version, history);
        } catch (RuntimeException | Error e) {
            metrics.failed(Duration.ofNanos(System.nanoTime() - start));
            throw e;
        }
        metrics.trained(event, Duration.ofNanos(System.nanoTime() - start));
        return event;
    }

    private ModelVersion train(
            LabelSnapshot.Labels labels,
            Map<Integer, Long> covered,
            ModelDirectory serving,
            long version,
            List<ModelVersion> history) {
        boolean nullAnswers = serving.config().supportsNullAnswer();
        LabelSplit split = new LabelSplit(config.holdoutPercent());
        List<TrainingExample> fresh = new ArrayList<>();
        List<TrainingExample> older = new ArrayList<>();
        List<TrainingExample> eval = new ArrayList<>();
        List<EvaluationSlices.HeldOut> heldOut = new ArrayList<>();
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
                heldOut.add(
                        new EvaluationSlices.HeldOut(
                                example,
                                label.correction().getAttributes(),
                                label.partition(),
                                label.offset()));
                golds.put(example.id(), Examples.golds(example));
            } else if (newIds.contains(example.id())) {
                fresh.add(example);
            } else {
                older.add(example);
            }
        }
        List<TrainingExample> training;
        ModelDirectory start = startingPoint(serving);
        if (config.replayAllLabels() || start != serving) {
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
                start.version(),
                fresh.size(),
                training.size() - fresh.size(),
                eval.size());
        List<EvalSlice> slices = new ArrayList<>(evalFiles);
        if (config.sliceLabelsByVersion()) {
            slices.addAll(EvaluationSlices.byVersion(heldOut, history));
        }
        for (String key : config.sliceAttributes()) {
            slices.addAll(EvaluationSlices.byAttribute(heldOut, key));
        }
        try (ProgressReports.Run progress =
                        progressReports.begin(
                                new ProgressReports.Plan(
                                        serving.modelName(),
                                        version,
                                        start.version(),
                                        labels.latest().size(),
                                        fresh.size(),
                                        training.size(),
                                        eval.size()));
                DjlQaModel incumbent = DjlQaModel.load(serving, QaModelOptions.DEFAULTS);
                TrainedModel candidate =
                        new FineTuner(config.trainingOptions())
                                .fineTune(start, training, progress)) {
            progress.evaluating();
            EvaluationGate.Verdict verdict =
                    gate.judge(
                            new EvalSlice("labels", eval, golds, false),
                            slices,
                            slice -> candidate.evaluate(slice.examples(), slice.golds()),
                            slice ->
                                    regressionScores.scored(
                                            serving,
                                            slice,
                                            () ->
                                                    QaEvaluator.evaluate(
                                                            incumbent,
                                                            slice.examples(),
                                                            slice.golds())),
                            regressionScores.reference(
                                    serving.modelName(), config.referenceVersion()),
                            config.referenceVersion().orElse(0));
            log(version, serving, verdict);
            progress.done();
            ModelVersion.Builder event =
                    ModelVersion.newBuilder()
                            .setModelName(serving.modelName())
                            .setVersion(version)
                            .setParentVersion(start.version())
                            .setIncumbentVersion(serving.version())
                            .setMetrics(verdict.overall())
                            .setSlices(verdict.slices())
                            .setTrainingExamples(candidate.summary().examples())
                            .setEpochs(candidate.summary().epochs())
                            .setDevice(candidate.summary().device())
                            .setTrainingSeconds(candidate.summary().seconds())
                            .setFeedbackOffsets(labels.asPartitionOffsets())
                            .setCreatedAt(Instant.now());
            if (!verdict.passed()) {
                return event.setStatus(ModelStatus.REJECTED)
                        .setUri("")
                        .setSha256("")
                        .setReason(verdict.rejection())
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
                .setIncumbentVersion(serving.version())
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

    /**
     * Where a candidate starts: the serving version, or with {@code train.from=reference} the
     * reference version (when the store has it), trained on every label again.
     */
    private ModelDirectory startingPoint(ModelDirectory serving) {
        OptionalLong reference = config.referenceVersion();
        if (!config.trainFromReference()
                || reference.isEmpty()
                || reference.getAsLong() == serving.version()
                || !store.versions(serving.modelName()).contains(reference.getAsLong())) {
            return serving;
        }
        return store.open(serving.modelName(), reference.getAsLong());
    }

    private static void log(long version, ModelDirectory serving, EvaluationGate.Verdict verdict) {
        EvalMetrics overall = verdict.overall();
        LOG.info(
                "Candidate v{}: EM {} F1 {}; incumbent v{}: EM {} F1 {} ({} held-out)",
                version,
                round(overall.getCandidateExactMatch()),
                round(overall.getCandidateF1()),
                serving.version(),
                round(overall.getIncumbentExactMatch()),
                round(overall.getIncumbentF1()),
                overall.getEvalSize());
        verdict.slices()
                .forEach(
                        slice ->
                                LOG.info(
                                        "  slice {} ({} examples{}): candidate EM {}, incumbent EM"
                                                + " {}{}",
                                        slice.getSlice(),
                                        slice.getMetrics().getEvalSize(),
                                        slice.getGated() ? "" : ", not gated",
                                        round(slice.getMetrics().getCandidateExactMatch()),
                                        round(slice.getMetrics().getIncumbentExactMatch()),
                                        slice.getReferenceExactMatch() == null
                                                ? ""
                                                : ", reference EM "
                                                        + round(slice.getReferenceExactMatch())));
        if (!verdict.passed()) {
            LOG.info("Candidate v{} REJECTED: {}", version, verdict.rejection());
        }
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
