package io.spanloop.answerer;

import static org.assertj.core.api.Assertions.assertThat;

import io.spanloop.events.Answer;
import io.spanloop.events.ScoredSpan;
import io.spanloop.qa.DeviceSpec;
import io.spanloop.qa.EngineSettings;
import io.spanloop.qa.FineTuner;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.ModelStore;
import io.spanloop.qa.TrainedModel;
import io.spanloop.qa.TrainingExample;
import io.spanloop.qa.TrainingOptions;
import io.spanloop.qa.imports.ImportOptions;
import io.spanloop.qa.imports.MavenJar;
import io.spanloop.qa.imports.ModelImporter;
import io.spanloop.testkit.KafkaEnvironment;
import io.spanloop.testkit.KafkaEnvironmentExtension;
import io.spanloop.testkit.Records;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real pretrained transformer through the answerer: all-MiniLM-L6-v2 imported from its Maven jar,
 * fine-tuned a few steps the way the retrainer does, written to the store as version 2, and served
 * on a real broker; real WordPiece meets real Unicode (emoji, CJK, accents, a ZWJ sequence) and
 * every answer's offsets are exact UTF-16 indices.
 */
@ExtendWith(KafkaEnvironmentExtension.class)
class AnswererRealModelIT {

    private static final List<TrainingExample> EXAMPLES =
            List.of(
                    example(
                            "host",
                            "Who was the host?",
                            "Party 🎉 in 東京: the host was Mira Solan, who lives in 大阪.",
                            "Mira Solan"),
                    example(
                            "fox",
                            "What was the fox named?",
                            "The 🦊 fox named Tobi Rell ran past 北京 station.",
                            "Tobi Rell"),
                    example(
                            "meeting",
                            "Where was the meeting?",
                            "会議 🎌 — the meeting was held in 東京 last spring.",
                            "東京"),
                    example(
                            "lab",
                            "What did Ana bring?",
                            "Ana 👩‍🔬 brought café crème and 🍰 to the lab.",
                            "café crème"));

    @TempDir static Path store;
    private static ModelDirectory served;
    private static List<Double> lossPerEpoch;

    @BeforeAll
    static void importAndFineTune() throws Exception {
        EngineSettings.DEFAULTS.apply();
        Path jar = MavenJar.MINILM.resolve(MavenJar.localRepository(), MavenJar.CENTRAL, n -> {});
        ModelDirectory imported =
                new ModelImporter(
                                ImportOptions.DEFAULTS
                                        .withModelName("minilm-qa")
                                        .withMaxSeqLength(128))
                        .importOnnxJar(
                                jar, "maven:" + MavenJar.MINILM, store.resolve("minilm-qa/1"))
                        .directory();
        TrainingOptions options =
                TrainingOptions.DEFAULTS
                        .withEpochs(20)
                        .withBatchSize(4)
                        .withLearningRate(1e-4)
                        .withSeed(7)
                        .withDevice(DeviceSpec.CPU);
        try (TrainedModel trained = new FineTuner(options).fineTune(imported, EXAMPLES)) {
            lossPerEpoch = trained.lossPerEpoch();
            served = new ModelStore(store).write(trained, "minilm-qa", 2, Map.of());
        }
    }

    @Test
    void shouldServeTheFineTunedVersionWithExactOffsetsOnEmojiAndCjk(
            KafkaEnvironment env, @TempDir Path stateDir) {
        // Given: the fine-tuning lowered the loss
        assertThat(lossPerEpoch.get(lossPerEpoch.size() - 1)).isLessThan(lossPerEpoch.get(0) / 2);
        AnswererHarness harness = new AnswererHarness(env, served, 1);
        try (Answerer answerer = harness.startAnswerer(stateDir)) {
            // When
            harness.produce(
                    EXAMPLES.stream()
                            .map(e -> Questions.question(e.id(), e.question(), e.context()))
                            .toList());

            // Then: one answer each from v2, the gold span at its exact String indices
            List<ConsumerRecord<String, Answer>> records;
            try (KafkaConsumer<String, Answer> consumer = harness.answerConsumer()) {
                records =
                        Records.readAtLeast(
                                consumer,
                                EXAMPLES.size(),
                                Duration.ofSeconds(60),
                                Duration.ofSeconds(1));
            }
            Map<String, Answer> answers =
                    records.stream()
                            .collect(Collectors.toMap(ConsumerRecord::key, ConsumerRecord::value));
            assertThat(answers).hasSize(EXAMPLES.size());
            Map<String, TrainingExample> gold =
                    EXAMPLES.stream()
                            .collect(Collectors.toMap(TrainingExample::id, Function.identity()));
            answers.forEach(
                    (id, answer) -> {
                        assertThat(answer.getModelName()).isEqualTo("minilm-qa");
                        assertThat(answer.getModelVersion()).isEqualTo(2);
                        ScoredSpan best = answer.getBest();
                        TrainingExample expected = gold.get(id);
                        assertThat(best).as(id).isNotNull();
                        assertThat(best.getText()).as(id).isEqualTo(expected.answerText());
                        assertThat(best.getStart()).as(id).isEqualTo(expected.start());
                        assertThat(best.getEnd()).as(id).isEqualTo(expected.end());
                        for (ScoredSpan candidate : answer.getCandidates()) {
                            assertThat(candidate.getText())
                                    .isEqualTo(
                                            answer.getContext()
                                                    .substring(
                                                            candidate.getStart(),
                                                            candidate.getEnd()));
                            assertThat(
                                            Character.isLowSurrogate(
                                                    answer.getContext()
                                                            .charAt(candidate.getStart())))
                                    .as("%s starts inside a surrogate pair", candidate)
                                    .isFalse();
                        }
                    });
        }
    }

    private static TrainingExample example(
            String id, String question, String context, String answer) {
        int start = context.indexOf(answer);
        return TrainingExample.answered(id, question, context, start, start + answer.length());
    }
}
