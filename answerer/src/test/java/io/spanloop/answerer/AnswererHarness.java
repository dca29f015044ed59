package io.spanloop.answerer;

import io.spanloop.config.ServiceConfigs;
import io.spanloop.events.Answer;
import io.spanloop.events.Question;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.schemas.TopicNames;
import io.spanloop.schemas.Topics;
import io.spanloop.testkit.KafkaEnvironment;
import io.spanloop.testkit.Records;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What the answerer's real-broker tests share: answerer settings for the test environment, Kafka
 * clients with the topics' serdes to produce questions and read answers.
 */
public final class AnswererHarness {

    public final KafkaEnvironment env;
    public final TopicNames names;
    public final Topics topics;
    public final ModelDirectory model;
    public final String applicationId = "answerer-" + UUID.randomUUID();

    public AnswererHarness(KafkaEnvironment env, ModelDirectory model, int partitions) {
        this.env = env;
        this.model = model;
        this.names = env.createTopics(env.newTopicNames(), partitions);
        this.topics = env.topics(names);
    }

    /** Settings of one answerer instance; fast failure detection for crash tests. */
    public Map<String, Object> config(Path stateDir) {
        Map<String, Object> config = new HashMap<>();
        config.put(AnswererConfig.BOOTSTRAP_SERVERS, env.bootstrapServers());
        config.put(AnswererConfig.REGISTRY_URL, env.registryUrl());
        config.put(AnswererConfig.APPLICATION_ID, applicationId);
        config.put(AnswererConfig.STATE_DIR, stateDir.toString());
        config.put(AnswererConfig.MODEL_DIR, model.path().toString());
        config.put(AnswererConfig.MODEL_DEVICE, "cpu");
        config.putAll(ServiceConfigs.topicSettings(AnswererConfig.DEFINITION, names));
        config.put(AnswererConfig.BATCH_MAX_SIZE, 8);
        config.put(AnswererConfig.BATCH_MAX_WAIT_MS, 20L);
        config.put(AnswererConfig.MAX_CONTEXT_CHARS, 20_000);
        // a free port each: tests run several instances, and never take the fixed default
        config.put(AnswererConfig.METRICS_PORT, 0);
        config.put("streams.consumer.session.timeout.ms", 6_000);
        config.put("streams.consumer.heartbeat.interval.ms", 1_000);
        config.put("streams.producer.transaction.timeout.ms", 10_000);
        return config;
    }

    public Answerer startAnswerer(Path stateDir) {
        return Answerer.start(new AnswererConfig(config(stateDir)));
    }

    public KafkaProducer<String, Question> questionProducer() {
        return env.producer(topics.questions());
    }

    /** A producer of raw bytes, for questions no serde would write. */
    public KafkaProducer<byte[], byte[]> rawProducer() {
        return env.bytesProducer();
    }

    public void produce(List<Question> questions) {
        try (KafkaProducer<String, Question> producer = questionProducer()) {
            for (Question question : questions) {
                producer.send(new ProducerRecord<>(names.questions(), question.getId(), question));
            }
            producer.flush();
        }
    }

    /** Reads the answers topic from the start (a new group each call). */
    public KafkaConsumer<String, Answer> answerConsumer() {
        return env.consumer(topics.answers());
    }

    /** Reads the dead-letter topic from the start (a new group each call), as raw bytes. */
    public KafkaConsumer<byte[], byte[]> dlqConsumer() {
        return env.consumer(topics.questionsDlq());
    }

    /** {@link Records#readAtLeast}, kept for the tests of the {@code local} module. */
    public static <K, V> List<ConsumerRecord<K, V>> readAtLeast(
            KafkaConsumer<K, V> consumer, int expected, Duration timeout, Duration settle) {
        return Records.readAtLeast(consumer, expected, timeout, settle);
    }
}
