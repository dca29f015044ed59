package io.spanloop.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A single-node KRaft Kafka (broker and controller in one process) run from Kafka's own server
 * classes ({@code kafka.Kafka}), data under {@code <data>/kafka}; storage is formatted on first
 * use.
 */
final class LocalBroker {

    private LocalBroker() {}

    static ChildProcess start(StackSettings settings) {
        Path dir = settings.dataDir().resolve("kafka");
        Path config = dir.resolve("server.properties");
        writeConfig(settings, dir, config);
        Path log = settings.logs().resolve("kafka.log");
        if (!Files.exists(dir.resolve("logs").resolve("meta.properties"))) {
            ChildProcess format =
                    ChildProcess.startJava(
                            "kafka storage format",
                            List.of(
                                    "-cp",
                                    ChildProcess.classpath(),
                                    "kafka.tools.StorageTool",
                                    "format",
                                    "--standalone",
                                    "--cluster-id",
                                    clusterId(),
                                    "--config",
                                    config.toString()),
                            Map.of(),
                            log);
            format.awaitSuccess(Duration.ofSeconds(60));
        }
        ChildProcess broker =
                ChildProcess.startJava(
                        "kafka broker",
                        List.of(
                                "-Xmx1g",
                                "-cp",
                                ChildProcess.classpath(),
                                "kafka.Kafka",
                                config.toString()),
                        Map.of(),
                        log);
        broker.awaitReady(
                () -> clusterAnswers(settings.bootstrapServers()), Duration.ofSeconds(90));
        return broker;
    }

    private static void writeConfig(StackSettings settings, Path dir, Path config) {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put(
                "listeners",
                "PLAINTEXT://127.0.0.1:"
                        + settings.kafkaPort()
                        + ",CONTROLLER://127.0.0.1:"
                        + settings.controllerPort());
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + settings.kafkaPort());
        props.put("controller.listener.names", "CONTROLLER");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + settings.controllerPort());
        props.put("log.dirs", dir.resolve("logs").toAbsolutePath().toString());
        props.put("num.partitions", "1");
        props.put("offsets.topic.replication.factor", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        try {
            Files.createDirectories(dir);
            try (var writer = Files.newBufferedWriter(config)) {
                props.store(writer, "spanloop local broker (rewritten on every start)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String clusterId() {
        return org.apache.kafka.common.Uuid.randomUuid().toString();
    }

    private static boolean clusterAnswers(String bootstrapServers) {
        if (!Ports.accepts(bootstrapServers)) {
            return false;
        }
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000))) {
            return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }
}
