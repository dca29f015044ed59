package io.spanloop.labeler;

/** A request the API refuses, with the HTTP status and a message a person understands. */
final class ApiException extends RuntimeException {

    private final int status;

    ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }
}
