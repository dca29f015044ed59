package io.spanloop.qa;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;

/**
 * One fine-tuning run over labelled windows with DJL's {@link Trainer}. Each step's tensors live in
 * that step's {@link NDManager}.
 */
final class TrainingLoop {

    private final TrainingOptions options;
    private final ModelConfig config;
    private final long padId;
    private final Device device;
    private final Logger log;
    private final TrainingProgress progress;

    TrainingLoop(
            TrainingOptions options,
            ModelConfig config,
            long padId,
            Device device,
            Logger log,
            TrainingProgress progress) {
        this.options = options;
        this.config = config;
        this.padId = padId;
        this.device = device;
        this.log = log;
        this.progress = progress;
    }

    TrainingSummary run(Model model, List<LabeledWindow> windows, int examples, int skipped) {
        long begin = System.nanoTime();
        Engine.getEngine(EngineSettings.ENGINE).setRandomSeed(options.seed());
        Random random = new Random(options.seed());
        int totalSteps = options.totalSteps(windows.size());
        Block block = model.getBlock();
        List<Double> lossPerEpoch = new ArrayList<>();
        int steps = 0;
        FineTuningOptimizer optimizer = optimizer(block, totalSteps);
        DefaultTrainingConfig trainingConfig =
                new DefaultTrainingConfig(new SpanLoss())
                        .optOptimizer(optimizer)
                        .optDevices(new Device[] {device});
        try (optimizer;
                Trainer trainer = model.newTrainer(trainingConfig)) {
            prepare(trainer, (PtSymbolBlock) block);
            List<Parameter> trainable =
                    block.getParameters().values().stream()
                            .filter(Parameter::requiresGradient)
                            .toList();
            List<LabeledWindow> order = new ArrayList<>(windows);
            Reporter reporter = new Reporter(totalSteps, examples / (double) windows.size());
            for (int epoch = 1; epoch <= options.epochs() && steps < totalSteps; epoch++) {
                Collections.shuffle(order, random);
                reporter.epoch = epoch;
                Epoch done = epoch(trainer, trainable, order, totalSteps - steps, reporter);
                steps += done.steps();
                lossPerEpoch.add(done.meanLoss());
                logEpoch(epoch, done, examples * (double) done.windows() / order.size());
            }
        }
        return new TrainingSummary(
                examples,
                skipped,
                windows.size(),
                lossPerEpoch.size(),
                steps,
                (System.nanoTime() - begin) / 1e9,
                describe(device),
                lossPerEpoch);
    }

    private record Epoch(double meanLoss, int steps, int windows, double seconds) {}

    /** Sends a {@link TrainingProgress.Report} every {@link TrainingProgress#interval()}. */
    private final class Reporter {
        private final long begin = System.nanoTime();
        private final int totalSteps;
        private final double examplesPerWindow;
        private long nextReport = begin + progress.interval().toNanos();
        private int epoch;
        private int step;
        private long windows;
        private double lossSinceReport;
        private int stepsSinceReport;

        Reporter(int totalSteps, double examplesPerWindow) {
            this.totalSteps = totalSteps;
            this.examplesPerWindow = examplesPerWindow;
        }

        void stepped(int batchWindows, double loss) {
            step++;
            windows += batchWindows;
            lossSinceReport += loss;
            stepsSinceReport++;
            long now = System.nanoTime();
            if (now >= nextReport || step == totalSteps) {
                double seconds = (now - begin) / 1e9;
                progress.report(
                        new TrainingProgress.Report(
                                step,
                                totalSteps,
                                epoch,
                                options.epochs(),
                                lossSinceReport / stepsSinceReport,
                                windows * examplesPerWindow / seconds,
                                java.time.Duration.ofNanos(now - begin)));
                lossSinceReport = 0;
                stepsSinceReport = 0;
                nextReport = now + progress.interval().toNanos();
            }
        }
    }

    /** The run's optimizer: AdamW with the options' schedule, decay, freezing and anchor. */
    FineTuningOptimizer optimizer(Block block, int totalSteps) {
        Tracker learningRate =
                new LinearWarmupDecay(
                        (float) options.learningRate(),
                        options.warmupSteps(totalSteps),
                        totalSteps);
        return new FineTuningOptimizer(
                learningRate,
                (float) options.weightDecay(),
                undecayedParameters(block),
                options.freezeEmbeddings() ? embeddingTables(block) : Set.of(),
                (float) options.anchorStrength(),
                NDManager.newBaseManager(device));
    }

    /** The word, position and token type embedding tables (not their LayerNorm). */
    private static Set<String> embeddingTables(Block block) {
        return block.getParameters().values().stream()
                .filter(p -> p.getName().toLowerCase(Locale.ROOT).contains("_embeddings"))
                .map(Parameter::getId)
                .collect(Collectors.toSet());
    }

    /** Records the input shapes and switches the module into training mode. */
    void prepare(Trainer trainer, PtSymbolBlock block) {
        Shape[] inputShapes = new Shape[config.inputs().size()];
        Arrays.fill(inputShapes, new Shape(1, config.maxSeqLength()));
        // DJL's documented first step; for a TorchScript block in DJL 0.34 it only records the
        // input shapes (the first forward and step() would register the parameters anyway)
        trainer.initialize(inputShapes);
        // the block believes it starts in training mode, but a module saved in eval mode loads
        // in eval mode: switch explicitly, or dropout stays off
        JniUtils.enableTrainingMode(block);
        JniUtils.setGraphExecutorOptimize(false);
    }

    /** One pass over the windows in the given order, or fewer steps when the budget ends. */
    private Epoch epoch(
            Trainer trainer,
            List<Parameter> trainable,
            List<LabeledWindow> order,
            int budget,
            Reporter reporter) {
        long begin = System.nanoTime();
        double lossSum = 0;
        int steps = 0;
        int from = 0;
        while (from < order.size() && steps < budget) {
            List<LabeledWindow> batch =
                    order.subList(from, Math.min(from + options.batchSize(), order.size()));
            double loss = step(trainer, trainable, batch);
            reporter.stepped(batch.size(), loss);
            lossSum += loss;
            from += batch.size();
            steps++;
        }
        return new Epoch(lossSum / steps, steps, from, (System.nanoTime() - begin) / 1e9);
    }

    private void logEpoch(int epoch, Epoch done, double examples) {
        log.info(
                String.format(
                        Locale.ROOT,
                        "Epoch %d/%d: loss %.4f, %d steps, %.1f examples/s (%.1f windows/s) on %s",
                        epoch,
                        options.epochs(),
                        done.meanLoss(),
                        done.steps(),
                        examples / done.seconds(),
                        done.windows() / done.seconds(),
                        describe(device)));
    }

    /** The device as a {@link DeviceSpec} writes it: {@code cpu} or {@code gpu:N}. */
    static String describe(Device device) {
        return device.isGpu() ? "gpu:" + device.getDeviceId() : device.getDeviceType();
    }

    /** Biases and LayerNorm weights are not weight-decayed (BERT fine-tuning convention). */
    private static Set<String> undecayedParameters(Block block) {
        return block.getParameters().values().stream()
                .filter(
                        p -> {
                            String name = p.getName().toLowerCase(Locale.ROOT);
                            return name.contains("bias")
                                    || name.contains("layernorm")
                                    || name.contains("layer_norm");
                        })
                .map(Parameter::getId)
                .collect(Collectors.toSet());
    }

    private double step(Trainer trainer, List<Parameter> trainable, List<LabeledWindow> batch) {
        try (NDManager manager = trainer.getManager().newSubManager()) {
            List<Window> windows = batch.stream().map(LabeledWindow::window).toList();
            NDList inputs = WindowBatchTranslator.inputs(manager, windows, config, padId);
            NDList labels = labels(manager, batch);
            float loss;
            try (GradientCollector collector = trainer.newGradientCollector()) {
                NDList predictions = trainer.forward(inputs);
                NDArray value = trainer.getLoss().evaluate(labels, predictions);
                collector.backward(value);
                loss = value.getFloat();
            }
            if (!Float.isFinite(loss)) {
                throw new IllegalStateException("training diverged: loss " + loss);
            }
            clipGradients(manager, trainable);
            trainer.step();
            return loss;
        }
    }

    /** One-hot start and end positions and the attention mask, {@code [batch, length]} each. */
    static NDList labels(NDManager manager, List<LabeledWindow> batch) {
        int length =
                WindowBatchTranslator.paddedLength(
                        batch.stream().map(LabeledWindow::window).toList());
        float[] starts = new float[batch.size() * length];
        float[] ends = new float[batch.size() * length];
        float[] mask = new float[batch.size() * length];
        for (int b = 0; b < batch.size(); b++) {
            LabeledWindow labeled = batch.get(b);
            starts[b * length + labeled.startPosition()] = 1f;
            ends[b * length + labeled.endPosition()] = 1f;
            Arrays.fill(mask, b * length, b * length + labeled.window().length(), 1f);
        }
        Shape shape = new Shape(batch.size(), length);
        return new NDList(
                manager.create(starts, shape),
                manager.create(ends, shape),
                manager.create(mask, shape));
    }

    /** Scales all gradients down together when their global L2 norm exceeds the maximum. */
    void clipGradients(NDManager manager, List<Parameter> trainable) {
        if (options.maxGradNorm() <= 0 || trainable.isEmpty()) {
            return;
        }
        // the global norm as the norm of the per-parameter norms (as torch's clip_grad_norm_):
        // one native op per parameter instead of two, the same value up to float rounding
        List<NDArray> gradients = new ArrayList<>(trainable.size());
        NDList norms = new NDList(trainable.size());
        for (Parameter parameter : trainable) {
            NDArray gradient = parameter.getArray().getGradient();
            gradient.attach(manager);
            gradients.add(gradient);
            norms.add(gradient.norm());
        }
        double norm = NDArrays.stack(norms).norm().getFloat();
        if (norm > options.maxGradNorm()) {
            float scale = (float) (options.maxGradNorm() / (norm + 1e-6));
            for (NDArray gradient : gradients) {
                gradient.muli(scale);
            }
        }
    }
}
