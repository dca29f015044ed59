package io.spanloop.qa;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Java WordPiece pipeline against HuggingFace's native tokenizer on the same {@code
 * tokenizer.json}: the tiny fixture's (351 pieces) and the real all-MiniLM-L6-v2's (30,522, from
 * its Maven jar), on every code point of its table and on texts that mix what tokenizers get wrong.
 */
class BertWordPieceTest {

    @TempDir static Path work;
    private static ModelConfig config;
    private static final List<Pair> PAIRS = new ArrayList<>();

    /** The automatic choice and the native tokenizer on one tokenizer file. */
    record Pair(String name, Path file, QaTokenizer auto, QaTokenizer nativeTokenizer) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void loadTokenizers() throws IOException {
        List<Path> files = BertCodePointsTool.tokenizerFiles(work);
        config = ModelDirectory.open(files.get(0).getParent()).config();
        for (Path file : files) {
            QaTokenizer auto = new QaTokenizer(file, config);
            QaTokenizer nativeTokenizer =
                    new QaTokenizer(file, config, QaTokenizer.Implementation.NATIVE);
            PAIRS.add(
                    new Pair(
                            PAIRS.isEmpty() ? "tiny" : "all-MiniLM-L6-v2",
                            file,
                            auto,
                            nativeTokenizer));
        }
    }

    @AfterAll
    static void close() {
        PAIRS.forEach(
                p -> {
                    p.auto().close();
                    p.nativeTokenizer().close();
                });
    }

    static Stream<Pair> tokenizers() {
        return PAIRS.stream();
    }

    @ParameterizedTest
    @MethodSource("tokenizers")
    void shouldTokenizeEveryCodePointOfItsTableAsTheNativeTokenizer(Pair pair) {
        assertThat(pair.auto().isJava()).isTrue();
        assertThat(pair.nativeTokenizer().isJava()).isFalse();
        List<Integer> table = CodePointSweep.codePoints(BertCodePoints::contains);
        // ASCII, Latin, Greek, Cyrillic, CJK, Hangul, the emoji: most of what people write
        assertThat(table).hasSizeGreaterThan(140_000);
        try (CodePointSweep sweep = new CodePointSweep(pair.file(), config)) {
            List<String> mismatches =
                    sweep.mismatches(table).stream().limit(20).map(sweep::describe).toList();
            assertThat(mismatches).isEmpty();
        }
    }

    @Test
    void shouldLeaveOutCodePointsJavaCallsUnassignedOrThatTheNativeTokenizerClassifiesOtherwise()
            throws IOException {
        assertThat(CodePointSweep.codePoints(BertCodePoints::contains))
                .allMatch(c -> Character.getType(c) != Character.UNASSIGNED);
        // U+07FD (Unicode 11) is a mark to Java, a letter to the native tokenizer's older tables
        try (CodePointSweep sweep = new CodePointSweep(PAIRS.get(1).file(), config)) {
            assertThat(sweep.mismatches(List.of(0x07FD, 0x0A76, 0x1F929))).contains(0x07FD);
        }
        assertThat(BertCodePoints.contains(0x07FD)).isFalse();
        BertWordPiece java =
                BertWordPiece.from(new ObjectMapper().readTree(PAIRS.get(1).file().toFile()))
                        .tokenizer()
                        .orElseThrow();
        assertThat(java.tokenize("paris \u07FD")).isNull();
        assertThat(java.tokenize("paris 😀")).isNotNull();
    }

    static Stream<String> texts() {
        List<String> texts =
                new ArrayList<>(
                        List.of(
                                "The capital of France is Paris.",
                                "Party 🎉 time: the king 👑 of Paris, 👩‍👩‍👧 and 🇫🇷 flags",
                                "東京は日本の首都です and tokyo, 한국어 텍스트, ไทย",
                                "Café crème at the café in Zürich; Cafe\u0301 decomposed",
                                "line one\r\nline two\u000b\u000c\u0085\u001f\r\n\r\nparis\u0000x\ufffdy",
                                "tabs\tand  double  spaces\u00a0nbsp\u2003em\u3000ideographic",
                                "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 math letters and 𠀀 beyond the BMP",
                                "İstanbul, ΣΊΣΥΦΟΣ and ΟΔΥΣΣΕΥΣ, straße, ǅemal, ﬁne",
                                "literal [CLS] and [SEP][SEP] tokens, [MASK]ed, [UNK] and [PAD]x",
                                "supercalifragilisticexpialidocious "
                                        + "a".repeat(99)
                                        + " "
                                        + "b".repeat(100)
                                        + " "
                                        + "c".repeat(101)
                                        + " "
                                        + "😀".repeat(101),
                                "soft\u00adhyphen, zero\u200bwidth, joiner\u200dand bidi\u202eab",
                                "prices: $12.50, €9, 3½ and 1,000,000 — ok… «quoted» “curly”",
                                "x\u0301\u0302\u0303 many marks, ा devanagari मराठी, عربى",
                                "a mark the native tables do not know: \u07FD, and paris",
                                "",
                                " "));
        Random random = new Random(11);
        String pool =
                "abcdefghijklmnopqrstuvwxyz ABCXYZ 0123456789 .,;:!?'\"()-_[] "
                        + "éèêëàçñøåæœ ÉÀÇ ü ß 中文字 日本 한 😀🎉 \u0301\u0308 \t\n ’ — \u07FD";
        int[] codePoints = pool.codePoints().toArray();
        for (int i = 0; i < 300; i++) {
            StringBuilder text = new StringBuilder();
            int length = 1 + random.nextInt(300);
            for (int j = 0; j < length; j++) {
                text.appendCodePoint(codePoints[random.nextInt(codePoints.length)]);
            }
            texts.add(text.toString());
        }
        return texts.stream();
    }

    @Test
    void shouldTokenizeMixedTextsAsTheNativeTokenizer() {
        List<String> mismatches = new ArrayList<>();
        texts().forEach(
                        text -> {
                            for (Pair pair : PAIRS) {
                                TokenizedText auto = pair.auto().tokenize(text);
                                TokenizedText expected = pair.nativeTokenizer().tokenize(text);
                                if (!Arrays.equals(auto.ids(), expected.ids())
                                        || !Arrays.equals(auto.starts(), expected.starts())
                                        || !Arrays.equals(auto.ends(), expected.ends())) {
                                    mismatches.add(
                                            pair
                                                    + " on \""
                                                    + text
                                                    + "\": "
                                                    + CodePointSweep.tokens(auto)
                                                    + " vs "
                                                    + CodePointSweep.tokens(expected));
                                }
                            }
                        });
        assertThat(mismatches).isEmpty();
    }

    @Test
    void shouldTokenizeOtherShapesWithTheNativeTokenizer() throws IOException {
        // Given: a word-level tokenizer, no BERT normalizer
        Path file = work.resolve("word-level.json");
        Files.writeString(
                file,
                """
                {"version": "1.0", "truncation": null, "padding": null,
                 "added_tokens": [
                   {"id": 0, "content": "[PAD]", "single_word": false, "lstrip": false,
                    "rstrip": false, "normalized": false, "special": true},
                   {"id": 1, "content": "[UNK]", "single_word": false, "lstrip": false,
                    "rstrip": false, "normalized": false, "special": true},
                   {"id": 2, "content": "[CLS]", "single_word": false, "lstrip": false,
                    "rstrip": false, "normalized": false, "special": true},
                   {"id": 3, "content": "[SEP]", "single_word": false, "lstrip": false,
                    "rstrip": false, "normalized": false, "special": true}],
                 "normalizer": null, "pre_tokenizer": {"type": "Whitespace"},
                 "post_processor": null, "decoder": null,
                 "model": {"type": "WordLevel", "unk_token": "[UNK]",
                   "vocab": {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "Paris": 4,
                             "is": 5}}}
                """);
        assertThat(BertWordPiece.from(new ObjectMapper().readTree(file.toFile())).unsupported())
                .startsWith("normalizer none");

        // When
        try (QaTokenizer tokenizer = new QaTokenizer(file, config)) {
            TokenizedText tokens = tokenizer.tokenize("Paris is big");

            // Then
            assertThat(tokenizer.isJava()).isFalse();
            assertThat(tokens.ids()).containsExactly(4, 5, 1);
            assertThat(tokens.starts()).containsExactly(0, 6, 9);
            assertThat(tokens.ends()).containsExactly(5, 8, 12);
            assertThat(tokenizer.clsId()).isEqualTo(2);
        }
    }

    @Test
    void shouldRefuseAddedTokensItWouldNotMatchTheSameWay() throws IOException {
        String json = Files.readString(PAIRS.get(0).file());
        String lstrip = json.replaceFirst("\"lstrip\": false", "\"lstrip\": true");
        assertThat(lstrip).isNotEqualTo(json);
        assertThat(BertWordPiece.from(new ObjectMapper().readTree(lstrip)).tokenizer()).isEmpty();
        assertThat(BertWordPiece.from(new ObjectMapper().readTree(json)).tokenizer()).isPresent();
    }
}
