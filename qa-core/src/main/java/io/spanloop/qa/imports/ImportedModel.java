package io.spanloop.qa.imports;

import io.spanloop.qa.ModelDirectory;
import java.util.List;

/**
 * A pretrained encoder imported as a model version.
 *
 * @param directory the written version directory
 * @param encoder the encoder's dimensions and settings
 * @param qaHeadFromCheckpoint whether {@code qa_outputs} came from the checkpoint (a {@code
 *     *ForQuestionAnswering} model) or was initialised here (a base encoder)
 * @param parameters the number of weights written
 * @param ignoredTensors source tensors the QA model does not use (pooler, pre-training heads,
 *     position id buffers)
 * @param seconds how long the import took
 */
public record ImportedModel(
        ModelDirectory directory,
        EncoderSpec encoder,
        boolean qaHeadFromCheckpoint,
        long parameters,
        List<String> ignoredTensors,
        double seconds) {

    public ImportedModel {
        ignoredTensors = List.copyOf(ignoredTensors);
    }
}
