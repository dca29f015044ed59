package io.spanloop.qa.imports;

/**
 * How {@link ModelImporter} makes a version directory of a pretrained encoder.
 *
 * @param modelName the model's name in the written {@code config.json}; null: the name of the
 *     directory above the version directory (the model store's layout)
 * @param maxSeqLength tokens in one window (at most the encoder's usable positions)
 * @param stride context tokens shared by consecutive windows; -1: {@code maxSeqLength / 4}
 * @param maxQueryLength question tokens kept; -1: {@code min(64, maxSeqLength / 4)}
 * @param maxAnswerLength longest answer span, in tokens
 * @param supportsNullAnswer whether the model answers "no answer" (SQuAD 2.0 style)
 * @param nullScoreMargin "no answer" wins when it beats the best span by more than this
 * @param qaHeadSeed seeds a new QA head (normal(0, 0.02) weights, zero bias) when the checkpoint
 *     has none; the same seed gives the same head
 * @param attentionHeads the number of attention heads where the source cannot tell (ONNX); 0: read
 *     it from {@code config.json} or the ONNX graph
 * @param verify reload the written model and run a question through it before the version is made
 *     visible
 */
public record ImportOptions(
        String modelName,
        int maxSeqLength,
        int stride,
        int maxQueryLength,
        int maxAnswerLength,
        boolean supportsNullAnswer,
        double nullScoreMargin,
        long qaHeadSeed,
        int attentionHeads,
        boolean verify) {

    /** Windows of 256 tokens, stride 64, questions up to 64 tokens, answers up to 30, seed 42. */
    public static final ImportOptions DEFAULTS =
            new ImportOptions(null, 256, -1, -1, 30, false, 0.0, 42, 0, true);

    public ImportOptions {
        if (maxSeqLength <= 0 || maxAnswerLength <= 0) {
            throw new IllegalArgumentException("maxSeqLength and maxAnswerLength must be > 0");
        }
        if (stride < -1 || maxQueryLength < -1 || maxQueryLength == 0) {
            throw new IllegalArgumentException("stride >= 0 and maxQueryLength > 0, or -1: auto");
        }
        if (attentionHeads < 0) {
            throw new IllegalArgumentException("attentionHeads must be >= 0 (0: auto)");
        }
    }

    int effectiveStride() {
        return stride >= 0 ? stride : maxSeqLength / 4;
    }

    int effectiveMaxQueryLength() {
        return maxQueryLength > 0 ? maxQueryLength : Math.max(1, Math.min(64, maxSeqLength / 4));
    }

    public ImportOptions withModelName(String modelName) {
        return new ImportOptions(
                modelName,
                maxSeqLength,
                stride,
                maxQueryLength,
                maxAnswerLength,
                supportsNullAnswer,
                nullScoreMargin,
                qaHeadSeed,
                attentionHeads,
                verify);
    }

    public ImportOptions withMaxSeqLength(int maxSeqLength) {
        return new ImportOptions(
                modelName,
                maxSeqLength,
                stride,
                maxQueryLength,
                maxAnswerLength,
                supportsNullAnswer,
                nullScoreMargin,
                qaHeadSeed,
                attentionHeads,
                verify);
    }

    public ImportOptions withStride(int stride) {
        return new ImportOptions(
                modelName,
                maxSeqLength,
                stride,
                maxQueryLength,
                maxAnswerLength,
                supportsNullAnswer,
                nullScoreMargin,
                qaHeadSeed,
                attentionHeads,
                verify);
    }

    public ImportOptions withMaxQueryLength(int maxQueryLength) {
        return new ImportOptions(
                modelName,
                maxSeqLength,
                stride,
                maxQueryLength,
                maxAnswerLength,
                supportsNullAnswer,
                nullScoreMargin,
                qaHeadSeed,
                attentionHeads,
                verify);
    }

    public ImportOptions withMaxAnswerLength(int maxAnswerLength) {
        return new ImportOptions(
                modelName,
                maxSeqLength,
                stride,
                maxQueryLength,
                maxAnswerLength,
                supportsNullAnswer,
                nullScoreMargin,
                qaHeadSeed,
                attentionHeads,
                verify);
    }

    public ImportOptions withSupportsNullAnswer(boolean supportsNullAnswer) {
        return new ImportOptions(
                modelName,
                maxSeqLength,
                stride,
                maxQueryLength,
                maxAnswerLength,
                supportsNullAnswer,
                nullScoreMargin,
                qaHeadSeed,
                attentionHeads,
                verify);
    }

    public ImportOptions withNullScoreMargin(double nullScoreMargin) {
        return new ImportOptions(
                modelName,
                maxSeqLength,
                stride,
                maxQueryLength,
                maxAnswerLength,
                supportsNullAnswer,
                nullScoreMargin,
                qaHeadSeed,
                attentionHeads,
                verify);
    }

    public ImportOptions withQaHeadSeed(long qaHeadSeed) {
        return new ImportOptions(
                modelName,
                maxSeqLength,
                stride,
                maxQueryLength,
                maxAnswerLength,
                supportsNullAnswer,
                nullScoreMargin,
                qaHeadSeed,
                attentionHeads,
                verify);
    }

    public ImportOptions withAttentionHeads(int attentionHeads) {
        return new ImportOptions(
                modelName,
                maxSeqLength,
                stride,
                maxQueryLength,
                maxAnswerLength,
                supportsNullAnswer,
                nullScoreMargin,
                qaHeadSeed,
                attentionHeads,
                verify);
    }

    public ImportOptions withVerify(boolean verify) {
        return new ImportOptions(
                modelName,
                maxSeqLength,
                stride,
                maxQueryLength,
                maxAnswerLength,
                supportsNullAnswer,
                nullScoreMargin,
                qaHeadSeed,
                attentionHeads,
                verify);
    }
}
