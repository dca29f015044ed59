package io.spanloop.qa.imports;

import io.spanloop.qa.ModelArchitecture;

/**
 * The {@link EncoderSpec} of a BERT encoder exported to ONNX, which has no {@code config.json}:
 * sizes from its initializers' shapes, heads, LayerNorm epsilon and activation from its graph.
 */
final class OnnxEncoderSpec {

    private OnnxEncoderSpec() {}

    /**
     * Reads the spec from the model's initializers and graph.
     *
     * @param options where {@link ImportOptions#attentionHeads()} overrides the graph's heads
     * @throws ModelImportException when the model is not a BERT encoder with HF initializer names,
     *     or its heads cannot be told
     */
    static EncoderSpec of(OnnxWeights onnx, TokenizerFacts tokenizer, ImportOptions options) {
        String word = "embeddings.word_embeddings.weight";
        String prefix = onnx.contains("bert." + word) ? "bert." : "";
        if (!onnx.contains(prefix + word)) {
            throw new ModelImportException(
                    onnx.describe()
                            + " has no initializer "
                            + word
                            + ": not a BERT encoder exported from HuggingFace (an export that"
                            + " keeps HF parameter names is needed)");
        }
        if (onnx.count("CumSum") > 0) {
            throw new ModelImportException(
                    onnx.describe()
                            + " computes position ids with CumSum, as RoBERTa does; only BERT"
                            + " encoders are imported from ONNX (import the HF checkpoint"
                            + " directory instead)");
        }
        String types = prefix + "embeddings.token_type_embeddings.weight";
        if (!onnx.contains(types)) {
            throw new ModelImportException(
                    onnx.describe()
                            + " has no "
                            + types
                            + ": only BERT encoders are imported from ONNX");
        }
        String intermediate = prefix + "encoder.layer.0.intermediate.dense.bias";
        if (!onnx.contains(intermediate)) {
            throw new ModelImportException(
                    onnx.describe() + " has no " + intermediate + ": not a BERT encoder");
        }
        long[] embeddings = onnx.shape(prefix + word);
        long[] positions = onnx.shape(prefix + "embeddings.position_embeddings.weight");
        int hidden = (int) embeddings[1];
        int heads;
        if (options.attentionHeads() > 0) {
            heads = options.attentionHeads();
        } else {
            heads =
                    onnx.attentionHeads(hidden)
                            .orElseThrow(
                                    () ->
                                            new ModelImportException(
                                                    "cannot tell the number of attention heads"
                                                            + " of "
                                                            + onnx.describe()
                                                            + " from its graph; give it with"
                                                            + " ImportOptions.withAttentionHeads"));
        }
        int layers = ImportPlan.layerCount(Layout.of(ModelArchitecture.BERT), onnx, prefix);
        return new EncoderSpec(
                ModelArchitecture.BERT,
                (int) embeddings[0],
                hidden,
                layers,
                heads,
                (int) onnx.shape(intermediate)[0],
                (int) positions[0],
                (int) onnx.shape(types)[0],
                onnx.layerNormEps().orElse(1e-12),
                onnx.hiddenAct().orElse("gelu"),
                0.1,
                0.1,
                0.0,
                tokenizer.padId());
    }
}
