package io.spanloop.answerer;

/** Why a question went to the dead-letter topic: the {@code reason} label of its counter. */
enum DeadLetterReason {
    /** The record's bytes are no {@code Question} (or there are none). */
    UNDESERIALIZABLE("undeserializable"),
    /** Its id, question or context is missing or empty. */
    MISSING_FIELD("missing_field"),
    /** Its question or context is longer than the answerer accepts. */
    TOO_LONG("too_long"),
    /** The model failed on it, alone. */
    INFERENCE_FAILED("inference_failed");

    private final String label;

    DeadLetterReason(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }
}
