package io.spanloop.qa;

import java.util.List;

/** Answers batches of questions with one model; not thread-safe (one per thread). */
public interface QaPredictor extends AutoCloseable {

    /**
     * Answers every input, in order, with as few forward passes as the batch allows.
     *
     * @throws QaInferenceException when the engine fails
     */
    List<QaResult> answer(List<QaInput> batch);

    /** Where this predictor's {@link #answer} calls have spent their time since it was made. */
    StageTimes stageTimes();

    @Override
    void close();

    /**
     * Cumulative wall time of each stage of {@link #answer}, so that what surrounds the model can
     * be told from the model itself within the same calls (a difference of two separately timed
     * runs drowns in a shared machine's noise).
     *
     * @param questions questions answered
     * @param encodeNanos tokenising and laying out windows
     * @param forwardNanos the forward passes: input tensors, the model, logits copied out
     * @param decodeNanos choosing spans (and token scores)
     */
    record StageTimes(long questions, long encodeNanos, long forwardNanos, long decodeNanos) {

        /** What was spent between {@code earlier} and this. */
        public StageTimes since(StageTimes earlier) {
            return new StageTimes(
                    questions - earlier.questions,
                    encodeNanos - earlier.encodeNanos,
                    forwardNanos - earlier.forwardNanos,
                    decodeNanos - earlier.decodeNanos);
        }

        /** Microseconds per question spent around the model: encoding and decoding. */
        public double prePostMicrosPerQuestion() {
            return questions == 0 ? 0 : (encodeNanos + decodeNanos) / 1e3 / questions;
        }

        public double forwardMicrosPerQuestion() {
            return questions == 0 ? 0 : forwardNanos / 1e3 / questions;
        }
    }
}
