package io.spanloop.labeler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spanloop.config.ConfigDocs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelerConfigTest {

    @Test
    void shouldReadAnnotatorsFromTheEnvironment() {
        LabelerConfig config =
                LabelerConfig.load(
                        null,
                        Map.of(
                                "SPANLOOP_LABELER_ANNOTATORS", "alice:a1, bob:b2",
                                "SPANLOOP_LABELER_QUEUE_ORDER", "margin"));
        Annotators annotators = config.annotators();
        assertThat(annotators.authenticate("alice", "a1")).contains("alice");
        assertThat(annotators.authenticate("alice", "b2")).isEmpty();
        assertThat(annotators.authenticate("carol", "a1")).isEmpty();
        assertThat(annotators.byToken("b2")).contains("bob");
        assertThat(config.queueOrder()).isEqualTo(QueueOrder.MARGIN);
    }

    @Test
    void shouldMakeOnlyTheNamedAnnotatorsAdmins() {
        Annotators annotators =
                LabelerConfig.load(
                                null,
                                Map.of(
                                        "SPANLOOP_LABELER_ANNOTATORS", "alice:a1,bob:b2",
                                        "SPANLOOP_LABELER_ADMINS", " alice "))
                        .annotators();
        assertThat(annotators.isAdmin("alice")).isTrue();
        assertThat(annotators.isAdmin("bob")).isFalse();
        assertThat(annotators.isAdmin(null)).isFalse();
        assertThat(new LabelerConfig(Map.of(LabelerConfig.ANNOTATORS, "alice:a1")).annotators())
                .matches(a -> !a.isAdmin("alice"), "nobody is an admin by default");
        assertThatThrownBy(
                        () ->
                                new LabelerConfig(
                                                Map.of(
                                                        LabelerConfig.ANNOTATORS,
                                                        "alice:a1",
                                                        LabelerConfig.ADMINS,
                                                        "alice,mallory"))
                                        .annotators())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'mallory' is no annotator")
                .hasMessageNotContaining("a1");
    }

    @Test
    void shouldRefuseMalformedAnnotatorsWithoutEchoingTokens() {
        LabelerConfig config = new LabelerConfig(Map.of(LabelerConfig.ANNOTATORS, "alice"));
        assertThatThrownBy(config::annotators)
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("name:token")
                .hasMessageNotContaining("alice");
        assertThatThrownBy(() -> new LabelerConfig(Map.of(LabelerConfig.QUEUE_ORDER, "random")))
                .hasMessageContaining(LabelerConfig.QUEUE_ORDER);
    }

    @Test
    void shouldReadAnnotatorsFromAFileInsteadOfTheEnvironment(@TempDir Path dir)
            throws IOException {
        Path file = dir.resolve("annotators");
        Files.writeString(file, "# who may review\nalice:a#1\n\nbob:b2, carol:c3\n");
        Annotators annotators =
                new LabelerConfig(Map.of(LabelerConfig.ANNOTATORS_FILE, file.toString()))
                        .annotators();
        assertThat(annotators.authenticate("alice", "a#1")).contains("alice");
        assertThat(annotators.byToken("c3")).contains("carol");

        assertThatThrownBy(
                        () ->
                                new LabelerConfig(
                                                Map.of(
                                                        LabelerConfig.ANNOTATORS_FILE,
                                                        file.toString(),
                                                        LabelerConfig.ANNOTATORS,
                                                        "dave:d4"))
                                        .annotators())
                .hasMessageContaining("not both");
        assertThatThrownBy(
                        () ->
                                new LabelerConfig(
                                                Map.of(
                                                        LabelerConfig.ANNOTATORS_FILE,
                                                        dir.resolve("missing").toString()))
                                        .annotators())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cannot be read");
    }

    @Test
    void shouldBeDocumentedInTheReadmeExactlyAsDefined() throws IOException {
        String table = ConfigDocs.markdownTable(LabelerConfig.DEFINITION, LabelerConfig.ENV_PREFIX);
        assertThat(Files.readString(Path.of("..", "README.md")))
                .as("README's labeler config table (regenerate it from this expected value)")
                .contains(table);
    }
}
