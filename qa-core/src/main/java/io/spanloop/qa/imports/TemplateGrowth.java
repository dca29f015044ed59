package io.spanloop.qa.imports;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import io.spanloop.qa.DeviceSpec;
import io.spanloop.qa.DjlQaModel;
import io.spanloop.qa.EngineSettings;
import io.spanloop.qa.ModelArchitecture;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.QaModelOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Grows the architecture's template to the checkpoint (every parameter replaced as the plan says)
 * and saves it as {@code model.pt}; then checks that the saved file reproduces the grown module.
 */
final class TemplateGrowth {

    // logged as the importer, the class whose log users configure
    private static final Logger LOG = LoggerFactory.getLogger(ModelImporter.class);

    /** Tolerance between the grown module in memory and the file it was saved to. */
    private static final float RELOAD_TOLERANCE = 1e-5f;

    private TemplateGrowth() {}

    /** Loads the template, fills it, saves it; returns its hidden states on the probe. */
    static float[] grow(
            EncoderSpec spec,
            Layout layout,
            ImportPlan plan,
            long qaHeadSeed,
            Path scratch,
            Path dir,
            long[][][] probe)
            throws IOException {
        try (PtNDManager manager =
                        (PtNDManager)
                                NDManager.newBaseManager(Device.cpu(), EngineSettings.ENGINE);
                TemplateModule module = TemplateModule.load(layout, manager, scratch)) {
            TensorSource source = plan.source();
            for (Layout.Slot slot : layout.slots()) {
                String name = slot.templateName();
                long[] shape = slot.shape().apply(spec);
                if (slot.hfName().startsWith("qa_outputs.") && !plan.qaFromCheckpoint()) {
                    module.assign(name, newHead(name, shape, qaHeadSeed));
                } else if (slot.stacked()) {
                    long[] stacked = new long[shape.length + 1];
                    stacked[0] = spec.numLayers();
                    System.arraycopy(shape, 0, stacked, 1, shape.length);
                    module.resize(name, stacked);
                    for (int i = 0; i < spec.numLayers(); i++) {
                        module.assignLayer(
                                name,
                                i,
                                source.read(slot.sourceName(plan.prefix(), layout.layers(), i)));
                    }
                } else {
                    module.assign(
                            name, source.read(slot.sourceName(plan.prefix(), layout.layers(), 0)));
                }
            }
            module.setInt("num_heads", spec.numAttentionHeads());
            module.setInt("activation", spec.activationCode());
            module.setInt("pad_token_id", spec.padTokenId());
            module.setFloat("layer_norm_eps", spec.layerNormEps());
            module.setFloat("hidden_dropout", spec.hiddenDropout());
            module.setFloat("attention_dropout", spec.attentionDropout());
            module.setFloat("qa_dropout", spec.qaDropout());
            float[] hidden = module.encode(probe);
            module.write(dir.resolve(ModelDirectory.MODEL_FILE));
            return hidden;
        }
    }

    /**
     * A new QA head as HF initialises one: weights normal(0, 0.02) from {@code seed}, bias 0. The
     * same seed gives the same head.
     */
    static FloatTensor newHead(String name, long[] shape, long seed) {
        float[] values = new float[(int) FloatTensor.elements(shape)];
        if (name.endsWith(".weight")) {
            Random random = new Random(seed);
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (random.nextGaussian() * 0.02);
            }
        }
        return new FloatTensor(name, shape, values);
    }

    /**
     * Two short sequences (the second padded) of ordinary token ids, as the template's encode takes
     * them: ids, mask and, for BERT, token types.
     */
    static long[][][] probe(EncoderSpec spec, TokenizerFacts tokenizer) {
        Set<Long> special =
                Set.of(
                        (long) tokenizer.clsId(),
                        (long) tokenizer.sepId(),
                        (long) tokenizer.padId());
        long[] words = new long[7];
        long next = 11;
        for (int i = 0; i < words.length; i++) {
            do {
                next = (next * 31 + 7) % spec.vocabSize();
            } while (special.contains(next));
            words[i] = next;
        }
        long cls = tokenizer.clsId();
        long sep = tokenizer.sepId();
        long pad = tokenizer.padId();
        long[][] ids = {
            {cls, words[0], words[1], sep, words[2], words[3], words[4], sep},
            {cls, words[5], sep, words[6], sep, pad, pad, pad}
        };
        long[][] mask = {{1, 1, 1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 0, 0, 0}};
        long[][] types = {{0, 0, 0, 0, 1, 1, 1, 1}, {0, 0, 0, 1, 1, 0, 0, 0}};
        if (spec.arch() == ModelArchitecture.BERT) {
            return new long[][][] {ids, mask, types};
        }
        return new long[][][] {ids, mask};
    }

    /** The written file must compute what the grown module computed, and answer a question. */
    static void verify(Layout layout, Path dir, long[][][] probe, float[] expected) {
        float[] actual;
        try (PtNDManager manager =
                        (PtNDManager)
                                NDManager.newBaseManager(Device.cpu(), EngineSettings.ENGINE);
                TemplateModule reloaded =
                        TemplateModule.open(
                                dir.resolve(ModelDirectory.MODEL_FILE), layout, manager, false)) {
            actual = reloaded.encode(probe);
        }
        float worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        if (actual.length != expected.length || !(worst <= RELOAD_TOLERANCE)) {
            throw new ModelImportException(
                    "the written model.pt does not reproduce the imported model (difference "
                            + worst
                            + ")");
        }
        try (DjlQaModel model =
                DjlQaModel.load(
                        ModelDirectory.open(dir),
                        QaModelOptions.DEFAULTS.withDevice(DeviceSpec.CPU))) {
            LOG.debug("{} loads and answers", model);
        }
    }
}
