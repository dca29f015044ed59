package io.spanloop.testkit;

import io.spanloop.config.KafkaConnection;
import io.spanloop.config.ServiceConfigs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real KRaft Kafka cluster inside the test JVM, built on Kafka's own server classes: one
 * controller node and one or more broker nodes, every listener on 127.0.0.1, storage in a temporary
 * directory that {@link #close()} deletes.
 *
 * <p>Internal topics are sized for the broker count, so transactions (and Kafka Streams with {@code
 * exactly_once_v2}) work with a single broker.
 */
public final class KafkaTestCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTestCluster.class);
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final int FIRST_CONTROLLER_ID = 3000;
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private final Path baseDir;
    private final List<KafkaRaftServer> controllers = new ArrayList<>();
    private final List<KafkaRaftServer> brokers = new ArrayList<>();
    private final List<KafkaConfig> brokerConfigs = new ArrayList<>();
    private final int brokerCount;
    // null: PLAINTEXT without authorization; else SASL/SCRAM with ACLs, this the super user
    private final String adminPassword;
    private String bootstrapServers;
    private Admin admin;

    private KafkaTestCluster(Path baseDir, int brokerCount, String adminPassword) {
        this.baseDir = baseDir;
        this.brokerCount = brokerCount;
        this.adminPassword = adminPassword;
    }

    /** The SASL mechanism of a secured cluster. */
    public static final String SCRAM = "SCRAM-SHA-256";

    /** The super user of a secured cluster (the brokers talk to each other as it). */
    public static final String ADMIN_USER = "admin";

    /**
     * Starts one broker whose listener needs SASL/SCRAM ({@link #SCRAM}) and authorizes with ACLs
     * ({@code StandardAuthorizer}, nothing allowed without one); {@link #ADMIN_USER} with {@code
     * adminPassword} is the super user, and {@link #admin()} connects as it.
     */
    public static KafkaTestCluster startSecured(String adminPassword) {
        KafkaTestCluster cluster = new KafkaTestCluster(createTempDir(), 1, adminPassword);
        try {
            cluster.startNodes();
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** Client settings for {@code user} on a secured cluster: SASL_PLAINTEXT with SCRAM. */
    public static Map<String, Object> scramClient(String user, String password) {
        return Map.of(
                "security.protocol",
                "SASL_PLAINTEXT",
                "sasl.mechanism",
                SCRAM,
                "sasl.jaas.config",
                jaas(user, password));
    }

    /** Settings for a client of this secured cluster as the super user, bootstrap included. */
    public Map<String, Object> superUserClient() {
        Map<String, Object> props = new HashMap<>(scramClient(ADMIN_USER, adminPassword));
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }

    /**
     * A spanloop service's settings for this secured cluster as {@code user}: its {@code
     * bootstrap.servers} and the SASL settings under {@code kafka.}, which go to all its clients.
     */
    public Map<String, Object> serviceSettings(String user, String password) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ServiceConfigs.BOOTSTRAP_SERVERS, bootstrapServers);
        scramClient(user, password)
                .forEach((key, value) -> settings.put(KafkaConnection.PREFIX + key, value));
        return settings;
    }

    private static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + user
                + "\" password=\""
                + password
                + "\";";
    }

    /**
     * Formats and starts a cluster of one controller and {@code brokers} brokers (1 or more; with 3
     * or more, internal topics get replication factor 3 and min.insync.replicas 2), and returns
     * once every broker is registered and unfenced.
     */
    public static KafkaTestCluster start(int brokers) {
        if (brokers < 1) {
            throw new IllegalArgumentException("need at least one broker, got " + brokers);
        }
        long started = System.nanoTime();
        KafkaTestCluster cluster = null;
        for (int attempt = 1; cluster == null; attempt++) {
            KafkaTestCluster candidate = new KafkaTestCluster(createTempDir(), brokers, null);
            try {
                candidate.startNodes();
                cluster = candidate;
            } catch (RuntimeException | Error e) {
                candidate.close();
                // Ports are chosen before the servers bind them; another process may win the race.
                if (attempt >= 3 || !causedByBindFailure(e)) {
                    throw e;
                }
                LOG.warn("a port was taken while starting Kafka, retrying", e);
            }
        }
        LOG.info(
                "Kafka cluster ({} broker(s)) at {} ready in {} ms",
                brokers,
                cluster.bootstrapServers,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        return cluster;
    }

    private static Path createTempDir() {
        try {
            return Files.createTempDirectory("spanloop-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean causedByBindFailure(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException
                    || (cause.getMessage() != null && cause.getMessage().contains("bind"))) {
                return true;
            }
        }
        return false;
    }

    private void startNodes() {
        String clusterId = Uuid.randomUuid().toString();
        int controllerPort = FreePorts.next();
        String voters = FIRST_CONTROLLER_ID + "@127.0.0.1:" + controllerPort;

        KafkaConfig controllerConfig =
                new KafkaConfig(controllerProps(FIRST_CONTROLLER_ID, controllerPort, voters));
        format(controllerConfig, clusterId);
        KafkaRaftServer controller = new KafkaRaftServer(controllerConfig, Time.SYSTEM);
        controllers.add(controller);
        controller.startup();

        List<Integer> brokerPorts = new ArrayList<>();
        for (int id = 0; id < brokerCount; id++) {
            int port = FreePorts.next();
            brokerPorts.add(port);
            KafkaConfig config = new KafkaConfig(brokerProps(id, port, voters));
            format(config, clusterId);
            brokerConfigs.add(config);
        }
        // A broker's startup() blocks until it is unfenced, so start them side by side.
        List<Runnable> startups = new ArrayList<>();
        for (KafkaConfig config : brokerConfigs) {
            KafkaRaftServer broker = new KafkaRaftServer(config, Time.SYSTEM);
            brokers.add(broker);
            startups.add(broker::startup);
        }
        runInParallel(startups, "broker startup");

        bootstrapServers =
                brokerPorts.stream()
                        .map(port -> "127.0.0.1:" + port)
                        .collect(Collectors.joining(","));
        awaitBrokersRegistered();
    }

    private Map<String, String> controllerProps(int nodeId, int port, String voters) {
        Map<String, String> props = commonProps(nodeId, voters);
        props.put("process.roles", "controller");
        props.put("listeners", CONTROLLER_LISTENER + "://127.0.0.1:" + port);
        props.put("listener.security.protocol.map", CONTROLLER_LISTENER + ":PLAINTEXT");
        secure(props);
        return props;
    }

    private Map<String, String> brokerProps(int nodeId, int port, String voters) {
        Map<String, String> props = commonProps(nodeId, voters);
        String listener = BROKER_LISTENER + "://127.0.0.1:" + port;
        props.put("process.roles", "broker");
        props.put("listeners", listener);
        props.put("advertised.listeners", listener);
        props.put("inter.broker.listener.name", BROKER_LISTENER);
        props.put(
                "listener.security.protocol.map",
                CONTROLLER_LISTENER + ":PLAINTEXT," + BROKER_LISTENER + ":PLAINTEXT");
        String replication = replicationFactor();
        String minIsr = minInsyncReplicas();
        props.put("offsets.topic.replication.factor", replication);
        props.put("transaction.state.log.replication.factor", replication);
        props.put("transaction.state.log.min.isr", minIsr);
        props.put("share.coordinator.state.topic.replication.factor", replication);
        props.put("share.coordinator.state.topic.min.isr", minIsr);
        // Fewer internal partitions and no initial rebalance delay: faster groups in tests.
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.num.partitions", "5");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("broker.heartbeat.interval.ms", "500");
        if (adminPassword != null) {
            props.put(
                    "listener.security.protocol.map",
                    CONTROLLER_LISTENER + ":PLAINTEXT," + BROKER_LISTENER + ":SASL_PLAINTEXT");
            props.put("sasl.enabled.mechanisms", SCRAM);
            props.put("sasl.mechanism.inter.broker.protocol", SCRAM);
            props.put(
                    "listener.name."
                            + BROKER_LISTENER.toLowerCase(java.util.Locale.ROOT)
                            + "."
                            + SCRAM.toLowerCase(java.util.Locale.ROOT)
                            + ".sasl.jaas.config",
                    jaas(ADMIN_USER, adminPassword));
            secure(props);
        }
        return props;
    }

    private Map<String, String> commonProps(int nodeId, String voters) {
        Path dir = baseDir.resolve("node-" + nodeId);
        Map<String, String> props = new HashMap<>();
        props.put("node.id", String.valueOf(nodeId));
        props.put("controller.quorum.voters", voters);
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("log.dirs", dir.toString());
        props.put("metadata.log.dir", dir.toString());
        // The controller applies these to topics created without a replication factor.
        props.put("default.replication.factor", replicationFactor());
        props.put("min.insync.replicas", minInsyncReplicas());
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "2");
        props.put("background.threads", "2");
        props.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
        return props;
    }

    /** ACLs on every node; the brokers reach the controller unauthenticated, as super users. */
    private void secure(Map<String, String> props) {
        if (adminPassword == null) {
            return;
        }
        props.put(
                "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        props.put("super.users", "User:" + ADMIN_USER + ";User:ANONYMOUS");
    }

    private String replicationFactor() {
        return String.valueOf(Math.min(brokerCount, 3));
    }

    private String minInsyncReplicas() {
        return brokerCount >= 3 ? "2" : "1";
    }

    private void format(KafkaConfig config, String clusterId) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            Formatter formatter = new Formatter();
            if (adminPassword != null) {
                // the super user's SCRAM credential exists from the start, for the brokers
                formatter.setScramArguments(
                        List.of(
                                SCRAM
                                        + "=[name="
                                        + ADMIN_USER
                                        + ",password="
                                        + adminPassword
                                        + "]"));
            }
            formatter
                    .setPrintStream(out)
                    .setNodeId(config.nodeId())
                    .setClusterId(clusterId)
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setDirectories(List.of(config.metadataLogDir()))
                    .setMetadataLogDirectory(config.metadataLogDir())
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException(
                    "formatting node " + config.nodeId() + " failed: " + output, e);
        }
    }

    private void awaitBrokersRegistered() {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (true) {
            try {
                int registered = admin().describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
                if (registered == brokerCount) {
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                LOG.debug("cluster not ready yet", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for brokers", e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        brokerCount + " broker(s) not registered within " + STARTUP_TIMEOUT);
            }
            sleep(50);
        }
    }

    /**
     * Stops broker {@code index} (0-based) as a crash would leave it: its data stays, its clients
     * lose it. {@link #restartBroker} brings it back on the same port and data.
     */
    public synchronized void stopBroker(int index) {
        stop(brokers.get(index));
    }

    /** Starts broker {@code index} again from its data; returns once it is registered. */
    public synchronized void restartBroker(int index) {
        KafkaRaftServer broker = new KafkaRaftServer(brokerConfigs.get(index), Time.SYSTEM);
        brokers.set(index, broker);
        runInParallel(List.of(broker::startup), "broker restart");
        awaitBrokersRegistered();
    }

    /** The brokers' {@code bootstrap.servers}, e.g. {@code 127.0.0.1:41234}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** How many brokers the cluster has. */
    public int brokerCount() {
        return brokerCount;
    }

    /**
     * An admin client for this cluster, created on first use and owned by the cluster (closed by
     * {@link #close()}; callers must not close it).
     */
    public synchronized Admin admin() {
        if (admin == null) {
            Map<String, Object> props = new HashMap<>();
            props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            props.put(AdminClientConfig.CLIENT_ID_CONFIG, "spanloop-test-admin");
            if (adminPassword != null) {
                props.putAll(scramClient(ADMIN_USER, adminPassword));
            }
            admin = Admin.create(props);
        }
        return admin;
    }

    /** Creates a topic with the cluster's default replication factor and waits for it. */
    public void createTopic(String name, int partitions) {
        createTopic(name, partitions, Map.of());
    }

    /** Creates a topic with topic-level {@code configs} (e.g. {@code cleanup.policy}). */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        createTopics(admin(), List.of(name), partitions, configs);
    }

    static void createTopics(
            Admin admin, List<String> names, int partitions, Map<String, String> configs) {
        List<NewTopic> topics =
                names.stream()
                        .map(
                                name ->
                                        new NewTopic(
                                                        name,
                                                        Optional.of(partitions),
                                                        Optional.empty())
                                                .configs(configs))
                        .toList();
        try {
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating " + names, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not create topics " + names, e);
        }
    }

    /** Stops the brokers, then the controller, waits for their shutdown and deletes all storage. */
    @Override
    public synchronized void close() {
        long started = System.nanoTime();
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
            admin = null;
        }
        runInParallel(
                brokers.stream().map(broker -> (Runnable) () -> stop(broker)).toList(),
                "broker shutdown");
        brokers.clear();
        controllers.forEach(KafkaTestCluster::stop);
        controllers.clear();
        try {
            Utils.delete(baseDir.toFile());
        } catch (IOException e) {
            LOG.warn("could not delete {}", baseDir, e);
        }
        LOG.info(
                "Kafka cluster stopped in {} ms",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    private static void stop(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("error stopping a Kafka node", e);
        }
    }

    /** Runs each task on its own thread (the common pool has one thread on small machines). */
    private static void runInParallel(List<Runnable> tasks, String what) {
        ExecutorService executor = Executors.newFixedThreadPool(Math.max(1, tasks.size()));
        try {
            CompletableFuture<?>[] futures =
                    tasks.stream()
                            .map(task -> CompletableFuture.runAsync(task, executor))
                            .toArray(CompletableFuture[]::new);
            await(CompletableFuture.allOf(futures), what);
        } finally {
            executor.shutdownNow();
        }
    }

    private static void await(CompletableFuture<Void> future, String what) {
        try {
            future.get(STARTUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + what, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(what + " failed", e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + " did not finish within " + STARTUP_TIMEOUT, e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
