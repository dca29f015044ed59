package io.spanloop.qa;

import com.fasterxml.jackson.databind.JsonNode;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * HuggingFace's BERT tokenizer pipeline ({@code BertNormalizer}, {@code BertPreTokenizer}, {@code
 * WordPiece}, special tokens matched in the raw text) in Java, for {@code tokenizer.json} files of
 * exactly that shape. It gives the same ids and offsets as the native tokenizer (checked code point
 * by code point against it in tests) at a fraction of the cost: no JNI crossing per text and no
 * object per token's offsets. Offsets are String (UTF-16) indices into the original text.
 */
final class BertWordPiece {

    /** The {@code BertNormalizer}'s options ({@code strip_accents} null: as lowercase). */
    record Normalization(
            boolean cleanText,
            boolean handleChineseChars,
            boolean stripAccents,
            boolean lowercase) {}

    private final Map<String, Integer> vocab;
    private final Map<String, Integer> continuations;
    private final int unkId;
    private final int maxInputCharsPerWord;
    private final int longestPiece;
    private final boolean cleanText;
    private final boolean handleChineseChars;
    private final boolean stripAccents;
    private final boolean lowercase;
    private final String[] addedTokens;
    private final int[] addedIds;
    private final String addedTokenStarts;

    private BertWordPiece(
            Map<String, Integer> vocab,
            String prefix,
            int unkId,
            int maxInputCharsPerWord,
            Normalization normalization,
            String[] addedTokens,
            int[] addedIds) {
        this.vocab = vocab;
        this.continuations = new HashMap<>();
        int longest = 1;
        for (Map.Entry<String, Integer> entry : vocab.entrySet()) {
            String piece = entry.getKey();
            if (piece.startsWith(prefix) && piece.length() > prefix.length()) {
                continuations.put(piece.substring(prefix.length()), entry.getValue());
            }
            longest = Math.max(longest, piece.length());
        }
        this.unkId = unkId;
        this.maxInputCharsPerWord = maxInputCharsPerWord;
        this.longestPiece = longest;
        this.cleanText = normalization.cleanText();
        this.handleChineseChars = normalization.handleChineseChars();
        this.stripAccents = normalization.stripAccents();
        this.lowercase = normalization.lowercase();
        this.addedTokens = addedTokens;
        this.addedIds = addedIds;
        StringBuilder starts = new StringBuilder();
        for (String token : addedTokens) {
            if (!token.isEmpty() && starts.indexOf(token.substring(0, 1)) < 0) {
                starts.append(token.charAt(0));
            }
        }
        this.addedTokenStarts = starts.toString();
    }

    /**
     * The Java tokenizer for this {@code tokenizer.json}, or why it cannot stand in for the native
     * one (another normalizer, pre-tokenizer or model, or added tokens it does not match the same
     * way).
     */
    static Result from(JsonNode root) {
        JsonNode normalizer = root.path("normalizer");
        if (!"BertNormalizer".equals(normalizer.path("type").asText())) {
            return Result.unsupported("normalizer " + describe(normalizer));
        }
        JsonNode preTokenizer = root.path("pre_tokenizer");
        if (!"BertPreTokenizer".equals(preTokenizer.path("type").asText())) {
            return Result.unsupported("pre-tokenizer " + describe(preTokenizer));
        }
        JsonNode model = root.path("model");
        if (!"WordPiece".equals(model.path("type").asText())) {
            return Result.unsupported("model " + describe(model));
        }
        JsonNode vocabNode = model.path("vocab");
        if (!vocabNode.isObject() || vocabNode.isEmpty()) {
            return Result.unsupported("a WordPiece model without a vocabulary");
        }
        Map<String, Integer> vocab = new HashMap<>();
        vocabNode.fields().forEachRemaining(e -> vocab.put(e.getKey(), e.getValue().asInt()));
        String unk = model.path("unk_token").asText("[UNK]");
        Integer unkId = vocab.get(unk);
        if (unkId == null) {
            return Result.unsupported("unknown token " + unk + " not in the vocabulary");
        }
        boolean lowercase = normalizer.path("lowercase").asBoolean(true);
        JsonNode strip = normalizer.path("strip_accents");
        Normalization normalization =
                new Normalization(
                        normalizer.path("clean_text").asBoolean(true),
                        normalizer.path("handle_chinese_chars").asBoolean(true),
                        strip.isNull() || strip.isMissingNode() ? lowercase : strip.asBoolean(),
                        lowercase);
        List<String> added = new ArrayList<>();
        List<Integer> addedIds = new ArrayList<>();
        for (JsonNode token : root.path("added_tokens")) {
            if (token.path("normalized").asBoolean(false)
                    || token.path("single_word").asBoolean(false)
                    || token.path("lstrip").asBoolean(false)
                    || token.path("rstrip").asBoolean(false)) {
                return Result.unsupported(
                        "added token " + token.path("content").asText() + " matched with options");
            }
            added.add(token.path("content").asText());
            addedIds.add(token.path("id").asInt());
        }
        return new Result(
                Optional.of(
                        new BertWordPiece(
                                vocab,
                                model.path("continuing_subword_prefix").asText("##"),
                                unkId,
                                model.path("max_input_chars_per_word").asInt(100),
                                normalization,
                                added.toArray(String[]::new),
                                addedIds.stream().mapToInt(Integer::intValue).toArray())),
                null);
    }

    private static String describe(JsonNode node) {
        return node.isMissingNode() || node.isNull() ? "none" : node.path("type").asText("?");
    }

    /** The tokenizer, or the reason there is none. */
    record Result(Optional<BertWordPiece> tokenizer, String unsupported) {
        static Result unsupported(String what) {
            return new Result(Optional.empty(), what + " (the Java tokenizer handles BERT only)");
        }
    }

    /**
     * Tokens of {@code text} with String offsets (end exclusive), or null when the text holds a
     * code point outside {@link BertCodePoints} (one whose class Java's Unicode tables may give
     * otherwise than the native tokenizer's): such a text is for the native tokenizer.
     */
    TokenizedText tokenize(String text) {
        return BertCodePoints.covers(text) ? tokenizeAnyText(text) : null;
    }

    /** {@link #tokenize} without the code point check: for the tool that builds the table. */
    TokenizedText tokenizeAnyText(String text) {
        Tokens out = new Tokens(text.length() / 3 + 8);
        Normalized normalized = new Normalized(text.length());
        int segmentStart = 0;
        int position = 0;
        while (position < text.length()) {
            int added = addedTokenAt(text, position);
            if (added < 0) {
                position++;
                continue;
            }
            words(text, segmentStart, position, normalized, out);
            int length = addedTokens[added].length();
            out.add(addedIds[added], position, position + length);
            position += length;
            segmentStart = position;
        }
        words(text, segmentStart, text.length(), normalized, out);
        return out.done();
    }

    /** The longest added token starting at {@code position}, or -1. */
    private int addedTokenAt(String text, int position) {
        if (addedTokenStarts.indexOf(text.charAt(position)) < 0) {
            return -1;
        }
        int best = -1;
        for (int i = 0; i < addedTokens.length; i++) {
            String token = addedTokens[i];
            if (!token.isEmpty()
                    && text.startsWith(token, position)
                    && (best < 0 || token.length() > addedTokens[best].length())) {
                best = i;
            }
        }
        return best;
    }

    /** Normalizes {@code text[from, to)}, splits it into words and each word into pieces. */
    private void words(String text, int from, int to, Normalized normalized, Tokens out) {
        normalized.clear();
        for (int i = from; i < to; ) {
            int codePoint = text.codePointAt(i);
            int next = i + Character.charCount(codePoint);
            normalize(codePoint, i, next, normalized);
            i = next;
        }
        int wordStart = 0;
        for (int n = 0; n < normalized.size; n++) {
            int c = normalized.chars[n];
            if (BertCharacters.isWhitespace(c)) {
                wordPieces(normalized, wordStart, n, out);
                wordStart = n + 1;
            } else if (BertCharacters.isPunctuation(c)) {
                wordPieces(normalized, wordStart, n, out);
                wordPieces(normalized, n, n + 1, out);
                wordStart = n + 1;
            }
        }
        wordPieces(normalized, wordStart, normalized.size, out);
    }

    private void normalize(int codePoint, int start, int end, Normalized out) {
        if (codePoint < 0x80) {
            normalizeAscii(codePoint, start, out);
            return;
        }
        int c = codePoint;
        if (cleanText) {
            if (c == 0 || c == 0xFFFD || BertCharacters.isControl(c)) {
                return;
            }
            if (BertCharacters.isWhitespace(c)) {
                c = ' ';
            }
        }
        boolean chinese = handleChineseChars && BertCharacters.isChinese(c);
        if (chinese) {
            out.add(' ', start, end);
        }
        if (stripAccents && c >= 0x80) {
            String decomposed = Normalizer.normalize(Character.toString(c), Normalizer.Form.NFD);
            for (int i = 0; i < decomposed.length(); ) {
                int d = decomposed.codePointAt(i);
                i += Character.charCount(d);
                if (Character.getType(d) != Character.NON_SPACING_MARK) {
                    addCased(d, start, end, out);
                }
            }
        } else {
            addCased(c, start, end, out);
        }
        if (chinese) {
            out.add(' ', start, end);
        }
    }

    /** {@link #normalize} for ASCII: no accents, no CJK, no Unicode tables. */
    private void normalizeAscii(int c, int start, Normalized out) {
        if (cleanText) {
            if (c == '\t' || c == '\n' || c == '\r') {
                c = ' ';
            } else if (c < 0x20 || c == 0x7F) {
                return;
            }
        }
        if (lowercase && c >= 'A' && c <= 'Z') {
            c += 'a' - 'A';
        }
        out.add(c, start, start + 1);
    }

    private void addCased(int c, int start, int end, Normalized out) {
        if (!lowercase) {
            out.add(c, start, end);
        } else if (c == 0x130) {
            // the one code point whose full lowercase mapping is two code points
            out.add('i', start, end);
            out.add(0x307, start, end);
        } else {
            out.add(BertCharacters.toLowerCase(c), start, end);
        }
    }

    /** WordPiece over the normalized word {@code [from, to)}: greedy longest match first. */
    private void wordPieces(Normalized normalized, int from, int to, Tokens out) {
        if (from >= to) {
            return;
        }
        int wordStart = normalized.starts[from];
        int wordEnd = normalized.ends[to - 1];
        if (to - from > maxInputCharsPerWord) {
            out.add(unkId, wordStart, wordEnd);
            return;
        }
        String word = new String(normalized.chars, from, to - from);
        int mark = out.size;
        int start = 0;
        while (start < word.length()) {
            int end = Math.min(word.length(), start + longestPiece);
            if (end < word.length() && Character.isLowSurrogate(word.charAt(end))) {
                end--;
            }
            Integer id = null;
            while (end > start) {
                String piece = word.substring(start, end);
                id = start == 0 ? vocab.get(piece) : continuations.get(piece);
                if (id != null) {
                    break;
                }
                end = word.offsetByCodePoints(end, -1);
            }
            if (id == null) {
                out.size = mark;
                out.add(unkId, wordStart, wordEnd);
                return;
            }
            int firstChar = from + word.codePointCount(0, start);
            int lastChar = firstChar + word.codePointCount(start, end) - 1;
            out.add(id, normalized.starts[firstChar], normalized.ends[lastChar]);
            start = end;
        }
    }

    /**
     * Normalized code points, each with the String range of the original code point it came from.
     */
    private static final class Normalized {
        int[] chars;
        int[] starts;
        int[] ends;
        int size;

        Normalized(int capacity) {
            chars = new int[Math.max(16, capacity)];
            starts = new int[chars.length];
            ends = new int[chars.length];
        }

        void clear() {
            size = 0;
        }

        void add(int c, int start, int end) {
            if (size == chars.length) {
                int capacity = size * 2;
                chars = Arrays.copyOf(chars, capacity);
                starts = Arrays.copyOf(starts, capacity);
                ends = Arrays.copyOf(ends, capacity);
            }
            chars[size] = c;
            starts[size] = start;
            ends[size] = end;
            size++;
        }
    }

    private static final class Tokens {
        long[] ids;
        int[] starts;
        int[] ends;
        int size;

        Tokens(int capacity) {
            ids = new long[capacity];
            starts = new int[capacity];
            ends = new int[capacity];
        }

        void add(long id, int start, int end) {
            if (size == ids.length) {
                int capacity = size * 2;
                ids = Arrays.copyOf(ids, capacity);
                starts = Arrays.copyOf(starts, capacity);
                ends = Arrays.copyOf(ends, capacity);
            }
            ids[size] = id;
            starts[size] = start;
            ends[size] = end;
            size++;
        }

        TokenizedText done() {
            return new TokenizedText(
                    Arrays.copyOf(ids, size),
                    Arrays.copyOf(starts, size),
                    Arrays.copyOf(ends, size));
        }
    }
}
