package io.spanloop.cli;

/** The command was well formed but could not do its work (timeout, Kafka, file): exit status 1. */
final class CommandFailedException extends RuntimeException {

    CommandFailedException(String message) {
        super(message);
    }

    CommandFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
