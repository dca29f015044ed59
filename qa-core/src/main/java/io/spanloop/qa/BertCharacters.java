package io.spanloop.qa;

/**
 * The character classes of HuggingFace's BERT normalizer and pre-tokenizer, as the native tokenizer
 * applies them (Rust's {@code char::is_whitespace}, the {@code unicode_categories} crate's general
 * categories), expressed with Java's Unicode tables.
 */
final class BertCharacters {

    private BertCharacters() {}

    /** Unicode's White_Space property (what Rust's {@code char::is_whitespace} tests). */
    static boolean isWhitespace(int c) {
        return switch (c) {
            case 0x09,
                    0x0A,
                    0x0B,
                    0x0C,
                    0x0D,
                    0x20,
                    0x85,
                    0xA0,
                    0x1680,
                    0x2028,
                    0x2029,
                    0x202F,
                    0x205F,
                    0x3000 ->
                    true;
            default -> c >= 0x2000 && c <= 0x200A;
        };
    }

    /** What the normalizer removes as a control character: any "other" category but tab, LF, CR. */
    static boolean isControl(int c) {
        if (c == '\t' || c == '\n' || c == '\r') {
            return false;
        }
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE ->
                    true;
            default -> false;
        };
    }

    /** ASCII punctuation (symbols included, as in Rust's {@code is_ascii_punctuation}) or P*. */
    static boolean isPunctuation(int c) {
        if (c < 0x80) {
            return (c >= 33 && c <= 47)
                    || (c >= 58 && c <= 64)
                    || (c >= 91 && c <= 96)
                    || (c >= 123 && c <= 126);
        }
        return switch (Character.getType(c)) {
            case Character.CONNECTOR_PUNCTUATION,
                    Character.DASH_PUNCTUATION,
                    Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION,
                    Character.INITIAL_QUOTE_PUNCTUATION,
                    Character.FINAL_QUOTE_PUNCTUATION,
                    Character.OTHER_PUNCTUATION ->
                    true;
            default -> false;
        };
    }

    /** The CJK ideograph blocks BERT isolates as single-character words. */
    static boolean isChinese(int c) {
        return (c >= 0x4E00 && c <= 0x9FFF)
                || (c >= 0x3400 && c <= 0x4DBF)
                || (c >= 0x20000 && c <= 0x2A6DF)
                || (c >= 0x2A700 && c <= 0x2B73F)
                || (c >= 0x2B740 && c <= 0x2B81F)
                || (c >= 0x2B920 && c <= 0x2CEAF)
                || (c >= 0xF900 && c <= 0xFAFF)
                || (c >= 0x2F800 && c <= 0x2FA1F);
    }

    static int toLowerCase(int c) {
        return c < 0x80 ? (c >= 'A' && c <= 'Z' ? c + 32 : c) : Character.toLowerCase(c);
    }
}
