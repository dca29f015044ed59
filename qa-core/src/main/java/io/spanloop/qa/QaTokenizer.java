package io.spanloop.qa;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A HuggingFace {@code tokenizer.json} used without special tokens, truncation or padding: windows
 * are laid out by {@link WindowEncoder}, and offsets come back as String indices.
 */
final class QaTokenizer implements AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;
    private final long clsId;
    private final long sepId;
    private final long padId;

    QaTokenizer(Path tokenizerJson, ModelConfig config) {
        try {
            tokenizer =
                    HuggingFaceTokenizer.builder()
                            .optTokenizerPath(tokenizerJson)
                            .optAddSpecialTokens(false)
                            .optTruncation(false)
                            .optPadding(false)
                            .build();
        } catch (IOException | RuntimeException e) {
            throw new InvalidModelException(
                    "cannot load tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
        clsId = specialTokenId(config.clsToken());
        sepId = specialTokenId(config.sepToken());
        padId = specialTokenId(config.padToken());
    }

    private long specialTokenId(String token) {
        Encoding encoding = tokenizer.encode(token, false, false);
        long[] ids = encoding.getIds();
        if (ids.length != 1) {
            tokenizer.close();
            throw new InvalidModelException(
                    "special token " + token + " is not a single token of the tokenizer");
        }
        return ids[0];
    }

    /** Tokenizes {@code text}; offsets are converted from code points to String indices. */
    TokenizedText tokenize(String text) {
        Encoding encoding = tokenizer.encode(text, false, false);
        long[] ids = encoding.getIds();
        CharSpan[] spans = encoding.getCharTokenSpans();
        CodePointOffsets offsets = new CodePointOffsets(text);
        int[] starts = new int[ids.length];
        int[] ends = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            CharSpan span = spans[i];
            if (span == null) {
                // a token with no source text (never produced for plain text without specials)
                starts[i] = i == 0 ? 0 : ends[i - 1];
                ends[i] = starts[i];
            } else {
                starts[i] = offsets.toUtf16(span.getStart());
                ends[i] = offsets.toUtf16(span.getEnd());
            }
        }
        for (int i = 0; i < ids.length; i++) {
            int limit = i + 1 < ids.length ? Math.max(starts[i + 1], ends[i]) : text.length();
            ends[i] = Math.max(ends[i], endOfCombiningMarks(text, ends[i], limit));
        }
        return new TokenizedText(ids, starts, ends);
    }

    /**
     * Normalizers that strip accents drop decomposed combining marks from the token's span; a span
     * must not cut a character from its marks, so it takes the marks that follow it.
     */
    private static int endOfCombiningMarks(String text, int from, int limit) {
        int end = from;
        while (end < limit && end > 0) {
            int codePoint = text.codePointAt(end);
            int type = Character.getType(codePoint);
            if (type != Character.NON_SPACING_MARK
                    && type != Character.ENCLOSING_MARK
                    && type != Character.COMBINING_SPACING_MARK) {
                break;
            }
            end += Character.charCount(codePoint);
        }
        return end;
    }

    long clsId() {
        return clsId;
    }

    long sepId() {
        return sepId;
    }

    long padId() {
        return padId;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
