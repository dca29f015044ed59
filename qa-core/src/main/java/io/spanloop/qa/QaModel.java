package io.spanloop.qa;

/**
 * A loaded model version: the boundary between the services and the engine. Predictors are cheap
 * and not thread-safe; the model itself is shared. Close predictors before the model.
 */
public interface QaModel extends AutoCloseable {

    /** The model's name (the directory above its versions). */
    String name();

    /** The version that produced every answer of this model. */
    long version();

    /** A new predictor for the calling thread; the caller closes it. */
    QaPredictor newPredictor();

    @Override
    void close();
}
