package io.spanloop.retrainer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.spanloop.answerer.AnswererHarness;
import io.spanloop.events.Correction;
import io.spanloop.events.ModelVersion;
import io.spanloop.events.Question;
import io.spanloop.events.Span;
import io.spanloop.events.Verdict;
import io.spanloop.qa.TrainingExample;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

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
        config.put(RetrainerConfig.MODEL_STORE, store.toString());
        config.put(RetrainerConfig.MODEL_NAME, modelName);
        config.put(RetrainerConfig.TRIGGER_MIN_LABELS, 40);
        config.put(RetrainerConfig.TRIGGER_INTERVAL_MS, 3_600_000L);
        config.put(RetrainerConfig.TRIGGER_CHECK_MS, 300L);
        config.put(RetrainerConfig.TRAIN_EPOCHS, 12);
        config.put(RetrainerConfig.TRAIN_BATCH_SIZE, 8);
        config.put(RetrainerConfig.TRAIN_LEARNING_RATE, 1e-3);
        config.put(RetrainerConfig.TRAIN_DEVICE, "cpu");
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
        Map<String, Object> props = answering.env.producerProps();
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroKafkaSerializer.class);
        props.putAll(answering.env.avroSerdes().serializerConfig());
        try (KafkaProducer<String, Correction> producer = new KafkaProducer<>(props)) {
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

    KafkaConsumer<String, ModelVersion> versionConsumer() {
        Map<String, Object> props = answering.env.consumerProps("versions-" + UUID.randomUUID());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroKafkaDeserializer.class);
        props.putAll(answering.env.avroSerdes().deserializerConfig());
        KafkaConsumer<String, ModelVersion> consumer = new KafkaConsumer<>(props);
        consumer.subscribe(List.of(answering.names.modelVersions()));
        return consumer;
    }

    static List<ModelVersion> awaitEvents(
            KafkaConsumer<String, ModelVersion> consumer, int count, Duration timeout) {
        List<ModelVersion> events = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (events.size() < count && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(r -> events.add(r.value()));
        }
        return events;
    }

    /** A SQuAD v2.0 JSON file of examples (answer_start in code points, as SQuAD has it). */
    static void writeSquad(Path file, List<TrainingExample> examples) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode().put("version", "v2.0");
        ArrayNode paragraphs =
                root.putArray("data").addObject().put("title", "colors").putArray("paragraphs");
        for (TrainingExample example : examples) {
            ObjectNode paragraph = paragraphs.addObject().put("context", example.context());
            ObjectNode qa =
                    paragraph
                            .putArray("qas")
                            .addObject()
                            .put("id", example.id())
                            .put("question", example.question())
                            .put("is_impossible", false);
            qa.putArray("answers")
                    .addObject()
                    .put("text", example.answerText())
                    .put("answer_start", example.context().codePointCount(0, example.start()));
        }
        json.writeValue(file.toFile(), root);
    }
}
