package io.spanloop.bench;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import io.spanloop.qa.EngineSettings;
import io.spanloop.qa.ForwardPlan;
import io.spanloop.qa.ModelArchitecture;
import io.spanloop.qa.ModelConfig;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.QaInput;
import io.spanloop.qa.QaModelOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The pure forward-pass baseline: every question is tokenised and laid out in windows up front (the
 * same layout as qa-core's {@code WindowEncoder}: question capped at {@code max_query_length},
 * context windows of {@code contextTokensPerWindow} sliding by {@code stride}), batches are padded
 * exactly as the answerer pads them (all windows of {@code batchSize} questions, split at {@code
 * maxWindowsPerForward}, grouped by length as {@link ForwardPlan} groups them), and only the model
 * call is timed: input tensors from {@code long[]}, the TorchScript forward, start/end logits
 * copied back to Java. This is the most the answerer could reach with free tokenisation, decoding,
 * Kafka and Avro.
 */
final class ForwardReplay implements AutoCloseable {

    /** One padded forward pass, built before timing starts. */
    record PaddedBatch(long[] ids, long[] mask, long[] types, int windows, int length) {}

    /** What the replay ran. */
    record Workload(int questions, int windows, long paddedTokens, long realTokens) {}

    private final ModelConfig config;
    private final Model model;
    private final HuggingFaceTokenizer tokenizer;
    private final long clsId;
    private final long sepId;
    private final long padId;

    private ForwardReplay(
            ModelConfig config, Model model, HuggingFaceTokenizer tokenizer, long[] specials) {
        this.config = config;
        this.model = model;
        this.tokenizer = tokenizer;
        this.clsId = specials[0];
        this.sepId = specials[1];
        this.padId = specials[2];
    }

    /** Loads the version's TorchScript file and tokenizer the way {@code DjlQaModel} does. */
    static ForwardReplay load(ModelDirectory directory, QaModelOptions options) throws IOException {
        Engine engine = Engine.getEngine(EngineSettings.ENGINE);
        Device device = options.device().resolve(engine);
        HuggingFaceTokenizer tokenizer =
                HuggingFaceTokenizer.builder()
                        .optTokenizerPath(directory.tokenizerFile())
                        .optAddSpecialTokens(false)
                        .optTruncation(false)
                        .optPadding(false)
                        .build();
        ModelConfig config = directory.config();
        long[] specials = {
            single(tokenizer, config.clsToken()),
            single(tokenizer, config.sepToken()),
            single(tokenizer, config.padToken())
        };
        Model model = Model.newInstance(directory.modelName(), device, EngineSettings.ENGINE);
        try {
            model.load(directory.path(), "model", Map.of("mapLocation", "true"));
            options.precision().prepare(model, device);
        } catch (MalformedModelException | IOException | RuntimeException e) {
            model.close();
            tokenizer.close();
            throw new IOException("cannot load " + directory.path() + ": " + e, e);
        }
        return new ForwardReplay(config, model, tokenizer, specials);
    }

    private static long single(HuggingFaceTokenizer tokenizer, String token) {
        long[] ids = tokenizer.encode(token, false, false).getIds();
        if (ids.length != 1) {
            throw new IllegalStateException(token + " is not a single token");
        }
        return ids[0];
    }

    /** The padded forward passes the answerer makes for {@code inputs} at this batch size. */
    List<PaddedBatch> prepare(List<QaInput> inputs, int batchSize, int maxWindowsPerForward) {
        List<PaddedBatch> batches = new ArrayList<>();
        for (int from = 0; from < inputs.size(); from += batchSize) {
            List<long[][]> windows = new ArrayList<>();
            for (QaInput input : inputs.subList(from, Math.min(from + batchSize, inputs.size()))) {
                windows.addAll(windows(input));
            }
            int[] lengths = windows.stream().mapToInt(w -> w[0].length).toArray();
            for (int[] pass : ForwardPlan.passes(lengths, maxWindowsPerForward)) {
                List<long[][]> chunk = new ArrayList<>(pass.length);
                for (int index : pass) {
                    chunk.add(windows.get(index));
                }
                batches.add(pad(chunk));
            }
        }
        return batches;
    }

    /** What {@code batches} hold, for the report. */
    static Workload describe(int questions, List<PaddedBatch> batches) {
        int windows = 0;
        long padded = 0;
        long real = 0;
        for (PaddedBatch batch : batches) {
            windows += batch.windows();
            padded += (long) batch.windows() * batch.length();
            real += Arrays.stream(batch.mask()).sum();
        }
        return new Workload(questions, windows, padded, real);
    }

    /** Runs batches {@code [from, to)} once, with a predictor of the calling thread. */
    void run(List<PaddedBatch> batches, int from, int to) {
        try (Predictor<PaddedBatch, Integer> predictor = model.newPredictor(new Translator())) {
            for (PaddedBatch batch : batches.subList(from, to)) {
                predictor.predict(batch);
            }
        } catch (TranslateException e) {
            throw new IllegalStateException("forward pass failed: " + e, e);
        }
    }

    /** {ids, types} of each window of one question. */
    private List<long[][]> windows(QaInput input) {
        long[] question = tokenizer.encode(input.question(), false, false).getIds();
        long[] context = tokenizer.encode(input.context(), false, false).getIds();
        question = Arrays.copyOf(question, Math.min(question.length, config.maxQueryLength()));
        int perWindow = config.contextTokensPerWindow(question.length);
        int step = perWindow - config.stride();
        List<long[][]> windows = new ArrayList<>();
        for (int start = 0; ; start += step) {
            int end = Math.min(start + perWindow, context.length);
            windows.add(window(question, context, start, end));
            if (end >= context.length) {
                return windows;
            }
        }
    }

    private long[][] window(long[] question, long[] context, int from, int to) {
        ModelArchitecture arch = config.arch();
        int length = question.length + (to - from) + arch.specialTokens();
        long[] ids = new long[length];
        long[] types = new long[length];
        int pos = 0;
        ids[pos++] = clsId;
        for (long id : question) {
            ids[pos++] = id;
        }
        for (int i = 0; i < arch.separatorsBetween(); i++) {
            ids[pos++] = sepId;
        }
        System.arraycopy(context, from, ids, pos, to - from);
        if (arch.typedSegments()) {
            Arrays.fill(types, pos, length, 1L);
        }
        ids[length - 1] = sepId;
        return new long[][] {ids, types};
    }

    private PaddedBatch pad(List<long[][]> windows) {
        int length = windows.stream().mapToInt(w -> w[0].length).max().orElse(0);
        int count = windows.size();
        long[] ids = new long[count * length];
        long[] mask = new long[count * length];
        long[] types = new long[count * length];
        Arrays.fill(ids, padId);
        for (int b = 0; b < count; b++) {
            long[][] window = windows.get(b);
            System.arraycopy(window[0], 0, ids, b * length, window[0].length);
            System.arraycopy(window[1], 0, types, b * length, window[1].length);
            Arrays.fill(mask, b * length, b * length + window[0].length, 1L);
        }
        return new PaddedBatch(ids, mask, types, count, length);
    }

    @Override
    public void close() {
        model.close();
        tokenizer.close();
    }

    /** Tensors in, logits back to Java arrays out: what the answerer's translator does. */
    private final class Translator implements NoBatchifyTranslator<PaddedBatch, Integer> {

        @Override
        public NDList processInput(TranslatorContext ctx, PaddedBatch batch) {
            // the same engine setting as qa-core's translator
            JniUtils.setGraphExecutorOptimize(false);
            NDManager manager = ctx.getNDManager();
            Shape shape = new Shape(batch.windows(), batch.length());
            NDList inputs = new NDList();
            for (String input : config.inputs()) {
                long[] values =
                        switch (input) {
                            case ModelConfig.INPUT_IDS -> batch.ids();
                            case ModelConfig.ATTENTION_MASK -> batch.mask();
                            default -> batch.types();
                        };
                inputs.add(manager.create(values, shape));
            }
            return inputs;
        }

        @Override
        public Integer processOutput(TranslatorContext ctx, NDList outputs) {
            float[] start = outputs.get(0).toType(DataType.FLOAT32, false).toFloatArray();
            float[] end = outputs.get(1).toType(DataType.FLOAT32, false).toFloatArray();
            return start.length + end.length;
        }
    }
}
