package io.spanloop.qa.imports;

import io.spanloop.qa.ModelArchitecture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What to copy from the source: every tensor checked to exist with the shape the spec implies.
 *
 * @param source the checkpoint's tensors
 * @param prefix "bert." when the names carry the model prefix (a *For* checkpoint), else ""
 * @param qaFromCheckpoint whether the checkpoint's {@code qa_outputs} are kept (else a new head)
 * @param parameters the grown model's parameter count
 * @param ignored the source's tensors that the model does not use
 */
record ImportPlan(
        TensorSource source,
        String prefix,
        boolean qaFromCheckpoint,
        long parameters,
        List<String> ignored) {

    /**
     * Checks the source's tensors against the spec and the layout.
     *
     * @param saysQuestionAnswering whether the config names a {@code *ForQuestionAnswering} model
     * @throws ModelImportException when a tensor is missing or has another shape
     */
    static ImportPlan of(
            EncoderSpec spec, Layout layout, TensorSource source, boolean saysQuestionAnswering) {
        String prefix = prefix(layout, source);
        int layers = layerCount(layout, source, prefix);
        if (layers != spec.numLayers()) {
            throw new ModelImportException(
                    source.describe()
                            + " has "
                            + layers
                            + " layers ("
                            + prefix
                            + layout.layers()
                            + ".N.*) but the config says num_hidden_layers = "
                            + spec.numLayers()
                            + ": the config does not belong to these weights");
        }
        Set<String> used = new HashSet<>();
        long parameters = 0;
        boolean hasWeight = source.contains(Layout.QA_WEIGHT);
        boolean hasBias = source.contains(Layout.QA_BIAS);
        if (hasWeight != hasBias) {
            throw new ModelImportException(
                    source.describe()
                            + " has "
                            + (hasWeight ? Layout.QA_WEIGHT : Layout.QA_BIAS)
                            + " but not "
                            + (hasWeight ? Layout.QA_BIAS : Layout.QA_WEIGHT));
        }
        if (saysQuestionAnswering && !hasWeight) {
            throw new ModelImportException(
                    "the config names a *ForQuestionAnswering model but "
                            + source.describe()
                            + " has no qa_outputs.weight");
        }
        for (Layout.Slot slot : layout.slots()) {
            boolean head = slot.hfName().startsWith("qa_outputs.");
            if (head && !hasWeight) {
                parameters += FloatTensor.elements(slot.shape().apply(spec));
                continue;
            }
            int count = slot.stacked() ? spec.numLayers() : 1;
            for (int i = 0; i < count; i++) {
                String name = slot.sourceName(prefix, layout.layers(), i);
                long[] expected = slot.shape().apply(spec);
                if (!source.contains(name)) {
                    throw new ModelImportException(
                            source.describe()
                                    + " has no tensor "
                                    + name
                                    + ", which a "
                                    + layout.prefix()
                                    + " model needs (is it a "
                                    + layout.prefix()
                                    + " checkpoint?)");
                }
                long[] actual = source.shape(name);
                if (!Arrays.equals(actual, expected)) {
                    throw new ModelImportException(
                            "tensor "
                                    + name
                                    + " of "
                                    + source.describe()
                                    + " is "
                                    + Arrays.toString(actual)
                                    + ", but the config ("
                                    + summary(spec)
                                    + ") makes it "
                                    + Arrays.toString(expected)
                                    + ": the config does not belong to these weights");
                }
                used.add(name);
                parameters += FloatTensor.elements(expected);
            }
        }
        List<String> ignored = new ArrayList<>();
        for (String name : source.names()) {
            if (!used.contains(name)) {
                ignored.add(name);
            }
        }
        return new ImportPlan(source, prefix, hasWeight, parameters, ignored);
    }

    /** "bert." when the names carry the model prefix (a *For* checkpoint), else "". */
    private static String prefix(Layout layout, TensorSource source) {
        String word = "embeddings.word_embeddings.weight";
        String prefixed = layout.prefix() + ".";
        if (source.contains(prefixed + word)) {
            return prefixed;
        }
        if (source.contains(word)) {
            return "";
        }
        List<String> some = source.names().subList(0, Math.min(5, source.names().size()));
        throw new ModelImportException(
                source.describe()
                        + " has neither "
                        + prefixed
                        + word
                        + " nor "
                        + word
                        + ": not a "
                        + layout.prefix()
                        + " checkpoint (its first tensors: "
                        + some
                        + ")");
    }

    /**
     * One more than the highest layer index among the source's names ({@code
     * <prefix><layers>.N.*}).
     */
    static int layerCount(Layout layout, TensorSource source, String prefix) {
        Pattern layer =
                Pattern.compile(Pattern.quote(prefix + layout.layers() + ".") + "(\\d+)\\..*");
        int max = -1;
        for (String name : source.names()) {
            Matcher m = layer.matcher(name);
            if (m.matches()) {
                max = Math.max(max, Integer.parseInt(m.group(1)));
            }
        }
        return max + 1;
    }

    private static String summary(EncoderSpec spec) {
        StringBuilder s = new StringBuilder();
        s.append("hidden_size ").append(spec.hiddenSize());
        s.append(", intermediate_size ").append(spec.intermediateSize());
        s.append(", vocab_size ").append(spec.vocabSize());
        s.append(", max_position_embeddings ").append(spec.maxPositionEmbeddings());
        if (spec.arch() != ModelArchitecture.DISTILBERT) {
            s.append(", type_vocab_size ").append(spec.typeVocabSize());
        }
        return s.toString();
    }
}
