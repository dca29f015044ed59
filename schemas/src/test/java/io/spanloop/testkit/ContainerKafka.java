package io.spanloop.testkit;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A single-node Kafka broker in a Docker container (Testcontainers), the other backend of {@link
 * KafkaEnvironment}; only loaded when {@code spanloop.test.kafka=testcontainers}.
 */
final class ContainerKafka implements AutoCloseable {

    static final DockerImageName IMAGE = DockerImageName.parse("apache/kafka:4.4.0");

    private final KafkaContainer container;

    private ContainerKafka(KafkaContainer container) {
        this.container = container;
    }

    static boolean dockerAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    static ContainerKafka start() {
        KafkaContainer container =
                new KafkaContainer(IMAGE).withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
        container.start();
        return new ContainerKafka(container);
    }

    String bootstrapServers() {
        return container.getBootstrapServers();
    }

    @Override
    public void close() {
        container.stop();
    }
}
