package io.spanloop.cli;

/** The command line itself is wrong (unknown option, missing value, bad input): exit status 2. */
final class UsageException extends RuntimeException {

    UsageException(String message) {
        super(message);
    }
}
