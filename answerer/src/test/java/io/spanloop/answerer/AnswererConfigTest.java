package io.spanloop.answerer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spanloop.config.ConfigDocs;
import io.spanloop.qa.CpuFeatures;
import io.spanloop.qa.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnswererConfigTest {

    @Test
    void shouldLayerDefaultsThenFileThenEnvironment(@TempDir Path dir) throws IOException {
        // Given
        Path file = dir.resolve("answerer.properties");
        Files.writeString(
                file,
                "batch.max.size=32\nbatch.max.wait.ms=50\nmodel.dir=/models/x/1\n"
                        + "streams.num.standby.replicas=1\n");
        Map<String, String> env =
                Map.of(
                        "SPANLOOP_ANSWERER_BATCH_MAX_SIZE", "64",
                        "SPANLOOP_ANSWERER_STREAMS_REPLICATION_FACTOR", "3",
                        "UNRELATED", "x");
        // When
        AnswererConfig config = AnswererConfig.load(file, env);
        // Then
        assertThat(config.batchSettings().maxSize()).isEqualTo(64);
        assertThat(config.batchSettings().maxWait().toMillis()).isEqualTo(50);
        assertThat(config.getString(AnswererConfig.BOOTSTRAP_SERVERS)).isEqualTo("127.0.0.1:9092");
        assertThat(config.modelDir()).isEqualTo(Path.of("/models/x/1"));
        assertThat(config.streamsOverrides())
                .containsEntry("num.standby.replicas", "1")
                .containsEntry("replication.factor", "3");
    }

    @Test
    void shouldGiveEveryKafkaClientTheKafkaPrefixedSettings() {
        AnswererConfig config =
                AnswererConfig.load(
                        null,
                        Map.of(
                                "SPANLOOP_ANSWERER_MODEL_DIR", "/models/m/1",
                                "SPANLOOP_ANSWERER_BOOTSTRAP_SERVERS", "kafka:9093",
                                "SPANLOOP_ANSWERER_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                                "SPANLOOP_ANSWERER_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512"));
        assertThat(config.kafka().clientProps())
                .containsEntry("bootstrap.servers", "kafka:9093")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        // the Streams app hands them to its producers, consumers and admin client
        assertThat(AnswererTopology.streamsProperties(config))
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("bootstrap.servers", "kafka:9093");
    }

    @Test
    void shouldPollNoLongerThanAQuarterOfTheBatchWaitSoThatPartialBatchesFlushOnTime() {
        assertThat(AnswererTopology.streamsProperties(config(Map.of("batch.max.wait.ms", "20"))))
                .containsEntry(StreamsConfig.POLL_MS_CONFIG, 5L);
        assertThat(AnswererTopology.streamsProperties(config(Map.of("batch.max.wait.ms", "2"))))
                .containsEntry(StreamsConfig.POLL_MS_CONFIG, 1L);
        assertThat(AnswererTopology.streamsProperties(config(Map.of("batch.max.wait.ms", "900"))))
                .containsEntry(StreamsConfig.POLL_MS_CONFIG, 100L);
        assertThat(AnswererTopology.streamsProperties(config(Map.of("streams.poll.ms", "50"))))
                .containsEntry(StreamsConfig.POLL_MS_CONFIG, "50");
    }

    @Test
    void shouldShareTheCoresAmongStreamThreadsUnlessIntraOpThreadsAreSet() {
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(config(Map.of()).engineSettings().intraOpThreads()).isEqualTo(cores);
        assertThat(config(Map.of("stream.threads", "2")).engineSettings().intraOpThreads())
                .isEqualTo(Math.max(1, cores / 2));
        assertThat(
                        config(Map.of("stream.threads", Integer.toString(cores + 1)))
                                .engineSettings()
                                .intraOpThreads())
                .isEqualTo(1);
        assertThat(
                        config(Map.of("stream.threads", "2", "engine.intra.op.threads", "3"))
                                .engineSettings()
                                .intraOpThreads())
                .isEqualTo(3);
    }

    private static AnswererConfig config(Map<String, String> settings) {
        Map<String, Object> all = new java.util.HashMap<>(settings);
        all.put(AnswererConfig.MODEL_DIR, "/m/1");
        return new AnswererConfig(all);
    }

    @Test
    void shouldAlwaysRunExactlyOnceWhateverTheOverrides() {
        AnswererConfig config =
                new AnswererConfig(
                        Map.of(
                                AnswererConfig.MODEL_DIR,
                                "/m/1",
                                "streams.processing.guarantee",
                                "at_least_once"));
        assertThat(AnswererTopology.streamsProperties(config))
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "exactly_once_v2");
    }

    @Test
    void shouldRejectInvalidValuesWithTheKeyInTheMessage() {
        assertThatThrownBy(
                        () ->
                                AnswererConfig.load(
                                        null,
                                        Map.of(
                                                "SPANLOOP_ANSWERER_BATCH_MAX_SIZE", "0",
                                                "SPANLOOP_ANSWERER_MODEL_DIR", "/m/1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("batch.max.size");
        assertThatThrownBy(
                        () ->
                                new AnswererConfig(
                                        Map.of(
                                                AnswererConfig.MODEL_DEVICE, "tpu:1",
                                                AnswererConfig.MODEL_DIR, "/m/1")))
                .hasMessageContaining("auto, cpu or gpu:N");
    }

    @Test
    void shouldRejectUnknownKeysInTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("answerer.properties");
        Files.writeString(file, "batch.max.sise=32\n");
        assertThatThrownBy(() -> AnswererConfig.load(file, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("batch.max.sise");
    }

    @Test
    void shouldScoreTokensOnlyWhenAskedTo() {
        assertThat(
                        AnswererConfig.load(null, Map.of("SPANLOOP_ANSWERER_MODEL_DIR", "/m/1"))
                                .modelOptions()
                                .tokenScores())
                .isFalse();
        assertThat(
                        AnswererConfig.load(
                                        null,
                                        Map.of(
                                                "SPANLOOP_ANSWERER_MODEL_DIR", "/m/1",
                                                "SPANLOOP_ANSWERER_ANSWERS_TOKEN_SCORES", "true"))
                                .modelOptions()
                                .tokenScores())
                .isTrue();
    }

    @Test
    void shouldRequireAModelDirectory() {
        assertThatThrownBy(() -> new AnswererConfig(Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(AnswererConfig.MODEL_DIR);
    }

    @Test
    void shouldServeInFp32UnlessBf16IsAskedForAndTheCpuHasBfloat16Instructions() {
        assertThat(config(Map.of()).modelOptions().precision()).isEqualTo(Precision.FP32);
        assertThatThrownBy(() -> config(Map.of(AnswererConfig.MODEL_PRECISION, "fp16")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("precision must be fp32 or bf16, was 'fp16'");
        assertThatThrownBy(
                        () ->
                                config(
                                                Map.of(
                                                        AnswererConfig.MODEL_PRECISION,
                                                        "bf16",
                                                        AnswererConfig.MODEL_DEVICE,
                                                        "gpu:0"))
                                        .modelOptions())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bf16 is a CPU mode; model.device is gpu:0");

        AnswererConfig bf16 = config(Map.of(AnswererConfig.MODEL_PRECISION, "BF16"));
        if (CpuFeatures.current().bfloat16()) {
            assertThat(bf16.modelOptions().precision()).isEqualTo(Precision.BF16);
        } else {
            assertThatThrownBy(bf16::modelOptions)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("needs a CPU with bfloat16 instructions");
        }
    }

    @Test
    void shouldBeDocumentedInTheReadmeExactlyAsDefined() throws IOException {
        String table =
                ConfigDocs.markdownTable(AnswererConfig.DEFINITION, AnswererConfig.ENV_PREFIX);
        String readme = Files.readString(Path.of("..", "README.md"));
        assertThat(readme)
                .as("README's answerer config table (regenerate it from this expected value)")
                .contains(table);
    }
}
