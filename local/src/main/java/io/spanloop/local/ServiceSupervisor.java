package io.spanloop.local;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Keeps the local run's services running: a service that dies is started again after a pause that
 * doubles with each restart (1 s, 2 s, 4 s … at most {@link #MAX_PAUSE}), with a console line each
 * time, at most {@link #MAX_RESTARTS} times within {@link #RESTART_WINDOW}; at the next death the
 * supervisor gives up on it and {@link #failure()} says so. Each service is safe to restart by
 * design (exactly-once answers, labels in Kafka, versions announced once).
 */
final class ServiceSupervisor implements AutoCloseable {

    static final int MAX_RESTARTS = 5;
    static final Duration RESTART_WINDOW = Duration.ofMinutes(10);
    static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
    static final Duration MAX_PAUSE = Duration.ofSeconds(30);
    private static final long CHECK_MILLIS = 500;

    /** A service, the process now running it, and when it last died. */
    private static final class Supervised {
        final ServiceSpec spec;
        volatile ChildProcess child;
        final Deque<Long> deaths = new ArrayDeque<>();

        Supervised(ServiceSpec spec, ChildProcess child) {
            this.spec = spec;
            this.child = child;
        }
    }

    private final Function<ServiceSpec, ChildProcess> starter;
    private final List<Supervised> services = new ArrayList<>();
    private final Thread thread;
    private volatile boolean closing;
    private volatile String failure;

    /**
     * @param starter starts a service's process (the supervisor waits until it is ready)
     */
    ServiceSupervisor(Function<ServiceSpec, ChildProcess> starter) {
        this.starter = starter;
        this.thread = new Thread(this::watch, "spanloop-supervisor");
        this.thread.setDaemon(true);
    }

    /** Watches {@code child}, the ready process of {@code spec}, from now on. */
    synchronized void add(ServiceSpec spec, ChildProcess child) {
        services.add(new Supervised(spec, child));
        if (!thread.isAlive()) {
            thread.start();
        }
    }

    /** Why the supervisor gave up on a service, if it did. */
    Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /** The process now running {@code service}. */
    synchronized Optional<ProcessHandle> process(String service) {
        return services.stream()
                .filter(s -> s.spec.name().equals(service))
                .findFirst()
                .map(s -> s.child.handle());
    }

    private void watch() {
        while (!closing) {
            for (Supervised service : snapshot()) {
                if (!closing && failure == null && !service.child.isAlive()) {
                    restart(service);
                }
            }
            pause(CHECK_MILLIS);
        }
    }

    private synchronized List<Supervised> snapshot() {
        return List.copyOf(services);
    }

    private void restart(Supervised service) {
        String name = service.spec.name();
        long now = System.nanoTime();
        service.deaths.addLast(now);
        while (now - service.deaths.peekFirst() > RESTART_WINDOW.toNanos()) {
            service.deaths.pollFirst();
        }
        String died = name + " exited with code " + service.child.exitCode();
        if (service.deaths.size() > MAX_RESTARTS) {
            failure =
                    died
                            + ", its "
                            + service.deaths.size()
                            + "th stop within "
                            + RESTART_WINDOW.toMinutes()
                            + " minutes: not restarting it; see "
                            + service.child.log();
            Console.say(failure);
            return;
        }
        Duration wait = pauseBefore(service.deaths.size());
        Console.say(
                died
                        + "; restarting it in "
                        + wait.toSeconds()
                        + " s (restart "
                        + service.deaths.size()
                        + " of at most "
                        + MAX_RESTARTS
                        + " in "
                        + RESTART_WINDOW.toMinutes()
                        + " minutes; see "
                        + service.child.log()
                        + ")");
        pause(wait.toMillis());
        if (closing) {
            return;
        }
        ChildProcess child = starter.apply(service.spec);
        service.child = child;
        if (closing) {
            child.close(); // the stack is stopping: no new process may outlive it
            return;
        }
        try {
            child.awaitReady(() -> service.spec.isReady(child), service.spec.readyTimeout());
            Console.say(name + " is running again");
        } catch (RuntimeException e) {
            // stopped, so that the next check counts it as the next death
            Console.say(name + " did not come back: " + e.getMessage());
            child.close();
        }
    }

    /** 1 s before the first restart, doubling, at most {@link #MAX_PAUSE}. */
    static Duration pauseBefore(int restart) {
        long millis = FIRST_PAUSE.toMillis() << Math.min(restart - 1, 16);
        return Duration.ofMillis(Math.min(millis, MAX_PAUSE.toMillis()));
    }

    /** Stops watching (before the services are stopped, so that none is restarted). */
    @Override
    public void close() {
        closing = true;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The processes now running the services, in the order they were added. */
    synchronized List<ChildProcess> children() {
        return services.stream().map(s -> s.child).toList();
    }

    private void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            // closing
        }
    }
}
