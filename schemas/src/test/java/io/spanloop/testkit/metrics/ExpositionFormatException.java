package io.spanloop.testkit.metrics;

/**
 * A scrape that breaks a rule of the Prometheus text format 0.0.4, with the line it broke it on.
 */
public final class ExpositionFormatException extends RuntimeException {

    ExpositionFormatException(int line, String problem) {
        super("line " + line + ": " + problem);
    }

    ExpositionFormatException(String problem) {
        super(problem);
    }
}
