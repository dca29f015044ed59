package io.spanloop.qa;

/** A model version directory that cannot be served: missing files, bad config, unloadable model. */
public class InvalidModelException extends RuntimeException {

    public InvalidModelException(String message) {
        super(message);
    }

    public InvalidModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
