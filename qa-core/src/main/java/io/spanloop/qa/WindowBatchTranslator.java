package io.spanloop.qa;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a batch of windows into one padded forward pass and the model's two outputs back into
 * per-window logits. Every NDArray lives in the per-call manager of the {@link TranslatorContext}.
 */
final class WindowBatchTranslator
        implements NoBatchifyTranslator<List<Window>, List<WindowLogits>> {

    private final ModelConfig config;
    private final long padId;

    WindowBatchTranslator(ModelConfig config, long padId) {
        this.config = config;
        this.padId = padId;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, List<Window> windows) {
        // the profiling graph executor re-optimises for every new padded shape: slow, not faster
        JniUtils.setGraphExecutorOptimize(false);
        return inputs(ctx.getNDManager(), windows, config, padId);
    }

    /**
     * The model's input tensors for a batch of windows, padded to the longest: the ones {@link
     * ModelConfig#inputs()} names, in its order. Training builds its batches with this too, so
     * training and serving feed the model identically.
     */
    static NDList inputs(NDManager manager, List<Window> windows, ModelConfig config, long padId) {
        int batch = windows.size();
        int length = paddedLength(windows);
        long[] ids = new long[batch * length];
        long[] mask = new long[batch * length];
        long[] types = new long[batch * length];
        Arrays.fill(ids, padId);
        for (int b = 0; b < batch; b++) {
            Window window = windows.get(b);
            int offset = b * length;
            System.arraycopy(window.inputIds(), 0, ids, offset, window.length());
            System.arraycopy(window.typeIds(), 0, types, offset, window.length());
            Arrays.fill(mask, offset, offset + window.length(), 1L);
        }
        Shape shape = new Shape(batch, length);
        NDList inputs = new NDList();
        for (String input : config.inputs()) {
            long[] values =
                    switch (input) {
                        case ModelConfig.INPUT_IDS -> ids;
                        case ModelConfig.ATTENTION_MASK -> mask;
                        default -> types;
                    };
            inputs.add(manager.create(values, shape));
        }
        return inputs;
    }

    /** The sequence length of a batch: its longest window. */
    static int paddedLength(List<Window> windows) {
        return windows.stream().mapToInt(Window::length).max().orElse(0);
    }

    @Override
    public List<WindowLogits> processOutput(TranslatorContext ctx, NDList outputs) {
        if (outputs.size() < 2) {
            throw new IllegalStateException(
                    "the model returned "
                            + outputs.size()
                            + " output(s); expected (start_logits, end_logits)");
        }
        NDArray start = outputs.get(0);
        NDArray end = outputs.get(1);
        if (start.getShape().dimension() != 2 || !start.getShape().equals(end.getShape())) {
            throw new IllegalStateException(
                    "expected start and end logits of shape [batch, length], got "
                            + start.getShape()
                            + " and "
                            + end.getShape());
        }
        int length = (int) start.getShape().get(1);
        float[] starts = start.toType(DataType.FLOAT32, false).toFloatArray();
        float[] ends = end.toType(DataType.FLOAT32, false).toFloatArray();
        int batch = (int) start.getShape().get(0);
        List<WindowLogits> logits = new ArrayList<>(batch);
        for (int b = 0; b < batch; b++) {
            logits.add(
                    new WindowLogits(
                            Arrays.copyOfRange(starts, b * length, (b + 1) * length),
                            Arrays.copyOfRange(ends, b * length, (b + 1) * length)));
        }
        return logits;
    }
}
