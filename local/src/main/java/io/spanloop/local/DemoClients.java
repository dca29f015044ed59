package io.spanloop.local;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.spanloop.events.Question;
import io.spanloop.qa.TrainingExample;
import io.spanloop.schemas.AvroSerdes;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Plain Kafka clients for the demo, as any user's would be: Avro values, string keys. */
final class DemoClients {

    private DemoClients() {}

    /** The question event of a generated example, submitted now. */
    static Question question(TrainingExample example) {
        return Question.newBuilder()
                .setId(example.id())
                .setQuestion(example.question())
                .setContext(example.context())
                .setSubmittedAt(Instant.now())
                .build();
    }

    static <V> KafkaProducer<String, V> producer(LocalOptions options) {
        AvroSerdes serdes = AvroSerdes.forRegistry(options.registryUrl());
        Map<String, Object> props = new HashMap<>(serdes.serializerConfig());
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroKafkaSerializer.class);
        return new KafkaProducer<>(props);
    }

    /** A read_committed consumer in a group of its own, starting at {@code offsetReset}. */
    static <V> KafkaConsumer<String, V> consumer(LocalOptions options, String offsetReset) {
        AvroSerdes serdes = AvroSerdes.forRegistry(options.registryUrl());
        Map<String, Object> props = new HashMap<>(serdes.deserializerConfig());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "spanloop-demo-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, offsetReset);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroKafkaDeserializer.class);
        return new KafkaConsumer<>(props);
    }
}
