package io.spanloop.qa;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fine-tunes a model version on labelled examples with DJL's trainer: the base TorchScript module
 * is loaded trainable, the examples are cut into the same windows serving uses and labelled with
 * answer token positions, and the span loss is minimised (see {@link TrainingOptions}). The base
 * version on disk is never touched; the result lives in memory as a {@link TrainedModel}.
 */
public final class FineTuner {

    private static final Logger LOG = LoggerFactory.getLogger(FineTuner.class);

    /** DJL's PyTorch gradient collector is process-wide: one training run at a time. */
    private static final Object ONE_RUN_AT_A_TIME = new Object();

    private final TrainingOptions options;

    public FineTuner(TrainingOptions options) {
        this.options = options;
    }

    /**
     * Fine-tunes {@code base} on {@code examples}.
     *
     * @throws IllegalArgumentException when no example can be trained on
     * @throws InvalidModelException when the base version cannot be loaded for training
     */
    public TrainedModel fineTune(ModelDirectory base, List<TrainingExample> examples) {
        return fineTune(base, examples, TrainingProgress.logTo(LOG));
    }

    /**
     * Fine-tunes {@code base} on {@code examples}, reporting to {@code progress} a few times a
     * minute.
     *
     * @throws IllegalArgumentException when no example can be trained on
     * @throws InvalidModelException when the base version cannot be loaded for training
     */
    public TrainedModel fineTune(
            ModelDirectory base, List<TrainingExample> examples, TrainingProgress progress) {
        Engine engine = Engine.getEngine(EngineSettings.ENGINE);
        Device device = options.device().resolve(engine);
        QaTokenizer tokenizer = new QaTokenizer(base.tokenizerFile(), base.config());
        Model model = Model.newInstance(base.modelName(), device, EngineSettings.ENGINE);
        try {
            SpanLabeler labeler = new SpanLabeler(new WindowEncoder(tokenizer, base.config()));
            List<LabeledWindow> windows = new ArrayList<>();
            int skipped = 0;
            for (TrainingExample example : examples) {
                List<LabeledWindow> labeled = labeler.label(example);
                if (labeled.isEmpty()) {
                    LOG.warn(
                            "Example {}: its answer covers no token; not trained on", example.id());
                    skipped++;
                }
                windows.addAll(labeled);
            }
            if (windows.isEmpty()) {
                throw new IllegalArgumentException(
                        "none of " + examples.size() + " examples can be trained on");
            }
            load(model, base);
            TrainingLoop loop =
                    new TrainingLoop(
                            options, base.config(), tokenizer.padId(), device, LOG, progress);
            TrainingSummary summary;
            synchronized (ONE_RUN_AT_A_TIME) {
                summary = loop.run(model, windows, examples.size() - skipped, skipped);
            }
            return new TrainedModel(base, model, tokenizer, summary);
        } catch (RuntimeException | Error e) {
            model.close();
            tokenizer.close();
            throw e;
        }
    }

    /** Loads the base version's TorchScript module trainable into {@code model}. */
    static void load(Model model, ModelDirectory base) {
        try {
            model.load(base.path(), "model", Map.of("mapLocation", "true", "trainParam", "true"));
        } catch (IOException | MalformedModelException e) {
            throw new InvalidModelException(
                    "cannot load " + base.path() + " for training: " + e.getMessage(), e);
        }
    }
}
