package io.spanloop.qa;

/**
 * How a model version is loaded and run.
 *
 * @param device where it runs
 * @param topK candidates reported per answer
 * @param maxWindowsPerForward windows in one forward pass; larger batches are split (bounds memory
 *     for long contexts)
 * @param tokenScores whether each result carries its {@link TokenScores} (off: none computed)
 * @param precision what the encoder computes in ({@link Precision#BF16}: CPU only)
 */
public record QaModelOptions(
        DeviceSpec device,
        int topK,
        int maxWindowsPerForward,
        boolean tokenScores,
        Precision precision) {

    public static final QaModelOptions DEFAULTS =
            new QaModelOptions(
                    DeviceSpec.AUTO, DecodingOptions.DEFAULT_TOP_K, 64, false, Precision.FP32);

    public QaModelOptions {
        if (topK <= 0 || maxWindowsPerForward <= 0) {
            throw new IllegalArgumentException("topK and maxWindowsPerForward must be > 0");
        }
        if (precision == null) {
            throw new IllegalArgumentException("precision must be set");
        }
    }

    public QaModelOptions withDevice(DeviceSpec device) {
        return new QaModelOptions(device, topK, maxWindowsPerForward, tokenScores, precision);
    }

    public QaModelOptions withTopK(int topK) {
        return new QaModelOptions(device, topK, maxWindowsPerForward, tokenScores, precision);
    }

    public QaModelOptions withMaxWindowsPerForward(int maxWindowsPerForward) {
        return new QaModelOptions(device, topK, maxWindowsPerForward, tokenScores, precision);
    }

    public QaModelOptions withTokenScores(boolean tokenScores) {
        return new QaModelOptions(device, topK, maxWindowsPerForward, tokenScores, precision);
    }

    public QaModelOptions withPrecision(Precision precision) {
        return new QaModelOptions(device, topK, maxWindowsPerForward, tokenScores, precision);
    }
}
