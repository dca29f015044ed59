package io.spanloop.qa;

/** A SQuAD file that is not valid JSON or not shaped like SQuAD ({@code data → paragraphs}). */
public class SquadFormatException extends RuntimeException {

    public SquadFormatException(String message) {
        super(message);
    }

    public SquadFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
