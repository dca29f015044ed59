package io.spanloop.qa;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Runs code points through the Java WordPiece pipeline and the native tokenizer of one {@code
 * tokenizer.json}, each alone, inside a word and after an accented letter, and lists those where
 * ids or offsets differ.
 */
final class CodePointSweep implements AutoCloseable {

    private static final int PER_TEXT = 512;

    private final BertWordPiece java;
    private final QaTokenizer nativeTokenizer;

    CodePointSweep(Path tokenizerJson, ModelConfig config) {
        try {
            java =
                    BertWordPiece.from(new ObjectMapper().readTree(tokenizerJson.toFile()))
                            .tokenizer()
                            .orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        nativeTokenizer = new QaTokenizer(tokenizerJson, config, QaTokenizer.Implementation.NATIVE);
    }

    /** Every code point but the surrogate halves that {@code include} accepts. */
    static List<Integer> codePoints(IntPredicate include) {
        List<Integer> codePoints = new ArrayList<>();
        for (int c = 0; c <= Character.MAX_CODE_POINT; c++) {
            if ((c < Character.MIN_SURROGATE || c > Character.MAX_SURROGATE) && include.test(c)) {
                codePoints.add(c);
            }
        }
        return codePoints;
    }

    /** The code points of {@code candidates} on which the two differ (tested 512 to a text). */
    List<Integer> mismatches(List<Integer> candidates) {
        List<Integer> mismatches = new ArrayList<>();
        for (int from = 0; from < candidates.size(); from += PER_TEXT) {
            List<Integer> chunk =
                    candidates.subList(from, Math.min(from + PER_TEXT, candidates.size()));
            StringBuilder text = new StringBuilder();
            chunk.forEach(c -> text.append(probe(c)));
            if (!same(text.toString())) {
                chunk.stream().filter(c -> !same(probe(c))).forEach(mismatches::add);
            }
        }
        return mismatches;
    }

    private static String probe(int c) {
        String s = Character.toString(c);
        return "a" + s + "b " + s + " é" + s + " ";
    }

    boolean same(String text) {
        TokenizedText expected = nativeTokenizer.tokenize(text);
        TokenizedText actual = QaTokenizer.withCombiningMarks(text, java.tokenizeAnyText(text));
        return Arrays.equals(actual.ids(), expected.ids())
                && Arrays.equals(actual.starts(), expected.starts())
                && Arrays.equals(actual.ends(), expected.ends());
    }

    /** Both tokenizations of the probe of {@code c}, for a failure message. */
    String describe(int c) {
        String text = probe(c);
        return String.format(
                "U+%04X java %s native %s",
                c,
                tokens(QaTokenizer.withCombiningMarks(text, java.tokenizeAnyText(text))),
                tokens(nativeTokenizer.tokenize(text)));
    }

    static String tokens(TokenizedText tokens) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < tokens.size(); i++) {
            out.append(i == 0 ? "" : " ")
                    .append(tokens.ids()[i])
                    .append('@')
                    .append(tokens.starts()[i])
                    .append('-')
                    .append(tokens.ends()[i]);
        }
        return out.append(']').toString();
    }

    @Override
    public void close() {
        nativeTokenizer.close();
    }
}
