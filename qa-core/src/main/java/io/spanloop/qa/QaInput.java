package io.spanloop.qa;

import java.util.Objects;

/** A question about a context: what the model answers. */
public record QaInput(String question, String context) {

    public QaInput {
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(context, "context");
    }
}
