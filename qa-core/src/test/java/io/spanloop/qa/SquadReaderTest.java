package io.spanloop.qa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SquadReaderTest {

    private static SquadDataset read(String json) {
        return SquadReader.read(
                new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "test.json");
    }

    /** One article, one paragraph with the given context (JSON-escaped) and qas. */
    private static String squad(String context, String qas) {
        return """
                {"version": "v2.0", "data": [{"title": "T", "paragraphs": [
                  {"context": "%s", "qas": [%s]}]}]}
                """
                .formatted(context, qas);
    }

    @Test
    void shouldConvertPythonCodePointOffsetsToStringIndices() {
        // Given: two emoji (two UTF-16 chars each, one code point each) before the answer
        String context = "Party 🎉 with the king 👑 of Paris.";
        int codePointStart = context.codePointCount(0, context.indexOf("Paris"));
        assertThat(codePointStart).isEqualTo(context.indexOf("Paris") - 2);
        String json =
                squad(
                        context,
                        """
                        {"id": "q1", "question": "Which city?",
                         "answers": [{"text": "Paris", "answer_start": %d}]}
                        """
                                .formatted(codePointStart));
        // When
        SquadDataset dataset = read(json);
        // Then
        assertThat(dataset.problems()).isEmpty();
        TrainingExample example = dataset.examples().get(0);
        assertThat(example.start()).isEqualTo(context.indexOf("Paris"));
        assertThat(example.answerText()).isEqualTo("Paris");
    }

    @Test
    void shouldReadAllGoldAnswersAndTrainOnTheFirstValidOne() {
        String json =
                squad(
                        "The Broncos won in Santa Clara, California.",
                        """
                        {"id": "q1", "question": "Where?", "answers": [
                          {"text": "Oakland", "answer_start": 3},
                          {"text": "Santa Clara", "answer_start": 19},
                          {"text": "Santa Clara, California", "answer_start": 19}]}
                        """);
        SquadDataset dataset = read(json);
        assertThat(dataset.examples())
                .singleElement()
                .extracting(TrainingExample::answerText)
                .isEqualTo("Santa Clara");
        assertThat(dataset.goldAnswers().get("q1"))
                .containsExactly("Oakland", "Santa Clara", "Santa Clara, California");
        assertThat(dataset.problems()).singleElement().asString().contains("q1", "Oakland");
    }

    @Test
    void shouldReadImpossibleQuestionsAsNoAnswer() {
        String json =
                squad(
                        "Paris is in France.",
                        """
                        {"id": "q1", "question": "Who is king?", "answers": [],
                         "plausible_answers": [{"text": "Paris", "answer_start": 0}],
                         "is_impossible": true}
                        """);
        SquadDataset dataset = read(json);
        assertThat(dataset.examples().get(0).hasAnswer()).isFalse();
        assertThat(dataset.goldAnswers().get("q1")).isEmpty();
    }

    @Test
    void shouldSkipAndReportBrokenOffsetsWithoutFailing() {
        String json =
                squad(
                        "Paris is the capital of France.",
                        """
                        {"id": "out-of-range", "question": "Q?",
                         "answers": [{"text": "Paris", "answer_start": 400}]},
                        {"id": "wrong-text", "question": "Q?",
                         "answers": [{"text": "Berlin", "answer_start": 0}]},
                        {"id": "no-index", "question": "Q?",
                         "answers": [{"text": "Paris", "answer_start": "zero"}]},
                        {"id": "off-by-two", "question": "Q?",
                         "answers": [{"text": "France", "answer_start": 22}]},
                        {"id": "good", "question": "Q?",
                         "answers": [{"text": "capital", "answer_start": 13}]}
                        """);
        SquadDataset dataset = read(json);
        assertThat(dataset.examples())
                .extracting(TrainingExample::id, TrainingExample::answerText)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("off-by-two", "France"),
                        org.assertj.core.groups.Tuple.tuple("good", "capital"));
        assertThat(dataset.goldAnswers()).containsOnlyKeys("off-by-two", "good");
        assertThat(String.join("\n", dataset.problems()))
                .contains("out-of-range", "outside the context")
                .contains("wrong-text", "not at answer_start")
                .contains("no-index", "is no index")
                .contains("off-by-two", "corrected");
    }

    @Test
    void shouldSkipAnAnswerThatSplitsACharacterAndSayWhy() {
        // Given: an answer text of a lone surrogate, the first half of the emoji (JSON escapes)
        String json =
                squad(
                        "Party \ud83c\udf89 in Paris",
                        """
                        {"id": "q1", "question": "What?",
                         "answers": [{"text": "\\ud83c", "answer_start": 6}]},
                        {"id": "q2", "question": "Where?",
                         "answers": [{"text": "Paris", "answer_start": 11}]}
                        """);
        // When
        SquadDataset dataset = read(json);
        // Then
        assertThat(dataset.examples()).extracting(TrainingExample::id).containsExactly("q2");
        assertThat(dataset.problems())
                .anySatisfy(p -> assertThat(p).startsWith("question q1").contains("U+1F389"));
    }

    @Test
    void shouldReadAFileWithSeveralArticles(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("dev.json");
        Files.writeString(
                file,
                """
                {"version": "1.1", "data": [
                  {"title": "A", "paragraphs": [{"context": "Rome is old.", "qas": [
                    {"id": "a1", "question": "What is old?",
                     "answers": [{"text": "Rome", "answer_start": 0}]}]}]},
                  {"title": "B", "paragraphs": [{"context": "Tokyo is big.", "qas": [
                    {"id": "b1", "question": "What is big?",
                     "answers": [{"text": "Tokyo", "answer_start": 0}]}]}]}]}
                """);
        SquadDataset dataset = SquadReader.read(file);
        assertThat(dataset.examples()).extracting(TrainingExample::id).containsExactly("a1", "b1");
        assertThat(dataset.problems()).isEmpty();
    }

    @Test
    void shouldRefuseMalformedJsonClearly() {
        assertThatThrownBy(() -> read("{\"data\": [{\"paragraphs\": [ }"))
                .isInstanceOf(SquadFormatException.class)
                .hasMessageContaining("test.json is not valid JSON");
        assertThatThrownBy(() -> read("[1, 2]"))
                .isInstanceOf(SquadFormatException.class)
                .hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> read("{\"version\": \"v2.0\"}"))
                .isInstanceOf(SquadFormatException.class)
                .hasMessageContaining("no \"data\" array");
        assertThat(read("{\"data\": []}").examples()).isEqualTo(List.of());
    }
}
