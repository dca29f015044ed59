package io.spanloop.retrainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spanloop.config.ConfigDocs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class RetrainerConfigTest {

    @Test
    void shouldReadTriggersAndTrainingSettingsFromTheEnvironment() {
        RetrainerConfig config =
                RetrainerConfig.load(
                        null,
                        Map.of(
                                "SPANLOOP_RETRAINER_MODEL_STORE", "/models",
                                "SPANLOOP_RETRAINER_MODEL_NAME", "squad-bert",
                                "SPANLOOP_RETRAINER_TRIGGER_MIN_LABELS", "200",
                                "SPANLOOP_RETRAINER_TRAIN_DEVICE", "gpu:1"));
        assertThat(config.getInt(RetrainerConfig.TRIGGER_MIN_LABELS)).isEqualTo(200);
        assertThat(config.device().spec()).isEqualTo("gpu:1");
        assertThat(config.store()).isEqualTo(Path.of("/models"));
        assertThat(config.triggerInterval().toMinutes()).isEqualTo(10);
    }

    @Test
    void shouldRequireAStoreAndAModelNameAndRefuseBadValues() {
        assertThatThrownBy(() -> new RetrainerConfig(Map.of(RetrainerConfig.MODEL_NAME, "m")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(RetrainerConfig.MODEL_STORE);
        assertThatThrownBy(
                        () ->
                                new RetrainerConfig(
                                        Map.of(
                                                RetrainerConfig.MODEL_NAME, "m",
                                                RetrainerConfig.MODEL_STORE, "/s",
                                                RetrainerConfig.SEED_SQUAD_USE, "sometimes")))
                .hasMessageContaining(RetrainerConfig.SEED_SQUAD_USE);
    }

    @Test
    void shouldSplitLabelsByAStableHashOfTheQuestionId() {
        LabelSplit split = new LabelSplit(20);
        int heldOut = 0;
        for (int i = 0; i < 10_000; i++) {
            if (split.isHeldOut("question-" + i)) {
                heldOut++;
            }
        }
        assertThat(heldOut).isBetween(1_800, 2_200);
        assertThat(LabelSplit.bucket("question-42")).isEqualTo(LabelSplit.bucket("question-42"));
        assertThat(new LabelSplit(0).isHeldOut("question-42")).isFalse();
    }

    @Test
    void shouldBeDocumentedInTheReadmeExactlyAsDefined() throws IOException {
        String table =
                ConfigDocs.markdownTable(RetrainerConfig.DEFINITION, RetrainerConfig.ENV_PREFIX);
        assertThat(Files.readString(Path.of("..", "README.md")))
                .as("README's retrainer config table (regenerate it from this expected value)")
                .contains(table);
    }
}
