package io.spanloop.qa;

import java.util.Optional;

/**
 * Whether a span {@code [start, end)} of String indices (UTF-16 code units, spanloop's offsets) can
 * be a label: inside the text, not empty, each end on a code point boundary (never between the two
 * halves of a surrogate pair, which UTF-8 cannot carry) and not cutting a combining mark from the
 * letter before it. Every place that takes a span from outside (labeler API, SQuAD files, the
 * feedback topic) asks here.
 */
public final class SpanBoundaries {

    private SpanBoundaries() {}

    /** Why {@code [start, end)} is no valid span of {@code text}, or empty when it is one. */
    public static Optional<String> problem(String text, long start, long end) {
        if (start < 0 || end > text.length() || start >= end) {
            return Optional.of(
                    "the span ["
                            + start
                            + ", "
                            + end
                            + ") is not inside the context: need 0 <= start < end <= "
                            + text.length());
        }
        int s = (int) start;
        int e = (int) end;
        if (splitsSurrogatePair(text, s)) {
            return Optional.of(splitMessage("start", s, text));
        }
        if (splitsSurrogatePair(text, e)) {
            return Optional.of(splitMessage("end", e, text));
        }
        if (isCombiningMark(text.codePointAt(s)) && s > 0) {
            return Optional.of(
                    "the span's start "
                            + s
                            + " separates a combining mark (U+"
                            + hex(text.codePointAt(s))
                            + ") from the letter before it");
        }
        if (e < text.length() && isCombiningMark(text.codePointAt(e))) {
            return Optional.of(
                    "the span's end "
                            + e
                            + " separates a combining mark (U+"
                            + hex(text.codePointAt(e))
                            + ") from the letter before it");
        }
        return Optional.empty();
    }

    /** True when {@code index} falls between a high and a low surrogate of {@code text}. */
    static boolean splitsSurrogatePair(String text, int index) {
        return index > 0
                && index < text.length()
                && Character.isHighSurrogate(text.charAt(index - 1))
                && Character.isLowSurrogate(text.charAt(index));
    }

    private static boolean isCombiningMark(int codePoint) {
        int type = Character.getType(codePoint);
        return type == Character.NON_SPACING_MARK
                || type == Character.ENCLOSING_MARK
                || type == Character.COMBINING_SPACING_MARK;
    }

    private static String splitMessage(String which, int index, String text) {
        return "the span's "
                + which
                + " "
                + index
                + " falls inside the character U+"
                + hex(text.codePointAt(index - 1))
                + " (offsets count UTF-16 code units, and this character takes two)";
    }

    private static String hex(int codePoint) {
        return String.format("%04X", codePoint);
    }
}
