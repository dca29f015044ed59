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

    @Override
    void close();
}
