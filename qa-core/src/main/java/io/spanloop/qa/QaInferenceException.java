package io.spanloop.qa;

/** The engine failed to run the model on an input batch. */
public class QaInferenceException extends RuntimeException {

    public QaInferenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
