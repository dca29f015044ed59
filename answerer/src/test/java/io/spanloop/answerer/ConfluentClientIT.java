package io.spanloop.answerer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spanloop.events.Question;
import io.spanloop.qa.testing.TinyModel;
import io.spanloop.testkit.KafkaEnvironment;
import io.spanloop.testkit.KafkaEnvironmentExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Answers are readable by a third-party Confluent client: Confluent's Python client (Debian
 * python3-confluent-kafka, which .ci/run installs) decodes them through the registry's
 * Confluent-compatible API.
 */
@ExtendWith(KafkaEnvironmentExtension.class)
class ConfluentClientIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldBeReadableByConfluentsPythonAvroConsumer(
            KafkaEnvironment env, @TempDir Path store, @TempDir Path stateDir) throws Exception {
        // Given: questions from a plain Java producer, answered by the answerer
        AnswererHarness harness = new AnswererHarness(env, TinyModel.copyTo(store, 1), 1);
        List<Question> questions = Questions.mixed("py", 6);
        try (Answerer answerer = harness.startAnswerer(stateDir)) {
            harness.produce(questions);
            // When: Confluent's Python AvroConsumer reads the answers topic
            List<JsonNode> answers =
                    readWithPython(env.bootstrapServers(), env.ccompatUrl(), harness, 6);
            // Then: every answer decodes with its spans intact
            assertThat(answers)
                    .extracting(a -> a.get("questionId").asText())
                    .containsExactlyInAnyOrderElementsOf(
                            questions.stream().map(Question::getId).toList());
            for (JsonNode answer : answers) {
                String context = answer.get("context").asText();
                assertThat(answer.get("modelVersion").asLong()).isEqualTo(1L);
                for (JsonNode span : answer.get("candidates")) {
                    assertThat(
                                    context.substring(
                                            span.get("start").asInt(), span.get("end").asInt()))
                            .isEqualTo(span.get("text").asText());
                }
            }
        }
    }

    private static List<JsonNode> readWithPython(
            String bootstrap, String registry, AnswererHarness harness, int count)
            throws IOException, InterruptedException {
        Process python =
                new ProcessBuilder(
                                "/usr/bin/python3",
                                Path.of("src", "test", "python", "read_answers.py").toString(),
                                bootstrap,
                                registry,
                                harness.names.answers(),
                                Integer.toString(count),
                                "90")
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(python.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(python.exitValue()).as("python exit code; output:\n" + output).isZero();
        List<JsonNode> answers = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (!line.isBlank()) {
                answers.add(JSON.readTree(line));
            }
        }
        return answers;
    }
}
