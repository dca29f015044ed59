package io.spanloop.qa;

/**
 * A span of the context: {@code start}/{@code end} are Java {@code String} indices (UTF-16 code
 * units, end exclusive) into the context, and {@code text} is exactly {@code
 * context.substring(start, end)}.
 *
 * @param start first char of the span
 * @param end one past the last char
 * @param text the span's text
 * @param score probability of this span among the n-best spans and the null answer
 */
public record AnswerSpan(int start, int end, String text, double score) {

    public AnswerSpan {
        if (start < 0 || end <= start) {
            throw new IllegalArgumentException("invalid span [" + start + ", " + end + ")");
        }
    }
}
