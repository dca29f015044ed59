package io.spanloop.demo.study;

import io.spanloop.demo.domain.DemoDomain;
import io.spanloop.demo.domain.DemoEvaluation;
import io.spanloop.demo.domain.DemoQuestion;
import io.spanloop.demo.domain.FactType;
import io.spanloop.qa.FileOps;
import io.spanloop.qa.FineTuner;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.ModelStore;
import io.spanloop.qa.QaPredictor;
import io.spanloop.qa.TrainedModel;
import io.spanloop.qa.TrainingExample;
import io.spanloop.qa.TrainingOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * What keeps a model from forgetting while it learns: the demo's learning loop replayed without
 * Kafka, once per training policy ({@link Variant}), on the same corrections in the same order.
 * Each round adds {@code labelsPerRound} corrections on the facts the base never saw (a fifth held
 * out, as the retrainer holds them out), trains a candidate as the policy says, and scores it on
 * the demo's held-out towns: new facts, known facts, paraphrases. No gate: the study measures the
 * forgetting the gate would have to catch.
 */
public final class ForgettingStudy {

    /**
     * One training policy.
     *
     * @param name how the table names it
     * @param options epochs, learning rate, freezing, L2-SP
     * @param seedRatio seed examples of the known facts replayed per new label
     * @param fromBase every round from version 1 (else from the previous round's model)
     */
    public record Variant(
            String name, TrainingOptions options, double seedRatio, boolean fromBase) {}

    /** The outcome of one policy: scores after every round, and the time spent training. */
    public record Outcome(Variant variant, List<DemoEvaluation.Scores> rounds, double seconds) {}

    /** Seeds the questions asked, as the learning demo does. */
    static final long QUESTIONS_SEED = 11;

    /** Every 5th label is held out, a fifth, as the retrainer's default. */
    static final int HOLD_OUT_EVERY = 5;

    private final ModelDirectory base;
    private final List<TrainingExample> seedExamples;
    private final DemoEvaluation evaluation = new DemoEvaluation(1011);
    private final PrintStream out;

    /**
     * @param base version 1
     * @param seedExamples examples of the known facts to replay
     */
    public ForgettingStudy(
            ModelDirectory base, List<TrainingExample> seedExamples, PrintStream out) {
        this.base = base;
        this.seedExamples = new ArrayList<>(seedExamples);
        Collections.shuffle(this.seedExamples, new Random(42));
        this.out = out;
    }

    /** Version 1's scores. */
    public DemoEvaluation.Scores baseScores() {
        try (var model = io.spanloop.qa.DjlQaModel.load(base);
                QaPredictor predictor = model.newPredictor()) {
            return evaluation.evaluate(predictor);
        }
    }

    /** Runs {@code rounds} rounds of {@code labelsPerRound} corrections with one policy. */
    public Outcome run(Variant variant, int rounds, int labelsPerRound) {
        List<DemoQuestion> asked =
                DemoDomain.questions(
                        DemoDomain.towns(
                                rounds * labelsPerRound / FactType.unseen().size() + 1,
                                QUESTIONS_SEED,
                                false),
                        FactType.unseen(),
                        false,
                        QUESTIONS_SEED,
                        "study-");
        Path scratch;
        try {
            scratch = Files.createTempDirectory("spanloop-study-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<TrainingExample> labels = new ArrayList<>();
        List<DemoEvaluation.Scores> scores = new ArrayList<>();
        ModelDirectory parent = base;
        double seconds = 0;
        try {
            for (int round = 1; round <= rounds; round++) {
                List<TrainingExample> fresh = new ArrayList<>();
                for (int i = (round - 1) * labelsPerRound; i < round * labelsPerRound; i++) {
                    if (i % HOLD_OUT_EVERY != HOLD_OUT_EVERY - 1) {
                        fresh.add(asked.get(i).example());
                    }
                }
                labels.addAll(fresh);
                List<TrainingExample> training = new ArrayList<>(labels);
                int replay = (int) Math.round(fresh.size() * variant.seedRatio());
                for (int i = 0; i < replay; i++) {
                    training.add(seedExamples.get((round * 7919 + i) % seedExamples.size()));
                }
                ModelDirectory from = variant.fromBase() ? base : parent;
                try (TrainedModel candidate =
                        new FineTuner(variant.options()).fineTune(from, training, r -> {})) {
                    seconds += candidate.summary().seconds();
                    DemoEvaluation.Scores round_;
                    try (QaPredictor predictor = candidate.newPredictor()) {
                        round_ = evaluation.evaluate(predictor);
                    }
                    scores.add(round_);
                    out.printf(
                            Locale.ROOT,
                            "  %-28s round %d (%3d labels, %4d examples): new %5.1f  known %5.1f"
                                    + "  paraphrases %5.1f  (%.0f s)%n",
                            variant.name(),
                            round,
                            round * labelsPerRound,
                            training.size(),
                            round_.unseen().exactMatch(),
                            round_.known().exactMatch(),
                            round_.paraphrases().exactMatch(),
                            candidate.summary().seconds());
                    parent =
                            new ModelStore(scratch)
                                    .write(candidate, base.modelName(), round + 1L, Map.of());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                FileOps.deleteRecursively(scratch);
            } catch (IOException e) {
                out.println("could not delete " + scratch + ": " + e);
            }
        }
        return new Outcome(variant, scores, seconds);
    }

    /** The outcomes as a Markdown table against version 1's scores. */
    public static String table(DemoEvaluation.Scores base, List<Outcome> outcomes) {
        StringBuilder table = new StringBuilder();
        table.append(
                String.format(
                        Locale.ROOT,
                        "| policy | new facts EM by round | known facts EM: lowest, last (v1 %.1f)"
                                + " | paraphrases EM, last (v1 %.1f) | training s |%n",
                        base.known().exactMatch(),
                        base.paraphrases().exactMatch()));
        table.append("|---|---|---:|---:|---:|\n");
        for (Outcome outcome : outcomes) {
            List<String> fresh = new ArrayList<>();
            double lowest = Double.MAX_VALUE;
            for (DemoEvaluation.Scores round : outcome.rounds()) {
                fresh.add(String.format(Locale.ROOT, "%.1f", round.unseen().exactMatch()));
                lowest = Math.min(lowest, round.known().exactMatch());
            }
            DemoEvaluation.Scores last = outcome.rounds().get(outcome.rounds().size() - 1);
            table.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %s | %.1f, %.1f | %.1f | %.0f |%n",
                            outcome.variant().name(),
                            String.join(" → ", fresh),
                            lowest,
                            last.known().exactMatch(),
                            last.paraphrases().exactMatch(),
                            outcome.seconds()));
        }
        return table.toString();
    }
}
