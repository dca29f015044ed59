package io.spanloop.cli;

import io.spanloop.demo.DemoBase;
import io.spanloop.demo.domain.DemoDomain;
import io.spanloop.demo.domain.DemoEvaluation;
import io.spanloop.demo.study.ForgettingStudy;
import io.spanloop.demo.study.StudyVariants;
import io.spanloop.qa.EngineSettings;
import io.spanloop.qa.ModelDirectory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code spanloop study}: measures which training policy learns the demo's new facts without
 * forgetting the known ones (see {@link ForgettingStudy}); prints a Markdown table. Not a test: it
 * takes minutes per policy.
 */
final class StudyCommand extends Command {

    private static final String USAGE =
            """
            usage: spanloop study [--tiny] [options]

            Replays the demo's learning loop without Kafka once per training policy (the demo's,
            no seed replay, more seed replay, from version 1 each time, L2-SP, frozen embeddings)
            on the same corrections, scores every round on held-out towns, and prints a table:
            new facts per round, the lowest and last known-facts EM, paraphrases, training time.
            A few minutes per policy on 2 cores.

              --tiny                the bundled tiny model (default: the real MiniLM base, made
                                    as the demo makes it and kept under --data)
              --data DIR            where the MiniLM base is kept (default ./data)
              --rounds N            trainings per policy (default 5)
              --labels-per-round N  corrections per training (default 60)
              --policies N,N        only these policies, by their number in the table (1 first)
            """;

    StudyCommand() {
        super(
                "study",
                USAGE,
                Set.of("--data", "--rounds", "--labels-per-round", "--policies"),
                Set.of("--tiny"));
    }

    @Override
    int run(CommandLine line, CliContext context) {
        if (!line.positionals().isEmpty()) {
            throw new UsageException("unexpected argument " + line.positionals().get(0));
        }
        boolean tiny = line.flag("--tiny");
        int rounds = line.positive("--rounds", 5);
        int perRound = line.positive("--labels-per-round", 60);
        List<ForgettingStudy.Variant> variants = StudyVariants.forBase(!tiny);
        List<ForgettingStudy.Variant> chosen = chosen(variants, line);
        EngineSettings.DEFAULTS.apply();
        DemoBase base;
        if (tiny) {
            String bundled = System.getProperty(DemoCommand.TINY_MODEL_PROPERTY);
            if (bundled == null) {
                throw new UsageException("--tiny needs the bundled model (the launcher sets it)");
            }
            base = DemoBase.tiny(Path.of(bundled));
        } else {
            base = DemoBase.miniLm();
        }
        ModelDirectory v1 = base.prepare(line.path("--data", Path.of("data")));
        ForgettingStudy study =
                new ForgettingStudy(v1, DemoDomain.pretrainingExamples(2000, 7), context.out());
        DemoEvaluation.Scores baseScores = study.baseScores();
        List<ForgettingStudy.Outcome> outcomes = new ArrayList<>();
        for (ForgettingStudy.Variant variant : chosen) {
            outcomes.add(study.run(variant, rounds, perRound));
        }
        context.out().println();
        context.out().print(ForgettingStudy.table(baseScores, outcomes));
        return 0;
    }

    private static List<ForgettingStudy.Variant> chosen(
            List<ForgettingStudy.Variant> variants, CommandLine line) {
        String wanted = line.value("--policies").orElse(null);
        if (wanted == null) {
            return variants;
        }
        List<ForgettingStudy.Variant> chosen = new ArrayList<>();
        for (String number : wanted.split(",")) {
            try {
                chosen.add(variants.get(Integer.parseInt(number.trim()) - 1));
            } catch (NumberFormatException | IndexOutOfBoundsException e) {
                throw new UsageException(
                        "--policies takes numbers 1.." + variants.size() + ", not " + wanted);
            }
        }
        return chosen;
    }
}
