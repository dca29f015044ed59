package io.spanloop.qa;

import java.util.Locale;

/**
 * The transformer family of a QA model; decides how question and context are laid out in one input
 * sequence.
 */
public enum ModelArchitecture {
    /** {@code [CLS] question [SEP] context [SEP]}, token types 0 then 1. */
    BERT(3, 1, true),
    /** Same layout as BERT; the model usually takes no token type ids. */
    DISTILBERT(3, 1, true),
    /** {@code <s> question </s></s> context </s>}, no token types. */
    ROBERTA(4, 2, false);

    private final int specialTokens;
    private final int separatorsBetween;
    private final boolean typedSegments;

    ModelArchitecture(int specialTokens, int separatorsBetween, boolean typedSegments) {
        this.specialTokens = specialTokens;
        this.separatorsBetween = separatorsBetween;
        this.typedSegments = typedSegments;
    }

    /** Number of special tokens a (question, context) pair needs. */
    public int specialTokens() {
        return specialTokens;
    }

    /** Separator tokens between the question and the context. */
    public int separatorsBetween() {
        return separatorsBetween;
    }

    /** Whether context tokens get token type id 1. */
    public boolean typedSegments() {
        return typedSegments;
    }

    /** Parses {@code bert}, {@code distilbert} or {@code roberta} (any case). */
    public static ModelArchitecture parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidModelException(
                    "unknown arch '" + name + "' (expected bert, distilbert or roberta)");
        }
    }
}
