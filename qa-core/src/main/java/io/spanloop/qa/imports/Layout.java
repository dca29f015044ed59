package io.spanloop.qa.imports;

import io.spanloop.qa.ModelArchitecture;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * HuggingFace's parameter names and shapes of one architecture's question-answering model, and the
 * names its template gives them. A per-layer HF tensor ({@code bert.encoder.layer.3.X}) is layer 3
 * of the template's stacked tensor {@code bert.encoder.layer.X}.
 */
final class Layout {

    static final String QA_WEIGHT = "qa_outputs.weight";
    static final String QA_BIAS = "qa_outputs.bias";

    /**
     * One template parameter.
     *
     * @param templateName its name in the template
     * @param hfName its HF name without the model prefix; for a stacked one, the part after {@code
     *     <layers>.<index>.}
     * @param stacked whether it holds one tensor per layer
     * @param shape the HF shape (of one layer, for a stacked one)
     */
    record Slot(
            String templateName,
            String hfName,
            boolean stacked,
            Function<EncoderSpec, long[]> shape) {

        /** The HF name of layer {@code index} (stacked) or of the tensor, with a prefix. */
        String sourceName(String prefix, String layers, int index) {
            if (stacked) {
                return prefix + layers + "." + index + "." + hfName;
            }
            return hfName.startsWith("qa_outputs.") ? hfName : prefix + hfName;
        }
    }

    private final ModelArchitecture arch;
    private final String prefix;
    private final String layers;
    private final List<Slot> slots;

    private Layout(ModelArchitecture arch, String prefix, String layers, List<Slot> slots) {
        this.arch = arch;
        this.prefix = prefix;
        this.layers = layers;
        this.slots = List.copyOf(slots);
    }

    static Layout of(ModelArchitecture arch) {
        return switch (arch) {
            case BERT -> bertLike(arch, "bert");
            case ROBERTA -> bertLike(arch, "roberta");
            case DISTILBERT -> distilBert();
        };
    }

    private static Layout bertLike(ModelArchitecture arch, String prefix) {
        String layers = "encoder.layer";
        List<Slot> slots = new ArrayList<>();
        embeddings(slots, prefix, true);
        String[][] linears = {
            {"attention.self.query", "H", "H"},
            {"attention.self.key", "H", "H"},
            {"attention.self.value", "H", "H"},
            {"attention.output.dense", "H", "H"},
            {"attention.output.LayerNorm", null, "H"},
            {"intermediate.dense", "I", "H"},
            {"output.dense", "H", "I"},
            {"output.LayerNorm", null, "H"},
        };
        layerSlots(slots, prefix, layers, linears);
        head(slots);
        return new Layout(arch, prefix, layers, slots);
    }

    private static Layout distilBert() {
        String prefix = "distilbert";
        String layers = "transformer.layer";
        List<Slot> slots = new ArrayList<>();
        embeddings(slots, prefix, false);
        String[][] linears = {
            {"attention.q_lin", "H", "H"},
            {"attention.k_lin", "H", "H"},
            {"attention.v_lin", "H", "H"},
            {"attention.out_lin", "H", "H"},
            {"sa_layer_norm", null, "H"},
            {"ffn.lin1", "I", "H"},
            {"ffn.lin2", "H", "I"},
            {"output_layer_norm", null, "H"},
        };
        layerSlots(slots, prefix, layers, linears);
        head(slots);
        return new Layout(ModelArchitecture.DISTILBERT, prefix, layers, slots);
    }

    private static void embeddings(List<Slot> slots, String prefix, boolean tokenTypes) {
        String e = "embeddings.";
        slots.add(
                plain(
                        prefix,
                        e + "word_embeddings.weight",
                        s -> dims(s.vocabSize(), s.hiddenSize())));
        slots.add(
                plain(
                        prefix,
                        e + "position_embeddings.weight",
                        s -> dims(s.maxPositionEmbeddings(), s.hiddenSize())));
        if (tokenTypes) {
            slots.add(
                    plain(
                            prefix,
                            e + "token_type_embeddings.weight",
                            s -> dims(s.typeVocabSize(), s.hiddenSize())));
        }
        slots.add(plain(prefix, e + "LayerNorm.weight", s -> dims(s.hiddenSize())));
        slots.add(plain(prefix, e + "LayerNorm.bias", s -> dims(s.hiddenSize())));
    }

    private static void layerSlots(
            List<Slot> slots, String prefix, String layers, String[][] linears) {
        for (String[] linear : linears) {
            String name = linear[0];
            Function<EncoderSpec, Integer> out = size(linear[1] == null ? linear[2] : linear[1]);
            Function<EncoderSpec, Integer> in = size(linear[2]);
            String template = prefix + "." + layers + ".";
            if (linear[1] == null) { // a LayerNorm
                slots.add(
                        new Slot(
                                template + name + ".weight",
                                name + ".weight",
                                true,
                                s -> dims(in.apply(s))));
            } else {
                slots.add(
                        new Slot(
                                template + name + ".weight",
                                name + ".weight",
                                true,
                                s -> dims(out.apply(s), in.apply(s))));
            }
            slots.add(
                    new Slot(
                            template + name + ".bias",
                            name + ".bias",
                            true,
                            s -> dims(out.apply(s))));
        }
    }

    private static Function<EncoderSpec, Integer> size(String symbol) {
        return symbol.equals("H") ? EncoderSpec::hiddenSize : EncoderSpec::intermediateSize;
    }

    private static void head(List<Slot> slots) {
        slots.add(new Slot(QA_WEIGHT, QA_WEIGHT, false, s -> dims(2, s.hiddenSize())));
        slots.add(new Slot(QA_BIAS, QA_BIAS, false, s -> dims(2)));
    }

    private static Slot plain(String prefix, String hfName, Function<EncoderSpec, long[]> shape) {
        return new Slot(prefix + "." + hfName, hfName, false, shape);
    }

    private static long[] dims(long... dims) {
        return dims;
    }

    ModelArchitecture arch() {
        return arch;
    }

    /** {@code bert}, {@code roberta} or {@code distilbert}: the HF prefix and template name. */
    String prefix() {
        return prefix;
    }

    String templateResource() {
        return "templates/" + arch.name().toLowerCase(Locale.ROOT) + ".pt";
    }

    /** {@code encoder.layer} (BERT, RoBERTa) or {@code transformer.layer} (DistilBERT). */
    String layers() {
        return layers;
    }

    List<Slot> slots() {
        return slots;
    }
}
