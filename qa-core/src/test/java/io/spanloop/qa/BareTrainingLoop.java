package io.spanloop.qa;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.slf4j.LoggerFactory;

/**
 * The baseline of the training benchmark (not used by the retrainer): a bare DJL training loop on
 * the same model, batches and order as {@link FineTuner} for the same options, with every batch's
 * input and label tensors built before the clock starts. Per step only: forward, {@link SpanLoss},
 * backward, the same {@link FineTuningOptimizer} step (in a per-step sub-manager, so that the
 * step's intermediate arrays are freed, as they must be in any loop). The loop's gradient clipping
 * runs too, so both train the same weights, but its time is taken out and reported apart, as is the
 * time to make every batch's tensors from its windows (measured before the timed loop).
 */
public final class BareTrainingLoop {

    /**
     * One measurement.
     *
     * @param windows training windows per epoch
     * @param steps optimizer steps timed
     * @param seconds wall time of the timed steps (tensors ready), clipping taken out
     * @param tensorSeconds time to make all those steps' tensors from their windows (measured
     *     separately, as {@code TrainingLoop} makes them per step)
     * @param clipSeconds time of the gradient clipping the real loop adds, over the same steps
     */
    public record Result(
            int windows, int steps, double seconds, double tensorSeconds, double clipSeconds) {}

    private BareTrainingLoop() {}

    /**
     * Labels {@code examples} as {@link FineTuner} does, loads {@code base} trainable and times the
     * bare loop over {@code options.epochs()} epochs (capped by {@code maxSteps}).
     */
    public static Result measure(
            ModelDirectory base, List<TrainingExample> examples, TrainingOptions options) {
        Engine engine = Engine.getEngine(EngineSettings.ENGINE);
        Device device = options.device().resolve(engine);
        try (QaTokenizer tokenizer = new QaTokenizer(base.tokenizerFile(), base.config());
                Model model = Model.newInstance(base.modelName(), device, EngineSettings.ENGINE)) {
            SpanLabeler labeler = new SpanLabeler(new WindowEncoder(tokenizer, base.config()));
            List<LabeledWindow> windows = new ArrayList<>();
            for (TrainingExample example : examples) {
                windows.addAll(labeler.label(example));
            }
            FineTuner.load(model, base);
            TrainingLoop loop =
                    new TrainingLoop(
                            options,
                            base.config(),
                            tokenizer.padId(),
                            device,
                            LoggerFactory.getLogger(BareTrainingLoop.class),
                            r -> {});
            List<List<LabeledWindow>> batches = batches(windows, options);
            engine.setRandomSeed(options.seed());
            Block block = model.getBlock();
            FineTuningOptimizer optimizer = loop.optimizer(block, batches.size());
            DefaultTrainingConfig config =
                    new DefaultTrainingConfig(new SpanLoss())
                            .optOptimizer(optimizer)
                            .optDevices(new Device[] {device});
            try (optimizer;
                    Trainer trainer = model.newTrainer(config);
                    NDManager ready = trainer.getManager().newSubManager()) {
                loop.prepare(trainer, (PtSymbolBlock) block);
                List<Parameter> trainable =
                        block.getParameters().values().stream()
                                .filter(Parameter::requiresGradient)
                                .toList();
                double tensorSeconds = tensorSeconds(trainer, batches, base, tokenizer.padId());
                List<NDList[]> tensors = new ArrayList<>(batches.size());
                for (List<LabeledWindow> batch : batches) {
                    tensors.add(tensors(ready, batch, base, tokenizer.padId()));
                }
                // the clipping runs as in TrainingLoop (so both train the same weights), but its
                // time is taken out of the bare loop's and reported apart
                long[] clipNanos = {0};
                long begin = System.nanoTime();
                for (NDList[] step : tensors) {
                    step(trainer, step, loop, trainable, clipNanos);
                }
                double wall = (System.nanoTime() - begin) / 1e9;
                return new Result(
                        windows.size(),
                        batches.size(),
                        wall - clipNanos[0] / 1e9,
                        tensorSeconds,
                        clipNanos[0] / 1e9);
            }
        }
    }

    /** The batches {@code TrainingLoop} trains on for these options, in its order. */
    static List<List<LabeledWindow>> batches(List<LabeledWindow> windows, TrainingOptions options) {
        Random random = new Random(options.seed());
        int totalSteps = options.totalSteps(windows.size());
        List<LabeledWindow> order = new ArrayList<>(windows);
        List<List<LabeledWindow>> batches = new ArrayList<>(totalSteps);
        for (int epoch = 1; epoch <= options.epochs() && batches.size() < totalSteps; epoch++) {
            Collections.shuffle(order, random);
            for (int from = 0;
                    from < order.size() && batches.size() < totalSteps;
                    from += options.batchSize()) {
                batches.add(
                        List.copyOf(
                                order.subList(
                                        from, Math.min(from + options.batchSize(), order.size()))));
            }
        }
        return batches;
    }

    private static NDList[] tensors(
            NDManager manager, List<LabeledWindow> batch, ModelDirectory base, long padId) {
        List<Window> windows = batch.stream().map(LabeledWindow::window).toList();
        return new NDList[] {
            WindowBatchTranslator.inputs(manager, windows, base.config(), padId),
            TrainingLoop.labels(manager, batch)
        };
    }

    private static double tensorSeconds(
            Trainer trainer, List<List<LabeledWindow>> batches, ModelDirectory base, long padId) {
        long begin = System.nanoTime();
        for (List<LabeledWindow> batch : batches) {
            try (NDManager manager = trainer.getManager().newSubManager()) {
                tensors(manager, batch, base, padId);
            }
        }
        return (System.nanoTime() - begin) / 1e9;
    }

    /** One bare step, and the loop's gradient clipping, timed apart. */
    private static void step(
            Trainer trainer,
            NDList[] tensors,
            TrainingLoop clip,
            List<Parameter> trainable,
            long[] clipNanos) {
        try (NDManager manager = trainer.getManager().newSubManager()) {
            NDList inputs = tensors[0];
            NDList labels = tensors[1];
            inputs.tempAttach(manager);
            labels.tempAttach(manager);
            try (GradientCollector collector = trainer.newGradientCollector()) {
                NDList predictions = trainer.forward(inputs);
                NDArray value = trainer.getLoss().evaluate(labels, predictions);
                collector.backward(value);
            }
            if (clip != null) {
                long begin = System.nanoTime();
                clip.clipGradients(manager, trainable);
                clipNanos[0] += System.nanoTime() - begin;
            }
            trainer.step();
        }
    }
}
