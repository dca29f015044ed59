package io.spanloop.qa;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A fine-tuned model still in memory: it answers through the same predictor code as a served
 * version ({@link DjlQaModel}), so evaluating it here measures what serving it would give. {@link
 * ModelStore#write} makes it a version directory. Closing it frees the model.
 */
public final class TrainedModel implements AutoCloseable {

    private final ModelDirectory base;
    private final Model model;
    private final QaTokenizer tokenizer;
    private final WindowEncoder encoder;
    private final SpanDecoder decoder;
    private final TrainingSummary summary;
    private final AtomicBoolean closed = new AtomicBoolean();

    TrainedModel(ModelDirectory base, Model model, QaTokenizer tokenizer, TrainingSummary summary) {
        this.base = base;
        this.model = model;
        this.tokenizer = tokenizer;
        this.summary = summary;
        this.encoder = new WindowEncoder(tokenizer, base.config());
        this.decoder = new SpanDecoder(DecodingOptions.from(base.config()));
    }

    /** A copy of the values of the parameter whose name contains {@code name} (for tests). */
    float[] parameter(String name) {
        return model.getBlock().getParameters().values().stream()
                .filter(p -> p.getName().contains(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no parameter " + name))
                .getArray()
                .toFloatArray();
    }

    /** The version it was fine-tuned from (its tokenizer and config are this one's). */
    public ModelDirectory base() {
        return base;
    }

    /** The base model's name. */
    public String name() {
        return base.modelName();
    }

    /** The version it was fine-tuned from. */
    public long parentVersion() {
        return base.version();
    }

    /** How training went. */
    public TrainingSummary summary() {
        return summary;
    }

    /** Mean training loss of each epoch. */
    public List<Double> lossPerEpoch() {
        return summary.lossPerEpoch();
    }

    /** A predictor for the calling thread, with the serving path's windows and decoding. */
    public QaPredictor newPredictor() {
        return new DjlQaPredictor(
                encoder,
                decoder,
                null,
                model.newPredictor(new WindowBatchTranslator(base.config(), tokenizer.padId())),
                QaModelOptions.DEFAULTS.maxWindowsPerForward());
    }

    /** SQuAD EM/F1 of this model on labelled examples (see {@link QaEvaluator}). */
    public EvalScores evaluate(
            List<TrainingExample> examples, Map<String, List<String>> goldAnswers) {
        return QaEvaluator.evaluate(this, examples, goldAnswers);
    }

    WindowEncoder encoder() {
        return encoder;
    }

    /** Raw start/end logits for windows (to check a written copy reproduces them). */
    List<WindowLogits> logits(List<Window> windows) {
        try (Predictor<List<Window>, List<WindowLogits>> predictor =
                model.newPredictor(new WindowBatchTranslator(base.config(), tokenizer.padId()))) {
            return predictor.predict(windows);
        } catch (TranslateException e) {
            throw new QaInferenceException("forward pass failed: " + e, e);
        }
    }

    /**
     * Writes the model as TorchScript, in inference mode (a saved module keeps its train/eval flag,
     * and {@code torch.jit.load} users expect eval) and with CPU tensors: a model trained on a GPU
     * is saved, reloaded onto the CPU and saved again.
     */
    void writeTorchScript(OutputStream out, Path scratchDirectory) throws IOException {
        PtSymbolBlock block = (PtSymbolBlock) model.getBlock();
        JniUtils.enableInferenceMode(block);
        if (!model.getNDManager().getDevice().isGpu()) {
            JniUtils.writeModule(block, out, false);
            return;
        }
        Path onDevice = Files.createTempFile(scratchDirectory, "device-", ".pt");
        try {
            try (OutputStream file = Files.newOutputStream(onDevice)) {
                JniUtils.writeModule(block, file, false);
            }
            try (PtNDManager cpu =
                            (PtNDManager)
                                    NDManager.newBaseManager(Device.cpu(), EngineSettings.ENGINE);
                    PtSymbolBlock onCpu =
                            JniUtils.loadModule(
                                    cpu, onDevice, true, new String[0], new String[0], false)) {
                JniUtils.writeModule(onCpu, out, false);
            }
        } finally {
            Files.deleteIfExists(onDevice);
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            model.close();
            tokenizer.close();
        }
    }

    @Override
    public String toString() {
        return name() + " fine-tuned from v" + parentVersion();
    }
}
