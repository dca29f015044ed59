package io.spanloop.qa.imports;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.spanloop.qa.InvalidModelException;
import io.spanloop.qa.ModelArchitecture;
import io.spanloop.qa.ModelConfig;
import io.spanloop.qa.ModelDirectory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The spanloop {@code config.json} of an imported model: its {@link ModelConfig} from the encoder,
 * the tokenizer and the import options, and the file it is written as.
 */
final class SpanloopConfigs {

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SpanloopConfigs() {}

    /** The spanloop config of the imported model (validated by {@link ModelConfig} itself). */
    static ModelConfig of(
            EncoderSpec spec, TokenizerFacts tokenizer, String modelName, ImportOptions options) {
        if (options.maxSeqLength() > spec.usablePositions()) {
            throw new ModelImportException(
                    "max_seq_length "
                            + options.maxSeqLength()
                            + " is more than the "
                            + spec.usablePositions()
                            + " positions the model has; choose ImportOptions.withMaxSeqLength("
                            + spec.usablePositions()
                            + ") or less");
        }
        List<String> inputs =
                spec.arch() == ModelArchitecture.BERT
                        ? List.of(
                                ModelConfig.INPUT_IDS,
                                ModelConfig.ATTENTION_MASK,
                                ModelConfig.TOKEN_TYPE_IDS)
                        : List.of(ModelConfig.INPUT_IDS, ModelConfig.ATTENTION_MASK);
        try {
            return new ModelConfig(
                    modelName,
                    spec.arch(),
                    inputs,
                    tokenizer.lowerCase(),
                    options.maxSeqLength(),
                    options.effectiveStride(),
                    options.effectiveMaxQueryLength(),
                    options.maxAnswerLength(),
                    options.supportsNullAnswer(),
                    options.nullScoreMargin(),
                    tokenizer.clsToken(),
                    tokenizer.sepToken(),
                    tokenizer.padToken());
        } catch (InvalidModelException e) {
            throw new ModelImportException("invalid import options: " + e.getMessage(), e);
        }
    }

    /** Writes {@code config} as the version directory's {@code config.json}. */
    static void write(ModelConfig config, Path dir) throws IOException {
        JSON.writeValue(dir.resolve(ModelDirectory.CONFIG_FILE).toFile(), json(config));
    }

    private static Map<String, Object> json(ModelConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model_name", c.modelName());
        m.put("arch", c.arch().name().toLowerCase(Locale.ROOT));
        m.put("inputs", c.inputs());
        m.put("lower_case", c.lowerCase());
        m.put("max_seq_length", c.maxSeqLength());
        m.put("stride", c.stride());
        m.put("max_query_length", c.maxQueryLength());
        m.put("max_answer_length", c.maxAnswerLength());
        m.put("supports_null_answer", c.supportsNullAnswer());
        m.put("null_score_margin", c.nullScoreMargin());
        m.put("cls_token", c.clsToken());
        m.put("sep_token", c.sepToken());
        m.put("pad_token", c.padToken());
        return m;
    }
}
