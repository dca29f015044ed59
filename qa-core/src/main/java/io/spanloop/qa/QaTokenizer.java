package io.spanloop.qa;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A HuggingFace {@code tokenizer.json} used without special tokens, truncation or padding: windows
 * are laid out by {@link WindowEncoder}, and offsets come back as String indices.
 *
 * <p>BERT-style tokenizers (WordPiece) run in Java ({@link BertWordPiece}: the same ids and offsets
 * as the native library, several times faster: the native call and its per-token offset objects
 * cost as much as a small model's forward pass) for every text whose code points are all in {@link
 * BertCodePoints}; other texts, and tokenizers of any other shape, go to HuggingFace's native
 * tokenizer.
 */
final class QaTokenizer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QaTokenizer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Which implementation tokenizes. */
    enum Implementation {
        /** {@link BertWordPiece} where the tokenizer's shape allows, otherwise native. */
        AUTO,
        /** Always HuggingFace's native tokenizer. */
        NATIVE
    }

    private final Path tokenizerJson;
    private final BertWordPiece wordPiece;
    private volatile HuggingFaceTokenizer nativeTokenizer;
    private boolean closed;
    private final long clsId;
    private final long sepId;
    private final long padId;

    QaTokenizer(Path tokenizerJson, ModelConfig config) {
        this(tokenizerJson, config, Implementation.AUTO);
    }

    QaTokenizer(Path tokenizerJson, ModelConfig config, Implementation implementation) {
        this.tokenizerJson = tokenizerJson;
        wordPiece = implementation == Implementation.AUTO ? javaTokenizer(tokenizerJson) : null;
        nativeTokenizer = wordPiece == null ? nativeTokenizer(tokenizerJson) : null;
        clsId = specialTokenId(config.clsToken());
        sepId = specialTokenId(config.sepToken());
        padId = specialTokenId(config.padToken());
    }

    private static BertWordPiece javaTokenizer(Path tokenizerJson) {
        JsonNode root;
        try {
            root = JSON.readTree(tokenizerJson.toFile());
        } catch (IOException | RuntimeException e) {
            throw new InvalidModelException(
                    "cannot read tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
        BertWordPiece.Result result = BertWordPiece.from(root);
        if (result.tokenizer().isEmpty()) {
            LOG.info("Tokenizing with HuggingFace's native tokenizer: {}", result.unsupported());
        }
        return result.tokenizer().orElse(null);
    }

    private static HuggingFaceTokenizer nativeTokenizer(Path tokenizerJson) {
        try {
            return HuggingFaceTokenizer.builder()
                    .optTokenizerPath(tokenizerJson)
                    .optAddSpecialTokens(false)
                    .optTruncation(false)
                    .optPadding(false)
                    .build();
        } catch (IOException | RuntimeException e) {
            throw new InvalidModelException(
                    "cannot load tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    /** The native tokenizer, loaded on first use where the Java one serves most texts. */
    private HuggingFaceTokenizer nativeTokenizer() {
        HuggingFaceTokenizer tokenizer = nativeTokenizer;
        if (tokenizer == null) {
            synchronized (this) {
                if (closed) {
                    throw new IllegalStateException("tokenizer " + tokenizerJson + " is closed");
                }
                tokenizer = nativeTokenizer;
                if (tokenizer == null) {
                    tokenizer = nativeTokenizer(tokenizerJson);
                    nativeTokenizer = tokenizer;
                }
            }
        }
        return tokenizer;
    }

    /** Whether the Java WordPiece pipeline tokenizes (rather than the native library). */
    boolean isJava() {
        return wordPiece != null;
    }

    private long specialTokenId(String token) {
        long[] ids = tokens(token).ids();
        if (ids.length != 1) {
            close();
            throw new InvalidModelException(
                    "special token " + token + " is not a single token of the tokenizer");
        }
        return ids[0];
    }

    /** Tokenizes {@code text}; offsets are String indices. */
    TokenizedText tokenize(String text) {
        return withCombiningMarks(text, tokens(text));
    }

    /** Extends each token's end over the combining marks that follow it (see below). */
    static TokenizedText withCombiningMarks(String text, TokenizedText tokens) {
        int[] starts = tokens.starts();
        int[] ends = tokens.ends();
        for (int i = 0; i < ends.length; i++) {
            int limit = i + 1 < ends.length ? Math.max(starts[i + 1], ends[i]) : text.length();
            ends[i] = Math.max(ends[i], endOfCombiningMarks(text, ends[i], limit));
        }
        return tokens;
    }

    private TokenizedText tokens(String text) {
        TokenizedText tokens = wordPiece == null ? null : wordPiece.tokenize(text);
        return tokens != null ? tokens : nativeTokenize(text);
    }

    private TokenizedText nativeTokenize(String text) {
        Encoding encoding = nativeTokenizer().encode(text, false, false);
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
    public synchronized void close() {
        closed = true;
        if (nativeTokenizer != null) {
            nativeTokenizer.close();
            nativeTokenizer = null;
        }
    }
}
