package io.spanloop.qa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code config.json} of a model version: how to lay out inputs and decode outputs.
 *
 * @param modelName the model's name (the directory above the version when absent)
 * @param arch the transformer family, which fixes the special-token layout
 * @param inputs the tensors the TorchScript {@code forward} takes, in order ({@code input_ids},
 *     {@code attention_mask}, {@code token_type_ids})
 * @param lowerCase whether the tokenizer lower-cases (informational; tokenizer.json decides)
 * @param maxSeqLength tokens in one window, special tokens included
 * @param stride tokens of context shared by two consecutive windows
 * @param maxQueryLength question tokens kept (the rest is cut)
 * @param maxAnswerLength longest answer span, in tokens
 * @param supportsNullAnswer whether the model was trained to point at the first token for "no
 *     answer" (SQuAD 2.0); if not, the best span is always returned
 * @param nullScoreMargin "no answer" wins when its score exceeds the best span's by more than this
 * @param clsToken first special token ({@code [CLS]} / {@code <s>})
 * @param sepToken separator ({@code [SEP]} / {@code </s>})
 * @param padToken padding ({@code [PAD]} / {@code <pad>})
 */
public record ModelConfig(
        String modelName,
        ModelArchitecture arch,
        List<String> inputs,
        boolean lowerCase,
        int maxSeqLength,
        int stride,
        int maxQueryLength,
        int maxAnswerLength,
        boolean supportsNullAnswer,
        double nullScoreMargin,
        String clsToken,
        String sepToken,
        String padToken) {

    public static final String INPUT_IDS = "input_ids";
    public static final String ATTENTION_MASK = "attention_mask";
    public static final String TOKEN_TYPE_IDS = "token_type_ids";

    private static final ObjectMapper JSON = new ObjectMapper();

    public ModelConfig {
        inputs = List.copyOf(inputs);
        for (String input : inputs) {
            if (!List.of(INPUT_IDS, ATTENTION_MASK, TOKEN_TYPE_IDS).contains(input)) {
                throw new InvalidModelException("unknown model input '" + input + "'");
            }
        }
        if (!inputs.contains(INPUT_IDS)) {
            throw new InvalidModelException("inputs must contain " + INPUT_IDS);
        }
        requirePositive("max_seq_length", maxSeqLength);
        requirePositive("max_query_length", maxQueryLength);
        requirePositive("max_answer_length", maxAnswerLength);
        if (stride < 0) {
            throw new InvalidModelException("stride must be >= 0, was " + stride);
        }
        int contextPerWindow = maxSeqLength - maxQueryLength - arch.specialTokens();
        if (contextPerWindow <= stride) {
            throw new InvalidModelException(
                    "max_seq_length "
                            + maxSeqLength
                            + " leaves "
                            + contextPerWindow
                            + " context tokens per window after a "
                            + maxQueryLength
                            + "-token question; stride "
                            + stride
                            + " must be smaller than that");
        }
    }

    private static void requirePositive(String key, int value) {
        if (value <= 0) {
            throw new InvalidModelException(key + " must be > 0, was " + value);
        }
    }

    /** Reads {@code config.json}; {@code defaultName} is used when it names no model. */
    public static ModelConfig read(Path configJson, String defaultName) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(configJson));
        } catch (IOException e) {
            throw new InvalidModelException("cannot read " + configJson + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidModelException(configJson + " is not a JSON object");
        }
        ModelArchitecture arch = ModelArchitecture.parse(text(root, "arch", "bert"));
        boolean roberta = arch == ModelArchitecture.ROBERTA;
        List<String> inputs = new ArrayList<>();
        JsonNode inputsNode = root.get("inputs");
        if (inputsNode == null) {
            inputs.addAll(
                    arch == ModelArchitecture.BERT
                            ? List.of(INPUT_IDS, ATTENTION_MASK, TOKEN_TYPE_IDS)
                            : List.of(INPUT_IDS, ATTENTION_MASK));
        } else {
            inputsNode.forEach(n -> inputs.add(n.asText()));
        }
        return new ModelConfig(
                text(root, "model_name", defaultName),
                arch,
                inputs,
                root.path("lower_case").asBoolean(true),
                integer(root, "max_seq_length", 384),
                integer(root, "stride", 128),
                integer(root, "max_query_length", 64),
                integer(root, "max_answer_length", 30),
                root.path("supports_null_answer").asBoolean(false),
                root.path("null_score_margin").asDouble(0.0),
                text(root, "cls_token", roberta ? "<s>" : "[CLS]"),
                text(root, "sep_token", roberta ? "</s>" : "[SEP]"),
                text(root, "pad_token", roberta ? "<pad>" : "[PAD]"));
    }

    private static String text(JsonNode root, String key, String defaultValue) {
        JsonNode node = root.get(key);
        return node == null || node.isNull() ? defaultValue : node.asText();
    }

    private static int integer(JsonNode root, String key, int defaultValue) {
        JsonNode node = root.get(key);
        if (node == null || node.isNull()) {
            return defaultValue;
        }
        if (!node.canConvertToInt()) {
            throw new InvalidModelException(key + " must be an integer, was " + node);
        }
        return node.asInt();
    }

    /** Context tokens that fit in one window next to a question of {@code questionTokens}. */
    public int contextTokensPerWindow(int questionTokens) {
        return maxSeqLength - Math.min(questionTokens, maxQueryLength) - arch.specialTokens();
    }
}
