package io.spanloop.qa.imports;

import io.spanloop.qa.ModelArchitecture;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checks that a {@code tokenizer.json} belongs to the model it is imported with: its vocabulary
 * against the word embeddings, its pad token against the config.
 */
final class TokenizerChecks {

    // logged as the importer, the class whose log users configure
    private static final Logger LOG = LoggerFactory.getLogger(ModelImporter.class);

    private TokenizerChecks() {}

    static void checkVocabulary(
            EncoderSpec spec, TokenizerFacts tokenizer, Path tokenizerFile, TensorSource source) {
        if (tokenizer.vocabSize() != spec.vocabSize()) {
            throw new ModelImportException(
                    tokenizerFile
                            + " has "
                            + tokenizer.vocabSize()
                            + " token ids but the model's word embeddings ("
                            + source.describe()
                            + ") have "
                            + spec.vocabSize()
                            + " rows: the tokenizer does not belong to the model");
        }
    }

    static void checkPadding(EncoderSpec spec, TokenizerFacts tokenizer, Path tokenizerFile) {
        if (spec.padTokenId() == tokenizer.padId()) {
            return;
        }
        if (spec.arch() == ModelArchitecture.ROBERTA) {
            // RoBERTa's position ids skip the pad id: the model and the batches must agree on it
            throw new ModelImportException(
                    "config.json says pad_token_id "
                            + spec.padTokenId()
                            + " but "
                            + tokenizerFile
                            + " pads with "
                            + tokenizer.padToken()
                            + " = "
                            + tokenizer.padId());
        }
        LOG.warn(
                "config.json says pad_token_id {} but {} pads with {} = {}; keeping the config's",
                spec.padTokenId(),
                tokenizerFile,
                tokenizer.padToken(),
                tokenizer.padId());
    }
}
