package io.spanloop.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The in-JVM cluster is a real one: transactions (what {@code exactly_once_v2} needs) work on a
 * single broker, and three brokers replicate. Each test starts its own cluster, whatever backend
 * {@link KafkaEnvironment} uses.
 */
class KafkaTestClusterIT {

    @Test
    void shouldShowCommittedAndHideAbortedTransactionsToReadCommittedConsumersOnOneBroker() {
        try (KafkaTestCluster cluster = KafkaTestCluster.start(1)) {
            // Given
            cluster.createTopic("tx", 2);
            Map<String, Object> producerProps =
                    Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());

            // When
            try (KafkaProducer<String, String> producer = transactionalProducer(producerProps)) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("tx", "k1", "committed-1"));
                producer.send(new ProducerRecord<>("tx", "k2", "committed-2"));
                producer.commitTransaction();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("tx", "k3", "aborted"));
                producer.flush();
                producer.abortTransaction();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("tx", "k4", "committed-3"));
                producer.commitTransaction();
            }

            // Then
            assertThat(readAll(readCommitted(cluster, "tx-reader"), "tx", 3))
                    .containsExactlyInAnyOrder("committed-1", "committed-2", "committed-3");
        }
    }

    @Test
    void shouldStartThreeBrokersThatReplicateTopicsAndTransactionState() throws Exception {
        // Given
        long started = System.nanoTime();
        try (KafkaTestCluster cluster = KafkaTestCluster.start(3)) {
            long startMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

            // When
            cluster.createTopic("replicated", 3);
            Map<String, Object> producerProps =
                    Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
            try (KafkaProducer<String, String> producer = transactionalProducer(producerProps)) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("replicated", "k", "v"));
                producer.commitTransaction();
            }

            // Then
            Admin admin = cluster.admin();
            assertThat(admin.describeCluster().nodes().get()).hasSize(3);
            Map<String, TopicDescription> topics =
                    admin.describeTopics(Set.of("replicated", "__transaction_state"))
                            .allTopicNames()
                            .get();
            assertThat(topics.values())
                    .allSatisfy(
                            description ->
                                    assertThat(description.partitions())
                                            .allSatisfy(p -> assertThat(p.replicas()).hasSize(3)));
            for (String topic : List.of("replicated", "__transaction_state")) {
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
                Config config = admin.describeConfigs(Set.of(resource)).all().get().get(resource);
                assertThat(config.get("min.insync.replicas").value()).as(topic).isEqualTo("2");
            }
            assertThat(readAll(readCommitted(cluster, "three-broker-reader"), "replicated", 1))
                    .containsExactly("v");
            assertThat(startMillis).as("start-up time in ms").isLessThan(30_000);
        }
    }

    private static Map<String, Object> readCommitted(KafkaTestCluster cluster, String groupId) {
        return Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                cluster.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                groupId,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest");
    }

    private static KafkaProducer<String, String> transactionalProducer(Map<String, Object> base) {
        Map<String, Object> props = new HashMap<>(base);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-" + System.nanoTime());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    private static List<String> readAll(Map<String, Object> props, String topic, int expected) {
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            // Half a second more: anything beyond the expected records (an aborted one) would show.
            return Records.readAtLeast(
                            consumer, expected, Duration.ofSeconds(30), Duration.ofMillis(500))
                    .stream()
                    .map(ConsumerRecord::value)
                    .toList();
        }
    }
}
