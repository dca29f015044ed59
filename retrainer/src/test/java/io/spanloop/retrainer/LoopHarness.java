package io.spanloop.retrainer;

import io.spanloop.answerer.AnswererHarness;
import io.spanloop.events.Correction;
import io.spanloop.events.ModelVersion;
import io.spanloop.events.Question;
import io.spanloop.events.Span;
import io.spanloop.events.Verdict;
import io.spanloop.qa.TrainingExample;
import io.spanloop.testkit.Records;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The learning loop's test fixtures: questions, corrections (as the labeler writes them), events.
 */
final class LoopHarness {

    final AnswererHarness answering;

    LoopHarness(AnswererHarness answering) {
        this.answering = answering;
    }

    Map<String, Object> retrainerConfig(Path store, String modelName) {
        Map<String, Object> config = new HashMap<>();
        config.put(RetrainerConfig.BOOTSTRAP_SERVERS, answering.env.bootstrapServers());
        config.put(RetrainerConfig.REGISTRY_URL, answering.env.registryUrl());
        config.put(RetrainerConfig.TOPIC_FEEDBACK, answering.names.feedback());
        config.put(RetrainerConfig.TOPIC_MODEL_VERSIONS, answering.names.modelVersions());
        config.put(RetrainerConfig.TOPIC_TRAINING_PROGRESS, answering.names.trainingProgress());
        config.put(RetrainerConfig.MODEL_STORE, store.toString());
        config.put(RetrainerConfig.MODEL_NAME, modelName);
        config.put(RetrainerConfig.TRIGGER_MIN_LABELS, 40);
        config.put(RetrainerConfig.TRIGGER_INTERVAL_MS, 3_600_000L);
        config.put(RetrainerConfig.TRIGGER_CHECK_MS, 300L);
        config.put(RetrainerConfig.TRAIN_EPOCHS, 12);
        config.put(RetrainerConfig.TRAIN_BATCH_SIZE, 8);
        config.put(RetrainerConfig.TRAIN_LEARNING_RATE, 1e-3);
        config.put(RetrainerConfig.TRAIN_DEVICE, "cpu");
        // a free port each: tests run several instances, and never take the fixed default
        config.put(RetrainerConfig.METRICS_PORT, 0);
        return config;
    }

    static List<Question> questions(List<TrainingExample> examples) {
        List<Question> questions = new ArrayList<>();
        for (TrainingExample example : examples) {
            questions.add(
                    Question.newBuilder()
                            .setId(example.id())
                            .setQuestion(example.question())
                            .setContext(example.context())
                            .setSubmittedAt(Instant.now())
                            .build());
        }
        return questions;
    }

    /** The corrections people would make: the gold span, or {@code wrong}'s span instead. */
    void correct(List<TrainingExample> examples, boolean wrong) {
        correct(examples, wrong, Map.of());
    }

    /** As {@link #correct(List, boolean)}, with producer settings laid over (another cluster). */
    void correct(List<TrainingExample> examples, boolean wrong, Map<String, ?> producerOverrides) {
        try (KafkaProducer<String, Correction> producer =
                answering.env.producer(answering.topics.feedback(), producerOverrides)) {
            for (TrainingExample example : examples) {
                int start = example.start();
                int end = example.end();
                if (wrong) {
                    // the thing asked about instead of its color: a consistent, wrong teacher
                    String thing =
                            example.question()
                                    .substring("What color is the ".length())
                                    .replace("?", "");
                    start = example.context().toLowerCase().indexOf(thing);
                    end = start + thing.length();
                }
                Correction correction =
                        Correction.newBuilder()
                                .setQuestionId(example.id())
                                .setQuestion(example.question())
                                .setContext(example.context())
                                .setVerdict(Verdict.CORRECTED)
                                .setSpan(
                                        new Span(
                                                start,
                                                end,
                                                example.context().substring(start, end)))
                                .setAnnotator("tester")
                                .setCorrectedAt(Instant.now())
                                .build();
                producer.send(
                        new ProducerRecord<>(answering.names.feedback(), example.id(), correction));
            }
        }
    }

    /** Reads the model-versions topic from the start (a new group each call). */
    KafkaConsumer<String, ModelVersion> versionConsumer() {
        return answering.env.consumer(answering.topics.modelVersions());
    }

    /** The events read until {@code count} arrived or {@code timeout} passed (fewer then). */
    static List<ModelVersion> awaitEvents(
            KafkaConsumer<String, ModelVersion> consumer, int count, Duration timeout) {
        return Records.readAtLeast(consumer, count, timeout, Duration.ZERO).stream()
                .map(ConsumerRecord::value)
                .toList();
    }
}
