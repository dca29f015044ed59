package io.spanloop.demo.clients;

import io.spanloop.demo.domain.DemoQuestion;
import io.spanloop.events.Question;
import io.spanloop.local.StackSettings;
import io.spanloop.qa.TrainingExample;
import io.spanloop.schemas.AvroSerdes;
import io.spanloop.schemas.Topic;
import io.spanloop.schemas.TopicNames;
import io.spanloop.schemas.Topics;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;

/** Plain Kafka clients for the demo, as any user's would be: Avro values, string keys. */
public final class DemoClients {

    /** The question attribute that names the fact a demo question asks about. */
    public static final String FACT_ATTRIBUTE = "fact";

    private final StackSettings stack;
    private final Topics topics;

    public DemoClients(StackSettings stack) {
        this.stack = stack;
        this.topics = Topics.of(TopicNames.DEFAULT, AvroSerdes.forRegistry(stack.registryUrl()));
    }

    /** The standard topics, with serdes backed by the stack's registry. */
    public Topics topics() {
        return topics;
    }

    /**
     * The question event of a generated question, submitted now, with the fact it asks about as its
     * {@code fact} attribute (the demo's retrainer slices its evaluation by it).
     */
    public static Question question(DemoQuestion question) {
        TrainingExample example = question.example();
        return Question.newBuilder()
                .setId(example.id())
                .setQuestion(example.question())
                .setContext(example.context())
                .setSubmittedAt(Instant.now())
                .setAttributes(Map.of(FACT_ATTRIBUTE, question.fact().attribute()))
                .build();
    }

    /** An {@code acks=all} producer for {@code topic}. */
    public <K, V> KafkaProducer<K, V> producer(Topic<K, V> topic) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(
                props, topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    /**
     * A read_committed consumer of {@code topic} in a group of its own, starting at {@code
     * offsetReset} ({@code earliest} or {@code latest}).
     */
    public <K, V> KafkaConsumer<K, V> consumer(Topic<K, V> topic, String offsetReset) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "spanloop-demo-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, offsetReset);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<K, V> consumer =
                new KafkaConsumer<>(
                        props, topic.keySerde().deserializer(), topic.valueSerde().deserializer());
        consumer.subscribe(List.of(topic.name()));
        return consumer;
    }
}
