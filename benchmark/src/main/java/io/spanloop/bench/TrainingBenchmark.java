package io.spanloop.bench;

import io.spanloop.qa.BareTrainingLoop;
import io.spanloop.qa.DeviceSpec;
import io.spanloop.qa.EngineSettings;
import io.spanloop.qa.FineTuner;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.TrainedModel;
import io.spanloop.qa.TrainingExample;
import io.spanloop.qa.TrainingOptions;
import io.spanloop.qa.testing.ColorFacts;
import io.spanloop.qa.testing.TinyModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The training benchmark ({@code ./bench --training}; not a test): the retrainer's fine-tuning
 * ({@link FineTuner#fineTune}: labelling, per-batch tensors, progress, gradient clipping, the LR
 * schedule) against a bare DJL loop on the same model, batches and order with every tensor built
 * before the clock starts ({@link BareTrainingLoop}), in the same run, best of a few rounds each.
 */
public final class TrainingBenchmark {

    static final String USAGE =
            """
            Usage: TrainingBenchmark [options]
              --examples N (512)   ColorFacts training examples (one window each on the tiny model)
              --epochs N (2)  --batch-size N (16)  --rounds N (5; best of, each side)
              --warmup-examples N (64)  --model-dir DIR (default: the tiny test fixture)
              --device cpu|auto|gpu:N (cpu)  --intra-op-threads N (1; 0 = PyTorch's default)
              --seed N (7)  --out FILE
            """;

    private TrainingBenchmark() {}

    public static void main(String[] args) throws IOException {
        if (BenchOptions.wantsHelp(args)) {
            System.out.print(USAGE);
            return;
        }
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                System.err.println("error: unexpected argument " + args[i] + "\n" + USAGE);
                System.exit(2);
            }
            values.put(args[i].substring(2), args[++i]);
        }
        int examplesCount = Integer.parseInt(values.getOrDefault("examples", "512"));
        int epochs = Integer.parseInt(values.getOrDefault("epochs", "2"));
        int batchSize = Integer.parseInt(values.getOrDefault("batch-size", "16"));
        int rounds = Integer.parseInt(values.getOrDefault("rounds", "5"));
        int warmupCount = Integer.parseInt(values.getOrDefault("warmup-examples", "64"));
        int seed = Integer.parseInt(values.getOrDefault("seed", "7"));
        DeviceSpec device = DeviceSpec.parse(values.getOrDefault("device", "cpu"));
        Path out =
                Path.of(values.getOrDefault("out", "benchmark/target/bench/training-results.md"));

        int intraOp = Integer.parseInt(values.getOrDefault("intra-op-threads", "1"));
        new EngineSettings(intraOp, intraOp > 0 ? 1 : 0).apply();
        Path work = Files.createTempDirectory("spanloop-trainbench");
        ModelDirectory model =
                values.containsKey("model-dir")
                        ? ModelDirectory.open(Path.of(values.get("model-dir")))
                        : TinyModel.copyTo(work.resolve("models"), 1);
        TrainingOptions options =
                TrainingOptions.DEFAULTS
                        .withEpochs(epochs)
                        .withBatchSize(batchSize)
                        .withLearningRate(1e-4)
                        .withSeed(seed)
                        .withDevice(device);
        List<TrainingExample> examples = ColorFacts.examples(examplesCount, seed);
        List<TrainingExample> warmup = ColorFacts.examples(warmupCount, seed + 1, "w");

        // warm-up: both paths once (JIT, PyTorch allocator, the TorchScript executor)
        fineTune(model, warmup, options);
        BareTrainingLoop.measure(model, warmup, options);

        double bestLoop = Double.MAX_VALUE;
        double bestCall = Double.MAX_VALUE;
        BareTrainingLoop.Result bestBare = null;
        int trained = 0;
        for (int round = 1; round <= rounds; round++) {
            Real real = fineTune(model, examples, options);
            BareTrainingLoop.Result bare = BareTrainingLoop.measure(model, examples, options);
            trained = real.windowsTrained;
            System.out.printf(
                    Locale.ROOT,
                    "[bench] round %d: FineTuner loop %.2f s (call %.2f s), bare %.2f s,"
                            + " clipping %.3f s, tensors %.3f s%n",
                    round,
                    real.loopSeconds,
                    real.callSeconds,
                    bare.seconds(),
                    bare.clipSeconds(),
                    bare.tensorSeconds());
            bestLoop = Math.min(bestLoop, real.loopSeconds);
            bestCall = Math.min(bestCall, real.callSeconds);
            if (bestBare == null || bare.seconds() < bestBare.seconds()) {
                bestBare = bare;
            }
        }
        String markdown =
                markdown(
                        model,
                        options,
                        examplesCount,
                        rounds,
                        trained,
                        bestLoop,
                        bestCall,
                        bestBare);
        System.out.print(markdown);
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, markdown);
        System.out.println("[bench] written to " + out);
    }

    private record Real(double loopSeconds, double callSeconds, int windowsTrained) {}

    private static Real fineTune(
            ModelDirectory model, List<TrainingExample> examples, TrainingOptions options) {
        long begin = System.nanoTime();
        try (TrainedModel trained = new FineTuner(options).fineTune(model, examples, r -> {})) {
            double call = (System.nanoTime() - begin) / 1e9;
            int windows = trained.summary().windows();
            int perEpoch = (windows + options.batchSize() - 1) / options.batchSize();
            int steps = trained.summary().steps();
            // every epoch trains each window once (no max-steps cap here)
            int windowsTrained = steps / perEpoch * windows;
            return new Real(trained.summary().seconds(), call, windowsTrained);
        }
    }

    private static String markdown(
            ModelDirectory model,
            TrainingOptions options,
            int examples,
            int rounds,
            int trained,
            double loopSeconds,
            double callSeconds,
            BareTrainingLoop.Result bare) {
        double bareRate = trained / bare.seconds();
        double loopRate = trained / loopSeconds;
        double callRate = trained / callSeconds;
        StringBuilder md = new StringBuilder();
        md.append(
                String.format(
                        Locale.ROOT,
                        "## Training throughput: %s, %d examples, %d epochs, batch %d, %s (best of"
                                + " %d)%n%n",
                        model.modelName(),
                        examples,
                        options.epochs(),
                        options.batchSize(),
                        options.device(),
                        rounds));
        md.append("| path | steps | seconds | examples/s | ratio to bare |\n");
        md.append("|---|---:|---:|---:|---:|\n");
        row(md, "bare DJL loop (tensors ready)", bare.steps(), bare.seconds(), bareRate, 1.0);
        row(
                md,
                "FineTuner training loop",
                bare.steps(),
                loopSeconds,
                loopRate,
                loopRate / bareRate);
        row(
                md,
                "FineTuner.fineTune call (+ labelling, model load)",
                bare.steps(),
                callSeconds,
                callRate,
                callRate / bareRate);
        md.append(
                String.format(
                        Locale.ROOT,
                        "%nWhere the loop's extra time can go, measured apart (same steps): making"
                                + " the batches' tensors from windows %.1f ms (%.2f ms/step);"
                                + " gradient clipping %.1f ms (%.2f ms/step).%n",
                        bare.tensorSeconds() * 1e3,
                        bare.tensorSeconds() * 1e3 / bare.steps(),
                        bare.clipSeconds() * 1e3,
                        bare.clipSeconds() * 1e3 / bare.steps()));
        return md.toString();
    }

    private static void row(
            StringBuilder md, String path, int steps, double seconds, double rate, double ratio) {
        md.append(
                String.format(
                        Locale.ROOT,
                        "| %s | %d | %.2f | %.1f | %.2f |%n",
                        path,
                        steps,
                        seconds,
                        rate,
                        ratio));
    }
}
