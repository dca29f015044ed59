package io.spanloop.qa;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TorchScript QA model version run by DJL's PyTorch engine. Loading verifies the model end to end
 * (a warm-up forward pass on a real question), so a version that loads is one that answers.
 */
public final class DjlQaModel implements QaModel {

    private static final Logger LOG = LoggerFactory.getLogger(DjlQaModel.class);

    private final ModelDirectory directory;
    private final Model model;
    private final QaTokenizer tokenizer;
    private final WindowEncoder encoder;
    private final SpanDecoder decoder;
    private final TokenScorer scorer;
    private final QaModelOptions options;

    private DjlQaModel(
            ModelDirectory directory, Model model, QaTokenizer tokenizer, QaModelOptions options) {
        this.directory = directory;
        this.model = model;
        this.tokenizer = tokenizer;
        this.options = options;
        this.encoder = new WindowEncoder(tokenizer, directory.config());
        this.decoder =
                new SpanDecoder(DecodingOptions.from(directory.config()).withTopK(options.topK()));
        this.scorer =
                options.tokenScores()
                        ? new TokenScorer(directory.config().supportsNullAnswer())
                        : null;
    }

    /**
     * Loads a version directory and warms it up.
     *
     * @throws InvalidModelException when any part of it is missing, malformed or does not run
     */
    public static DjlQaModel load(ModelDirectory directory, QaModelOptions options) {
        Engine engine = Engine.getEngine(EngineSettings.ENGINE);
        Device device = options.device().resolve(engine);
        QaTokenizer tokenizer = new QaTokenizer(directory.tokenizerFile(), directory.config());
        Model model = Model.newInstance(directory.modelName(), device, EngineSettings.ENGINE);
        DjlQaModel loaded = null;
        try {
            model.load(directory.path(), "model", Map.of("mapLocation", "true"));
            options.precision().prepare(model, device);
            loaded = new DjlQaModel(directory, model, tokenizer, options);
            loaded.warmUp();
            LOG.info(
                    "Loaded model {} version {} from {} on {} ({})",
                    directory.modelName(),
                    directory.version(),
                    directory.path(),
                    device,
                    options.precision());
            return loaded;
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            tokenizer.close();
            throw new InvalidModelException(
                    "cannot load model version "
                            + directory.path()
                            + ": "
                            + (e.getMessage() == null ? e.toString() : e.getMessage()),
                    e);
        }
    }

    /** Loads a version directory with default options. */
    public static DjlQaModel load(ModelDirectory directory) {
        return load(directory, QaModelOptions.DEFAULTS);
    }

    private void warmUp() {
        try (QaPredictor predictor = newPredictor()) {
            predictor.answer(List.of(new QaInput("What is this?", "This is a warm-up question.")));
        }
    }

    @Override
    public String name() {
        return directory.modelName();
    }

    @Override
    public long version() {
        return directory.version();
    }

    public ModelDirectory directory() {
        return directory;
    }

    public Precision precision() {
        return options.precision();
    }

    @Override
    public QaPredictor newPredictor() {
        Predictor<List<Window>, List<WindowLogits>> predictor =
                model.newPredictor(
                        new WindowBatchTranslator(directory.config(), tokenizer.padId()));
        return new DjlQaPredictor(
                encoder, decoder, scorer, predictor, options.maxWindowsPerForward());
    }

    /** Raw start/end logits for windows (to check that a written copy reproduces a model). */
    List<WindowLogits> logits(List<Window> windows) {
        try (Predictor<List<Window>, List<WindowLogits>> predictor =
                model.newPredictor(
                        new WindowBatchTranslator(directory.config(), tokenizer.padId()))) {
            return predictor.predict(windows);
        } catch (TranslateException e) {
            throw new QaInferenceException("forward pass failed: " + e, e);
        }
    }

    @Override
    public void close() {
        model.close();
        tokenizer.close();
    }

    @Override
    public String toString() {
        return name() + " v" + version();
    }
}
