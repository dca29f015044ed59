package io.spanloop.answerer;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.spanloop.config.ServiceConfigs;
import io.spanloop.events.Answer;
import io.spanloop.events.Question;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.schemas.TopicNames;
import io.spanloop.testkit.KafkaEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the answerer's real-broker tests share: answerer settings for the test environment, plain
 * Kafka clients (as any user would write them) to produce questions and read answers.
 */
public final class AnswererHarness {

    public final KafkaEnvironment env;
    public final TopicNames names;
    public final ModelDirectory model;
    public final String applicationId = "answerer-" + UUID.randomUUID();

    public AnswererHarness(KafkaEnvironment env, ModelDirectory model, int partitions) {
        this.env = env;
        this.model = model;
        this.names = env.createTopics(env.newTopicNames(), partitions);
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
        config.put("streams.consumer.session.timeout.ms", 6_000);
        config.put("streams.consumer.heartbeat.interval.ms", 1_000);
        config.put("streams.producer.transaction.timeout.ms", 10_000);
        return config;
    }

    public Answerer startAnswerer(Path stateDir) {
        return Answerer.start(new AnswererConfig(config(stateDir)));
    }

    public KafkaProducer<String, Question> questionProducer() {
        Map<String, Object> props = env.producerProps();
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroKafkaSerializer.class);
        props.putAll(env.avroSerdes().serializerConfig());
        return new KafkaProducer<>(props);
    }

    public KafkaProducer<byte[], byte[]> rawProducer() {
        Map<String, Object> props = env.producerProps();
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaProducer<>(props);
    }

    public void produce(List<Question> questions) {
        try (KafkaProducer<String, Question> producer = questionProducer()) {
            for (Question question : questions) {
                producer.send(new ProducerRecord<>(names.questions(), question.getId(), question));
            }
            producer.flush();
        }
    }

    public KafkaConsumer<String, Answer> answerConsumer() {
        Map<String, Object> props = env.consumerProps("reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroKafkaDeserializer.class);
        props.putAll(env.avroSerdes().deserializerConfig());
        KafkaConsumer<String, Answer> consumer = new KafkaConsumer<>(props);
        consumer.subscribe(List.of(names.answers()));
        return consumer;
    }

    public KafkaConsumer<byte[], byte[]> rawConsumer(String topic) {
        Map<String, Object> props = env.consumerProps("raw-" + UUID.randomUUID());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props);
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    /**
     * Polls until {@code expected} records arrived or {@code timeout} passed, then keeps polling
     * for {@code settle} so that any extra (duplicate) record shows up too.
     */
    public static <K, V> List<ConsumerRecord<K, V>> readAtLeast(
            KafkaConsumer<K, V> consumer, int expected, Duration timeout, Duration settle) {
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (records.size() < expected && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        long settleEnd = System.nanoTime() + settle.toNanos();
        while (System.nanoTime() < settleEnd) {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return records;
    }
}
