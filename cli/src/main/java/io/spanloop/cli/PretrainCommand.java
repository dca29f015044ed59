package io.spanloop.cli;

import io.spanloop.demo.pretrain.Pretrain;
import io.spanloop.demo.pretrain.PretrainOptions;
import java.util.Set;

/** {@code spanloop pretrain}: re-makes the demo's base model (see {@link Pretrain}). */
final class PretrainCommand extends Command {

    private static final String USAGE =
            """
            usage: spanloop pretrain [options]

            Pre-trains the demo's base model on generated articles (known fact types only) and
            writes it as a model version directory.

              --out DIR          version directory to write, replaced (default demo-model/1)
              --init DIR         start from this version directory instead of a fresh random
                                 model made by --init-script (needs python3 with torch)
              --init-script F    default qa-core/src/test/python/make_tiny_model.py
              --examples N       generated training examples (default 128000)
              --epochs N         default 3
              --batch-size N     default 32
              --learning-rate X  default 1e-3
              --max-steps N      stop after N optimizer steps (default 0 = no limit)
              --seed N           default 1
            """;

    PretrainCommand() {
        super(
                "pretrain",
                USAGE,
                Set.of(
                        "--out",
                        "--init",
                        "--init-script",
                        "--examples",
                        "--epochs",
                        "--batch-size",
                        "--learning-rate",
                        "--max-steps",
                        "--seed"),
                Set.of());
    }

    @Override
    int run(CommandLine line, CliContext context) {
        PretrainOptions options = options(line);
        try {
            Pretrain.run(options, context.out());
            return 0;
        } catch (RuntimeException e) {
            throw new CommandFailedException(e.getMessage(), e);
        }
    }

    /** The options {@code line} gives, over the defaults. */
    static PretrainOptions options(CommandLine line) {
        if (!line.positionals().isEmpty()) {
            throw new UsageException("unexpected argument " + line.positionals().get(0));
        }
        PretrainOptions defaults = PretrainOptions.builder().build();
        return PretrainOptions.builder()
                .out(line.path("--out", defaults.out()))
                .init(line.path("--init", defaults.init()))
                .initScript(line.path("--init-script", defaults.initScript()))
                .examples(line.positive("--examples", defaults.examples()))
                .epochs(line.positive("--epochs", defaults.epochs()))
                .batchSize(line.positive("--batch-size", defaults.batchSize()))
                .learningRate(line.positiveDecimal("--learning-rate", defaults.learningRate()))
                .maxSteps(line.positive("--max-steps", defaults.maxSteps()))
                .seed(line.number("--seed", defaults.seed()))
                .build();
    }
}
