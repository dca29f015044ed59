package io.spanloop.local;

import io.spanloop.schemas.TopicNames;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The whole system on this machine, started in order with health checks and stopped in reverse: a
 * KRaft broker, the schema registry, the topics ({@link TopicLayout}), then the services a profile
 * hands over as {@link ServiceSpec}s, each a child JVM on this JVM's classpath logging to {@code
 * <data>/logs/<name>.log}, restarted when it dies ({@link ServiceSupervisor}). Everything listens
 * on 127.0.0.1.
 */
public final class LocalStack implements AutoCloseable {

    private final StackSettings settings;
    // the broker and the registry: the stack cannot go on without them
    private final Deque<ChildProcess> running = new ArrayDeque<>();
    private final ServiceSupervisor supervisor = new ServiceSupervisor(this::startService);
    private final AtomicBoolean closed = new AtomicBoolean();

    private LocalStack(StackSettings settings) {
        this.settings = settings;
    }

    /**
     * Starts the broker, the registry, the topics and {@code services}, in that order; stops what
     * it started if any of them fails.
     *
     * @throws IllegalStateException when a port is taken or a process does not get ready (the
     *     message names the option to change or the log to read)
     */
    public static LocalStack start(StackSettings settings, List<ServiceSpec> services) {
        requireFreePorts(settings, services);
        LocalStack stack = new LocalStack(settings);
        try {
            stack.startAll(services);
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    private static void requireFreePorts(StackSettings settings, List<ServiceSpec> services) {
        Map<Integer, String> ports = new java.util.LinkedHashMap<>();
        ports.put(settings.kafkaPort(), "--kafka-port");
        ports.put(settings.controllerPort(), "--controller-port");
        ports.put(settings.registryPort(), "--registry-port");
        services.forEach(service -> ports.putAll(service.ports()));
        ports.forEach(Ports::requireFree);
    }

    private void startAll(List<ServiceSpec> services) {
        Console.say("Starting Kafka (KRaft) on " + settings.bootstrapServers() + " ...");
        running.push(LocalBroker.start(settings));
        Console.say("Starting the schema registry on " + settings.registryUrl() + " ...");
        running.push(LocalRegistry.start(settings));
        createTopics(TopicLayout.singleBroker(TopicNames.DEFAULT));
        for (ServiceSpec service : services) {
            Console.say("Starting " + service.description() + " ...");
            ChildProcess child = startService(service);
            try {
                child.awaitReady(() -> service.isReady(child), service.readyTimeout());
            } catch (RuntimeException e) {
                child.close();
                throw e;
            }
            supervisor.add(service, child);
        }
    }

    private ChildProcess startService(ServiceSpec service) {
        Map<String, String> env = new HashMap<>(service.environment());
        // several JVMs share the cores: PyTorch's OpenMP threads should sleep, not spin, when idle
        if (System.getenv("OMP_WAIT_POLICY") == null) {
            env.putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
        }
        List<String> args = new ArrayList<>();
        args.add("-Xmx" + service.heap());
        args.add("-Dai.djl.offline=true");
        args.add("-cp");
        args.add(ChildProcess.classpath());
        args.add(service.mainClass());
        return ChildProcess.startJava(
                service.name(), args, env, settings.logs().resolve(service.name() + ".log"));
    }

    private void createTopics(List<NewTopic> topics) {
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                settings.bootstrapServers()))) {
            for (NewTopic topic : topics) {
                try {
                    admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create " + topic.name(), e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating topics", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot create topics", e);
        }
    }

    /**
     * Fails when the broker or the registry has died, or a service kept dying (with the log to
     * read); a service that died is restarted meanwhile ({@link ServiceSupervisor}).
     */
    public void checkAlive() {
        for (ChildProcess child : running) {
            if (!child.isAlive()) {
                throw new IllegalStateException(child + " stopped; see " + child.log());
            }
        }
        supervisor
                .failure()
                .ifPresent(
                        failure -> {
                            throw new IllegalStateException(failure);
                        });
    }

    /** The process now running {@code service} (after a restart, the new one). */
    public Optional<ProcessHandle> process(String service) {
        return supervisor.process(service);
    }

    /**
     * Stops everything it started, the last started first (services, then the registry, then the
     * broker), each given a grace period and then killed, and says what it stopped.
     */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        long start = System.nanoTime();
        supervisor.close();
        List<ChildProcess> all = new ArrayList<>(supervisor.children());
        java.util.Collections.reverse(all);
        all.addAll(running);
        running.clear();
        List<String> stopped = new ArrayList<>();
        for (ChildProcess child : all) {
            Console.say("Stopping " + child + " ...");
            child.close();
            stopped.add(child.toString());
        }
        if (!stopped.isEmpty()) {
            Console.say(
                    "Stopped "
                            + String.join(", ", stopped)
                            + " in "
                            + String.format(
                                    java.util.Locale.ROOT,
                                    "%.1f",
                                    (System.nanoTime() - start) / 1e9)
                            + " s");
        }
    }
}
