package io.spanloop.qa;

/**
 * Converts Unicode code point indices (what HuggingFace tokenizers report) into Java {@code String}
 * indices (UTF-16 code units, what spanloop puts on the wire).
 */
final class CodePointOffsets {

    private final int[] utf16Index;

    CodePointOffsets(String text) {
        int codePoints = text.codePointCount(0, text.length());
        utf16Index = new int[codePoints + 1];
        int utf16 = 0;
        for (int cp = 0; cp < codePoints; cp++) {
            utf16Index[cp] = utf16;
            utf16 += Character.charCount(text.codePointAt(utf16));
        }
        utf16Index[codePoints] = utf16;
    }

    /** The String index of code point {@code codePointIndex} (the length for one past the end). */
    int toUtf16(int codePointIndex) {
        if (codePointIndex < 0 || codePointIndex >= utf16Index.length) {
            throw new IndexOutOfBoundsException(
                    "code point index "
                            + codePointIndex
                            + " outside 0.."
                            + (utf16Index.length - 1));
        }
        return utf16Index[codePointIndex];
    }
}
