package io.spanloop.qa.imports;

import io.spanloop.qa.ModelArchitecture;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The dimensions and settings of a pretrained encoder, as HuggingFace's {@code config.json} gives
 * them (or as they are inferred from an ONNX graph).
 *
 * @param arch the family (its parameter names and embeddings)
 * @param vocabSize rows of the word embeddings
 * @param hiddenSize width of every layer
 * @param numLayers transformer layers
 * @param numAttentionHeads heads per attention (divides hiddenSize)
 * @param intermediateSize width of the feed-forward layer
 * @param maxPositionEmbeddings rows of the position embeddings
 * @param typeVocabSize rows of the token type embeddings (0 for DistilBERT, which has none)
 * @param layerNormEps LayerNorm epsilon
 * @param hiddenAct feed-forward activation, by HF's name ({@code gelu}, {@code gelu_new}, ...)
 * @param hiddenDropout dropout on embeddings and layer outputs while fine-tuning
 * @param attentionDropout dropout on attention probabilities while fine-tuning
 * @param qaDropout dropout before the QA head while fine-tuning (DistilBERT's qa_dropout)
 * @param padTokenId the padding token (its embedding gets no gradient; RoBERTa's positions start
 *     after it)
 */
public record EncoderSpec(
        ModelArchitecture arch,
        int vocabSize,
        int hiddenSize,
        int numLayers,
        int numAttentionHeads,
        int intermediateSize,
        int maxPositionEmbeddings,
        int typeVocabSize,
        double layerNormEps,
        String hiddenAct,
        double hiddenDropout,
        double attentionDropout,
        double qaDropout,
        int padTokenId) {

    /** HF activation names the templates compute, and their template codes. */
    static final Map<String, Integer> ACTIVATIONS =
            Map.of(
                    "gelu", 0,
                    "gelu_new", 1,
                    "gelu_pytorch_tanh", 1,
                    "gelu_fast", 1,
                    "relu", 2,
                    "silu", 3,
                    "swish", 3);

    public EncoderSpec {
        Objects.requireNonNull(arch, "arch");
        Objects.requireNonNull(hiddenAct, "hiddenAct");
        positive("vocab_size", vocabSize);
        positive("hidden_size", hiddenSize);
        positive("num_hidden_layers", numLayers);
        positive("num_attention_heads", numAttentionHeads);
        positive("intermediate_size", intermediateSize);
        positive("max_position_embeddings", maxPositionEmbeddings);
        if (typeVocabSize < 0 || (arch != ModelArchitecture.DISTILBERT && typeVocabSize == 0)) {
            throw new ModelImportException("type_vocab_size must be > 0, was " + typeVocabSize);
        }
        if (hiddenSize % numAttentionHeads != 0) {
            throw new ModelImportException(
                    "hidden_size "
                            + hiddenSize
                            + " is not a multiple of num_attention_heads "
                            + numAttentionHeads);
        }
        if (!(layerNormEps > 0) || layerNormEps > 0.1) {
            throw new ModelImportException(
                    "layer_norm_eps must be in (0, 0.1], was " + layerNormEps);
        }
        if (!ACTIVATIONS.containsKey(hiddenAct)) {
            throw new ModelImportException(
                    "hidden activation '"
                            + hiddenAct
                            + "' is not supported (supported: "
                            + String.join(", ", new TreeSet<>(ACTIVATIONS.keySet()))
                            + ")");
        }
        for (double p : new double[] {hiddenDropout, attentionDropout, qaDropout}) {
            if (!(p >= 0 && p < 1)) {
                throw new ModelImportException("dropout probabilities must be in [0, 1), was " + p);
            }
        }
    }

    private static void positive(String key, int value) {
        if (value <= 0) {
            throw new ModelImportException(key + " must be > 0, was " + value);
        }
    }

    /**
     * Positions one input may use: all of them, except for RoBERTa, whose position ids start at
     * {@code pad_token_id + 1}.
     */
    public int usablePositions() {
        return arch == ModelArchitecture.ROBERTA
                ? maxPositionEmbeddings - padTokenId - 1
                : maxPositionEmbeddings;
    }

    int activationCode() {
        return ACTIVATIONS.get(hiddenAct);
    }

    /** The values in HF's config.json terms, for messages and metadata. */
    Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("arch", arch.name().toLowerCase(java.util.Locale.ROOT));
        m.put("vocab_size", vocabSize);
        m.put("hidden_size", hiddenSize);
        m.put("num_hidden_layers", numLayers);
        m.put("num_attention_heads", numAttentionHeads);
        m.put("intermediate_size", intermediateSize);
        m.put("max_position_embeddings", maxPositionEmbeddings);
        m.put("type_vocab_size", typeVocabSize);
        m.put("layer_norm_eps", layerNormEps);
        m.put("hidden_act", hiddenAct);
        m.put("hidden_dropout_prob", hiddenDropout);
        m.put("attention_probs_dropout_prob", attentionDropout);
        m.put("qa_dropout", qaDropout);
        m.put("pad_token_id", padTokenId);
        return m;
    }

    /** The same spec with another number of attention heads. */
    public EncoderSpec withNumAttentionHeads(int heads) {
        return new EncoderSpec(
                arch,
                vocabSize,
                hiddenSize,
                numLayers,
                heads,
                intermediateSize,
                maxPositionEmbeddings,
                typeVocabSize,
                layerNormEps,
                hiddenAct,
                hiddenDropout,
                attentionDropout,
                qaDropout,
                padTokenId);
    }
}
